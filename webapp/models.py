"""All models, imported in one place so that Alembic and create_all see every table."""

from webapp.appeals.models import (
    Appeal,
    AppealLink,
    AppealNumberCounter,
    AppealRating,
    Attachment,
    CoApplicant,
    Document,
    ReceptionRecord,
)
from webapp.auth.models import ApiToken, User, user_mahallas
from webapp.notifications.models import OutboxMessage
from webapp.open311.models import Open311Client
from webapp.prevention.models import PreventionPlan, SupervisedPerson, supervised_person_appeals
from webapp.reports.models import MonthlyReport
from webapp.territory.models import District, Mahalla, Region
from webapp.workflow.models import (
    CaseEvent,
    Notification,
    PendingTask,
    ProcessDraft,
    ProcessInstance,
    ProcessVersion,
    UserAbsence,
)

__all__ = [
    "ApiToken",
    "Appeal",
    "AppealLink",
    "AppealNumberCounter",
    "AppealRating",
    "Attachment",
    "CaseEvent",
    "CoApplicant",
    "District",
    "Document",
    "Mahalla",
    "MonthlyReport",
    "Notification",
    "Open311Client",
    "OutboxMessage",
    "PendingTask",
    "PreventionPlan",
    "ProcessDraft",
    "ProcessInstance",
    "ProcessVersion",
    "ReceptionRecord",
    "Region",
    "SupervisedPerson",
    "User",
    "UserAbsence",
    "supervised_person_appeals",
    "user_mahallas",
]
