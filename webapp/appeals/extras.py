"""What the case page shows besides the summary: attachments and linked related appeals."""

from __future__ import annotations

from typing import Any

from webapp.appeals.models import Appeal
from webapp.attachments.service import attachments_of
from webapp.related.service import linked_appeals


def case_extras(appeal: Appeal) -> dict[str, Any]:
    return {"attachments": attachments_of(appeal), "links": linked_appeals(appeal)}
