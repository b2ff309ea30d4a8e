"""What the case page shows besides the summary: attachments and linked related appeals."""

from __future__ import annotations

from typing import Any

from webapp.casework.appeals.models import Appeal
from webapp.casework.related.service import linked_appeals
from webapp.intake.attachments.service import attachments_of


def case_extras(appeal: Appeal) -> dict[str, Any]:
    return {"attachments": attachments_of(appeal), "links": linked_appeals(appeal)}
