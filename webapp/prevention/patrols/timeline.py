"""Patrol incidents linked to a registry person, as entries of the person's timeline."""

from __future__ import annotations

import datetime as dt

from flask import url_for

from webapp.platform.timeutil import TASHKENT, as_utc
from webapp.prevention.patrols.service import incidents_for_person
from webapp.prevention.registry.models import SupervisedPerson
from webapp.prevention.registry.timeline import TimelineEntry, timeline_source

# An incident is recorded by its day; place it at noon local time on the timeline.
_INCIDENT_HOUR = dt.time(12)


@timeline_source
def patrol_incidents(person: SupervisedPerson) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            occurred_at=as_utc(dt.datetime.combine(incident.occurred_on, _INCIDENT_HOUR, tzinfo=TASHKENT)),
            kind="patrol_incident",
            data={"description": incident.description, "place": incident.place},
            ref=incident.appeal.number if incident.appeal is not None else "",
            url=url_for("prevention_work.patrol_report", report_id=incident.report_id),
        )
        for incident in incidents_for_person(person.id)
    ]
