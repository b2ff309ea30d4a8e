"""All models, imported in one place so that Alembic and create_all see every table."""

from webapp.appeals.models import Appeal, AppealNumberCounter
from webapp.auth.models import ApiToken, User, user_mahallas
from webapp.territory.models import District, Mahalla, Region
from webapp.workflow.models import CaseEvent, PendingTask, ProcessInstance, ProcessVersion

__all__ = [
    "ApiToken",
    "Appeal",
    "AppealNumberCounter",
    "CaseEvent",
    "District",
    "Mahalla",
    "PendingTask",
    "ProcessInstance",
    "ProcessVersion",
    "Region",
    "User",
    "user_mahallas",
]
