"""One referral of an appeal to one partner organisation, as the diagrams run it.

The diagram (processes/partner_referral.bpmn) owns the flow; this row is its record for the
figures, the appeal page and the chair: when it was sent, acknowledged and answered, what the
partner answered, and whether the inspector withdrew or re-routed it. One row per partner, so
that sending to several partners at once (a multi-instance referral) is more rows, not new columns.
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.cooperation.partners.models import PartnerOrganisation
from webapp.extensions import db
from webapp.platform.timeutil import utcnow


class ReferralStatus(enum.StrEnum):
    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    ANSWERED = "answered"
    WITHDRAWN = "withdrawn"
    REROUTED = "rerouted"


OPEN_STATUSES = (ReferralStatus.SENT.value, ReferralStatus.ACKNOWLEDGED.value)


class Referral(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("districts.id"), index=True)
    mahalla_id: Mapped[int] = mapped_column(ForeignKey("mahallas.id"))
    # None when the district has no organisation of the kind the diagram asked for.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("partner_organisations.id"), index=True)
    partner_kind: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20), default=ReferralStatus.SENT.value, index=True)
    sent_on: Mapped[dt.date] = mapped_column(Date)
    acknowledge_due: Mapped[dt.date] = mapped_column(Date)
    answer_due: Mapped[dt.date] = mapped_column(Date)
    acknowledged_on: Mapped[dt.date | None] = mapped_column(Date)
    answered_on: Mapped[dt.date | None] = mapped_column(Date)
    responsible: Mapped[str] = mapped_column(String(200), default="")
    outcome: Mapped[str] = mapped_column(Text, default="")
    outcome_date: Mapped[dt.date | None] = mapped_column(Date)
    not_our_competence: Mapped[bool] = mapped_column(default=False)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    organisation: Mapped[PartnerOrganisation | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def acknowledged_in_time(self) -> bool | None:
        """None while it may still come in time; then whether it came by the norm."""
        if self.acknowledged_on is None:
            return None
        return self.acknowledged_on <= self.acknowledge_due

    @property
    def answered_in_time(self) -> bool | None:
        if self.answered_on is None:
            return None
        return self.answered_on <= self.answer_due
