"""All models, imported in one place so that Alembic and create_all see every table."""

from webapp.analytics.bottlenecks.models import TaskTiming
from webapp.analytics.exports.models import ExportJob
from webapp.analytics.reports.models import MonthlyReport
from webapp.cases.models import (
    CaseEvent,
    Notification,
    PendingTask,
    ProcessDraft,
    ProcessInstance,
    ProcessVersion,
    UserAbsence,
)
from webapp.casework.appeals.models import (
    Appeal,
    AppealLink,
    AppealNumberCounter,
    AppealRating,
    Attachment,
    CoApplicant,
    Document,
    ReceptionRecord,
)
from webapp.intake.open311.models import Open311Client
from webapp.platform.auth.models import ApiToken, User, user_mahallas
from webapp.platform.notifications.models import OutboxMessage
from webapp.platform.territory.models import District, Mahalla, Region
from webapp.prevention.registry.models import (
    AccessLogEntry,
    PersonEvent,
    PlanTask,
    PreventionPlan,
    SupervisedPerson,
    supervised_person_appeals,
)
from webapp.prevention.work.models import (
    AdvocacyEvent,
    JointPlan,
    JointPlanItem,
    PatrolGroup,
    PatrolIncident,
    PatrolMember,
    PatrolReport,
    PlannedPatrol,
    YoungPerson,
    YouthActivity,
    YouthReferral,
    patrol_report_members,
)
from webapp.studio.changes.models import SandboxRun

__all__ = [
    "AccessLogEntry",
    "AdvocacyEvent",
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
    "ExportJob",
    "JointPlan",
    "JointPlanItem",
    "Mahalla",
    "MonthlyReport",
    "Notification",
    "Open311Client",
    "OutboxMessage",
    "PatrolGroup",
    "PatrolIncident",
    "PatrolMember",
    "PatrolReport",
    "PendingTask",
    "PersonEvent",
    "PlanTask",
    "PlannedPatrol",
    "PreventionPlan",
    "ProcessDraft",
    "ProcessInstance",
    "ProcessVersion",
    "ReceptionRecord",
    "Region",
    "SandboxRun",
    "SupervisedPerson",
    "TaskTiming",
    "User",
    "UserAbsence",
    "YoungPerson",
    "YouthActivity",
    "YouthReferral",
    "patrol_report_members",
    "supervised_person_appeals",
    "user_mahallas",
]
