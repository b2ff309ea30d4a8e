"""The background job that turns stored letters into PDFs, after the completion has committed.

Completing ``record_result`` stores the letter's text as a document in the state ``preparing``
(``service.store_reply_letter``); this job renders its PDF, marks it ``ready`` and queues it to the
applicant, in one transaction per document. The case page shows "being prepared" meanwhile.

Each document is claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL (any number of
workers; on SQLite the guarded update below keeps a second worker from finishing it twice). A
failed attempt is rolled back, counted and recorded with its error on the document, which stays
``preparing`` and is tried again after 1, 5, 30 minutes, then every 2 hours: never lost, and the
case page says what went wrong. Runs as the registry job ``prepare_documents`` (in-process
scheduler, ``mahalla worker`` or Celery).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import select, update

from webapp.casework.appeals.models import Appeal, Document
from webapp.casework.replies.service import PREPARING, READY, letter_pdf, notify_letter_ready
from webapp.extensions import db
from webapp.platform.timeutil import utcnow
from webapp.platform.transaction import end_read, transaction

log = logging.getLogger("mahalla.documents")

# Waits after the 1st, 2nd, 3rd failed attempt; from the 4th on, every 2 hours.
BACKOFF = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2))


@dataclass
class PreparationReport:
    ready: int = 0
    failed: int = 0


def _claim(now: dt.datetime) -> Document | None:
    query = (
        select(Document)
        .where(Document.status == PREPARING, Document.next_attempt_at <= now)
        .order_by(Document.next_attempt_at, Document.id)
        .limit(1)
    )
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return db.session.scalars(query).first()


def _prepare(document: Document) -> bool:
    """Render and store the PDF, queue the message; False when another worker finished it first."""
    appeal = db.session.get(Appeal, document.appeal_id)
    if appeal is None:
        raise LookupError(f"document {document.id}: appeal {document.appeal_id} not found")
    pdf = letter_pdf(appeal, document.text)
    done = db.session.execute(
        update(Document.__table__)
        .where(Document.id == document.id, Document.status == PREPARING)
        .values(pdf=pdf, status=READY, attempts=Document.attempts + 1, last_error="", next_attempt_at=None)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        return False
    notify_letter_ready(appeal, document)
    return True


def _record_failure(document_id: int, attempts: int, error: Exception, now: dt.datetime) -> None:
    wait = BACKOFF[min(attempts, len(BACKOFF)) - 1]
    db.session.execute(
        update(Document.__table__)
        .where(Document.id == document_id, Document.status == PREPARING)
        .values(attempts=attempts, last_error=f"{type(error).__name__}: {error}"[:500], next_attempt_at=now + wait)
    )
    db.session.commit()


def prepare_documents(limit: int = 20, now: dt.datetime | None = None) -> PreparationReport:
    """The registry job: prepare up to ``limit`` waiting documents, each in its own transaction."""
    report = PreparationReport()
    for _turn in range(limit):
        moment = now or utcnow()
        document = _claim(moment)
        if document is None:
            end_read()
            break
        document_id, attempts = document.id, (document.attempts or 0) + 1
        try:
            with transaction():
                if _prepare(document):
                    report.ready += 1
        except Exception as error:
            log.exception("document %s could not be prepared (attempt %s)", document_id, attempts)
            _record_failure(document_id, attempts, error, moment)
            report.failed += 1
    return report
