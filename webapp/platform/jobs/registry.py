"""The background jobs: each is an idempotent function run inside an app context."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], Any]
    every_seconds: float


def _send_notifications() -> Any:
    from webapp.platform.notifications.sender import send_due_messages

    return send_due_messages()


def _prepare_documents() -> Any:
    from webapp.casework.replies.preparation import prepare_documents

    return prepare_documents()


def _refresh_absence_flags() -> Any:
    from webapp.cases.assignment.service import refresh_absence_flags

    return refresh_absence_flags()


def _run_covers() -> Any:
    from webapp.cases.cover.service import run_covers

    return run_covers()


def _fire_due_timers() -> Any:
    from webapp.cases.timer_service import fire_due_timers

    return fire_due_timers()


def _deliver_signals() -> Any:
    from webapp.cases.signals import deliver_signals

    return deliver_signals()


def _refresh_overdue_flags() -> Any:
    from webapp.cases.timer_service import refresh_overdue_flags

    return refresh_overdue_flags()


def _run_export_jobs() -> Any:
    from webapp.analytics.exports.service import run_export_jobs

    return run_export_jobs()


def _clean_export_files() -> Any:
    from webapp.analytics.exports.service import clean_export_files

    return clean_export_files()


def _anonymise_prevention_records() -> Any:
    from webapp.prevention.registry.retention import anonymise_expired

    return anonymise_expired()


def _archive_monthly_reports() -> Any:
    from webapp.analytics.reports.service import archive_previous_month

    return archive_previous_month()


def _remind_notice_approvals() -> Any:
    from webapp.cooperation.notices.reminders import remind_notice_approvals

    return remind_notice_approvals()


JOBS: tuple[Job, ...] = (
    Job("send_notifications", _send_notifications, every_seconds=30),
    # Reply letters stored by a completion get their PDF here, right after the completion commits.
    Job("prepare_documents", _prepare_documents, every_seconds=2),
    Job("refresh_absence_flags", _refresh_absence_flags, every_seconds=600),
    # Covers starting today move the absent user's tasks; covers past their last day give them back.
    Job("run_covers", _run_covers, every_seconds=600),
    Job("fire_due_timers", _fire_due_timers, every_seconds=30),
    # BPMN signals queued by the steps that threw them, to the waiting cases of the thrower's district.
    Job("deliver_signals", _deliver_signals, every_seconds=5),
    Job("refresh_overdue_flags", _refresh_overdue_flags, every_seconds=600),
    Job("run_export_jobs", _run_export_jobs, every_seconds=5),
    Job("clean_export_files", _clean_export_files, every_seconds=3600),
    Job("anonymise_prevention_records", _anonymise_prevention_records, every_seconds=3600),
    # Last month's report of every district and region, once (the first run of a month builds them).
    Job("archive_monthly_reports", _archive_monthly_reports, every_seconds=3600),
    # A prevention notice waiting for approval past the approval's norm reminds the supervisors once.
    Job("remind_notice_approvals", _remind_notice_approvals, every_seconds=600),
)
