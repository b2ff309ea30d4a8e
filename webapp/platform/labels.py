"""Human labels (translatable) for the codes stored in the database."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATUS = {
    "registered": _l("Registered"),
    "under_review": _l("Under review"),
    "forwarded": _l("Forwarded"),
    "resolved": _l("Resolved"),
    "answered": _l("Answered"),
    "rejected": _l("Left unconsidered"),
    "withdrawn": _l("Withdrawn by the citizen"),
    "overdue": _l("Overdue"),
    "cancelled": _l("Cancelled"),
}
KIND = {"ariza": _l("Statement"), "taklif": _l("Proposal"), "shikoyat": _l("Complaint")}
CATEGORY = {
    "crime_prevention": _l("Crime prevention"),
    "public_safety": _l("Public safety"),
    "family_conflict": _l("Family conflicts"),
    "minors_youth": _l("Minors and youth"),
    "social_assistance": _l("Social assistance"),
    "utilities": _l("Utilities and improvement"),
    "other": _l("Other"),
}
URGENCY = {"normal": _l("Normal"), "urgent": _l("Urgent")}
CHANNEL = {
    "walk_in": _l("Walk-in"),
    "written": _l("Written"),
    "oral": _l("Oral"),
    "web": _l("Web form"),
    "api": _l("Mobile app / API"),
    "open311": _l("Open311"),
    "patrol": _l("Patrol (Fidokor Yoshlar)"),
}
ROLE = {
    "inspector": _l("Prevention inspector"),
    "youth_adviser": _l("Youth affairs adviser"),
    "supervisor": _l("Supervisor"),
    "methodologist": _l("Methodologist"),
    "admin": _l("Administrator"),
}
STAGE = {
    1: _l("1. Receive and register"),
    2: _l("2. Analyse"),
    3: _l("3. Resolve and take measures"),
    4: _l("4. Reply and record"),
    5: _l("5. Monitor and analyse"),
}
EVENT = {
    "registered": _l("Appeal registered"),
    "process_started": _l("Procedure started"),
    "task_created": _l("Task created"),
    "task_completed": _l("Task completed"),
    "case_closed": _l("Case closed"),
    "deadline_extended": _l("Deadline extended"),
    "proposal_study_notice": _l("Applicant told: the proposal needs more study"),
    "forwarding_notice": _l("Applicant told: forwarded to the competent body"),
    "rated": _l("Rated by the citizen"),
    "message_received": _l("Message received"),
    "signal_received": _l("Signal received from another case"),
    "appeal_withdrawn": _l("The citizen withdrew the appeal"),
    "supervisor_notified": _l("Supervisor notified"),
    "linked": _l("Linked to an earlier appeal"),
    "reopened_as": _l("Reopened as a new appeal"),
    "categorisation_overridden": _l("Suggested category overridden"),
    "appeal_linked": _l("Related appeal linked"),
    "appeal_unlinked": _l("Related appeal unlinked"),
    "attachments_added": _l("Files attached"),
    "suspended": _l("Case suspended"),
    "resumed": _l("Case resumed"),
    "cancelled": _l("Case cancelled"),
    "incident": _l("Procedure step failed (incident)"),
    "reassigned": _l("Task reassigned"),
    "assigned": _l("Task assigned"),
    "claimed": _l("Task claimed"),
    "unclaimed": _l("Task handed back"),
    "delegated": _l("Task delegated"),
    "follow_up_set": _l("Follow-up date set"),
    "timers_fired": _l("Deadline timer fired"),
    "reminder_sent": _l("Reminder sent"),
    "status_changed": _l("Status or stage changed"),
    "case_escalated": _l("Escalated to the supervisor (overdue)"),
    "migrated": _l("Moved to a newer procedure version"),
    "referral_sent": _l("Referral sent to a partner organisation"),
    "referral_answered": _l("The partner organisation answered the referral"),
}
# The state of a case's procedure (ProcessInstance.status).
CASE_STATUS = {
    "running": _l("Running"),
    "suspended": _l("Suspended"),
    "cancelled": _l("Cancelled"),
    "incident": _l("Incident"),
    "closed": _l("Closed"),
}
LINK_REASON = {
    "same_applicant": _l("same applicant"),
    "same_address": _l("same address"),
    "similar_text": _l("similar text"),
}


def label(mapping: dict, code: object) -> str:
    value = mapping.get(code)
    return str(value) if value is not None else str(code)
