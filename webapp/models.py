"""All models, imported in one place so that Alembic and create_all see every table."""

from webapp.admin.reference.models import ReferenceItem
from webapp.analytics.bottlenecks.models import TaskTiming
from webapp.analytics.exports.models import ExportJob
from webapp.analytics.reports.models import MonthlyReport
from webapp.cases.models import (
    CaseEvent,
    CoverMove,
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
from webapp.casework.categoriser.models import CategoriserModel, CorpusCorrection
from webapp.cooperation.chairs.models import ChairSharing
from webapp.cooperation.partners.models import PartnerOrganisation, partner_staff
from webapp.intake.open311.models import Open311Client
from webapp.intake.public.models import AccessCodeReset
from webapp.platform.audit.models import AuditEntry
from webapp.platform.auth.models import ApiToken, PasswordLink, User, user_mahallas
from webapp.platform.notifications.models import OutboxMessage
from webapp.platform.staffing.models import StaffAssignment
from webapp.platform.territory.areas import MahallaArea
from webapp.platform.territory.models import District, Mahalla, Region
from webapp.platform.webhooks.models import WebhookSubscription
from webapp.prevention.registry.models import (
    AccessLogEntry,
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
    "AccessCodeReset",
    "AccessLogEntry",
    "AdvocacyEvent",
    "ApiToken",
    "Appeal",
    "AppealLink",
    "AppealNumberCounter",
    "AppealRating",
    "Attachment",
    "AuditEntry",
    "CaseEvent",
    "CategoriserModel",
    "ChairSharing",
    "CoApplicant",
    "CorpusCorrection",
    "CoverMove",
    "District",
    "Document",
    "ExportJob",
    "JointPlan",
    "JointPlanItem",
    "Mahalla",
    "MahallaArea",
    "MonthlyReport",
    "Notification",
    "Open311Client",
    "OutboxMessage",
    "PartnerOrganisation",
    "PasswordLink",
    "PatrolGroup",
    "PatrolIncident",
    "PatrolMember",
    "PatrolReport",
    "PendingTask",
    "PlannedPatrol",
    "PreventionPlan",
    "ProcessDraft",
    "ProcessInstance",
    "ProcessVersion",
    "ReceptionRecord",
    "ReferenceItem",
    "Region",
    "SandboxRun",
    "StaffAssignment",
    "SupervisedPerson",
    "TaskTiming",
    "User",
    "UserAbsence",
    "WebhookSubscription",
    "YoungPerson",
    "YouthActivity",
    "YouthReferral",
    "partner_staff",
    "patrol_report_members",
    "supervised_person_appeals",
    "user_mahallas",
]
