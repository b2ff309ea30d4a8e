"""Human labels (translatable) for the codes the prevention-work registers store."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

YOUTH_STATUS = {"studying": _l("Studying"), "working": _l("Working"), "neither": _l("Neither studying nor working")}
REFERRAL_KIND = {
    "employment": _l("Employment"),
    "education": _l("Education"),
    "vocational": _l("Vocational training"),
}
REFERRAL_OUTCOME = {
    "pending": _l("Pending"),
    "placed": _l("Placed"),
    "refused": _l("Refused"),
    "no_show": _l("Did not show up"),
}
ACTIVITY_KIND = {
    "conversation": _l("Conversation"),
    "event": _l("Event"),
    "sport": _l("Sport"),
    "training": _l("Training"),
    "culture": _l("Culture and leisure"),
    "other": _l("Other"),
}
AUDIENCE = {
    "juveniles": _l("Juveniles"),
    "school": _l("School pupils"),
    "college": _l("College students"),
    "residents": _l("Mahalla residents"),
    "parents": _l("Parents"),
    "women": _l("Women"),
    "other": _l("Other"),
}
EVENT_STATUS = {"planned": _l("Planned"), "held": _l("Held"), "cancelled": _l("Cancelled")}
PLAN_KIND = {"long_term": _l("Long-term"), "current": _l("Current")}
ITEM_STATUS = {
    "planned": _l("Planned"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "overdue": _l("Overdue"),
    "cancelled": _l("Cancelled"),
}
RISK_COLOUR = {"red": _l("Red"), "yellow": _l("Yellow"), "green": _l("Green"), "unknown": _l("Not assessed")}
# Reasons the bundled mahalla_risk table gives; a methodologist's own reason text is shown as written.
RISK_REASON = {
    "overdue_plans": _l("Several individual prevention plans are overdue"),
    "repeat_offences": _l("Repeated offences by people under a prevention plan"),
    "crime_appeals": _l("Many open crime-prevention appeals"),
    "overdue_plan": _l("An individual prevention plan is overdue"),
    "repeat_offence": _l("A repeated offence by a person under a prevention plan"),
    "crime_appeal": _l("Open crime-prevention appeals"),
    "patrol_incidents": _l("Incidents found by patrols"),
    "many_on_registry": _l("Many people on the prevention registry"),
    "no_risk_signs": _l("No signs of risk"),
}
