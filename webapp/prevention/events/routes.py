"""Legal-advocacy event pages: the list, and the form to plan an event or record it as held."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import field_validator

from webapp.platform.auth.access import roles_required
from webapp.platform.labels import label
from webapp.platform.pagination import paginate
from webapp.platform.query_params import QueryModel, one_of, query
from webapp.prevention.events import service as events
from webapp.prevention.work import labels
from webapp.prevention.work.blueprint import (
    WORK_ROLES,
    blueprint,
    checked_mahalla,
    export,
    form_failed,
    found_or_abort,
    list_filters,
    territory_choices,
)
from webapp.prevention.work.forms import EventForm
from webapp.prevention.work.models import AUDIENCES, EVENT_STATUSES, AdvocacyEvent
from webapp.prevention.work.scope import mahallas_in_scope


class AudienceArgs(QueryModel):
    audience: str = ""

    @field_validator("audience")
    @classmethod
    def _known(cls, value: str) -> str:
        return one_of("audience", value, AUDIENCES)


def _audience() -> str:
    return query(AudienceArgs).audience


@blueprint.route("/events")
@roles_required(*WORK_ROLES)
def event_list() -> Any:
    filters = list_filters(EVENT_STATUSES)
    audience = _audience()
    return render_template(
        "prevention/events/list.html",
        filters=filters,
        audience=audience,
        audiences=labels.AUDIENCE,
        page=paginate(events.events_query(current_user, filters, audience), filters.page),
        statuses=labels.EVENT_STATUS,
        **territory_choices(),
    )


@blueprint.route("/events/export")
@roles_required(*WORK_ROLES)
def event_export() -> Any:
    filters = list_filters(EVENT_STATUSES)
    headers = [
        _("Date"),
        _("Topic"),
        _("Mahalla"),
        _("Audience"),
        _("Partner organisation"),
        _("Venue"),
        _("Planned attendance"),
        _("Actual attendance"),
        _("Status"),
        _("Notes"),
    ]
    mappings = {"audience": labels.AUDIENCE, "status": labels.EVENT_STATUS}
    rows = events.export_rows(current_user, filters, _audience(), lambda kind, code: label(mappings[kind], code))
    return export("advocacy-events", headers, rows)


@blueprint.route("/events/new", methods=["GET", "POST"])
@blueprint.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@roles_required(*WORK_ROLES)
def event_form(event_id: int | None = None) -> Any:
    event = found_or_abort(events.event_for(current_user, event_id), AdvocacyEvent, event_id) if event_id else None
    mahallas = mahallas_in_scope(current_user)
    form = EventForm(obj=event, mahalla=event.mahalla_id if event else None)
    checked_mahalla(form, mahallas)
    if form.validate_on_submit():
        assert form.event_date.data is not None
        mahalla = next(m for m in mahallas if m.id == form.mahalla.data)
        data = events.EventData(
            topic=form.topic.data or "",
            event_date=form.event_date.data,
            audience=form.audience.data or "other",
            status=form.status.data or "planned",
            planned_attendance=form.planned_attendance.data or 0,
            actual_attendance=form.actual_attendance.data,
            partner=form.partner.data or "",
            venue=form.venue.data or "",
            notes=form.notes.data or "",
        )
        events.save_event(current_user, mahalla, data, event)
        flash(_("The event is saved."), "success")
        return redirect(url_for("prevention_work.event_list"))
    if form.is_submitted():
        form_failed()
    return render_template(
        "prevention/shared/form.html",
        form=form,
        title=event.topic if event else _("New legal-advocacy event"),
        back=url_for("prevention_work.event_list"),
        section="events",
    )
