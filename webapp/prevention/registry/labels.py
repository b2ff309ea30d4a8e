"""Human labels (translatable) for the codes of the prevention registry and plans."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

# The fixed list of risk groups (xavf guruhi).
RISK_GROUPS = {
    "previously_convicted": _l("Previously convicted"),
    "administrative_offences": _l("Administrative offences"),
    "domestic_violence": _l("Domestic violence"),
    "harmful_ideas": _l("Exposed to harmful or extremist ideas"),
    "juvenile_at_risk": _l("Juvenile at risk"),
    "substance_abuse": _l("Alcohol or drug abuse"),
    "other": _l("Other"),
}
PERSON_STATUS = {"active": _l("On the registry"), "removed": _l("Removed from the registry")}
PLAN_STATUS = {
    "drafting": _l("Being drafted"),
    "awaiting_approval": _l("Awaiting approval"),
    "active": _l("Active"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
}
MEASURES = {
    "measure_talk": _l("Prevention talk"),
    "measure_warning": _l("Official warning"),
    "measure_youth_adviser": _l("Involvement of the youth affairs adviser"),
    "measure_employment": _l("Employment referral"),
    "measure_education": _l("Education referral"),
    "measure_family_support": _l("Family and social support"),
}
EVENTS = {
    "registered": _l("Put on the prevention registry"),
    "updated": _l("Registry record changed"),
    "removed": _l("Removed from the registry"),
    "anonymised": _l("Record anonymised after the retention period"),
    "appeal_linked": _l("Appeal linked"),
    "appeal_unlinked": _l("Appeal unlinked"),
    "plan_opened": _l("Prevention plan opened"),
    "plan_drafted": _l("Plan drafted and sent for approval"),
    "plan_approved": _l("Plan approved"),
    "plan_returned": _l("Plan returned for changes"),
    "checkin": _l("Monthly check-in"),
    "evaluation": _l("Quarterly evaluation"),
    "plan_extended": _l("Plan extended"),
    "cycle_started": _l("New quarter of the plan started"),
    "plan_completed": _l("Plan completed"),
    "plan_cancelled": _l("Plan cancelled"),
    "appeal": _l("Appeal concerning the person"),
    "patrol_incident": _l("Incident met by a patrol"),
}
ACCESS_ACTIONS = {
    "view": _l("Viewed the record"),
    "view_denied": _l("Was refused the record"),
    "list": _l("Saw the record in a list"),
    "export": _l("Exported the record"),
    "create": _l("Registered the person"),
    "update": _l("Changed the record"),
    "remove": _l("Removed from the registry"),
    "anonymise": _l("Anonymised the record"),
    "link_appeal": _l("Linked an appeal"),
    "unlink_appeal": _l("Unlinked an appeal"),
    "open_plan": _l("Opened a prevention plan"),
    "view_plan": _l("Viewed a prevention plan"),
    "plan_task": _l("Worked on a plan task"),
}
