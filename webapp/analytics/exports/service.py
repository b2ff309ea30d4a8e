"""Exports of lists: what each list exports, and the background job for the long ones.

A list (``KINDS``) knows its roles, parses its filters from request arguments, counts its rows and
streams them from a server-side cursor, always within the requesting user's territory. A list of
up to ``EXPORT_JOB_THRESHOLD`` rows (default 5,000) is sent at once; a longer one becomes an
``ExportJob`` that the ``run_export_jobs`` job writes to a file in the exports folder (inside the
instance folder, never served as a static file), reporting progress every ``PROGRESS_EVERY``
rows on a connection of its own, so the page polling the job sees it move. Only the job's owner
may download the file; ``clean_export_files`` removes files a day after they were written.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from webapp.analytics.exports.models import ExportJob, ExportStatus
from webapp.casework.appeals.service import AppealFilters, appeal_list_query, count_rows, stream_rows
from webapp.casework.supervision import service as supervision
from webapp.extensions import db
from webapp.platform.auth.models import Role, User
from webapp.platform.labels import CATEGORY, KIND, STAGE, STATUS, label
from webapp.platform.query_params import parse
from webapp.platform.tabular import FORMATS, csv_chunks, write_xlsx
from webapp.platform.timeutil import TASHKENT, as_utc, utcnow
from webapp.platform.transaction import end_read, transaction

log = logging.getLogger("mahalla.exports")

DEFAULT_THRESHOLD = 5000
PROGRESS_EVERY = 500
KEEP_FOR = dt.timedelta(days=1)
STALE_AFTER = dt.timedelta(hours=2)  # a running job whose worker died is failed after this
CASE_ROLES = (Role.INSPECTOR.value, Role.SUPERVISOR.value, Role.ADMIN.value)
CONTROL_ROLES = (Role.SUPERVISOR.value, Role.ADMIN.value)


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: Iterable[Sequence[Any]]


@dataclass(frozen=True)
class ListExport:
    """One exportable list. ``params`` are the list's filters as request arguments (JSON-safe)."""

    name: str
    roles: tuple[str, ...]
    keys: tuple[str, ...]  # the request arguments that are its filters
    count: Callable[[User, dict[str, Any]], int]
    table: Callable[[User, dict[str, Any]], Table]
    title: Callable[[], str]
    check: Callable[[dict[str, Any]], object]  # raises BadParameter

    def params(self, args: Any) -> dict[str, Any]:
        """The list's filters from request arguments, validated (BadParameter otherwise)."""
        params = {key: str(args.get(key)).strip() for key in self.keys if str(args.get(key, "") or "").strip()}
        self.check(params)
        return params


# --- the appeals list ------------------------------------------------------------------------------


def _appeal_filters(params: dict[str, Any]) -> AppealFilters:
    return AppealFilters.from_args(params)


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    return as_utc(moment).astimezone(TASHKENT).replace(tzinfo=None) if moment else None


def _appeal_table(user: User, params: dict[str, Any]) -> Table:
    query = appeal_list_query(user, _appeal_filters(params))
    headers = [
        _("Number"),
        _("Received"),
        _("Kind"),
        _("Category"),
        _("Channel"),
        _("Applicant"),
        _("Address"),
        _("District"),
        _("Mahalla"),
        _("Stage"),
        _("Status"),
        _("Deadline"),
        _("Closed"),
    ]

    def rows() -> Iterator[list[Any]]:
        from webapp.platform.labels import CHANNEL

        for appeal, mahalla, district in stream_rows(query):
            yield [
                appeal.number,
                _local(appeal.received_at),
                str(label(KIND, appeal.kind)),
                str(label(CATEGORY, appeal.category)),
                str(label(CHANNEL, appeal.channel)),
                _("anonymous") if appeal.anonymous else appeal.applicant_name,
                appeal.address,
                district,
                mahalla,
                str(label(STAGE, appeal.stage)),
                str(label(STATUS, appeal.status)),
                appeal.deadline,
                _local(appeal.closed_at),
            ]

    return Table(headers, rows())


def _appeal_count(user: User, params: dict[str, Any]) -> int:
    return count_rows(appeal_list_query(user, _appeal_filters(params)))


# --- the supervision console's lists ----------------------------------------------------------------


def _console_args(params: dict[str, Any]) -> supervision.ConsoleArgs:
    return parse(supervision.ConsoleArgs, params)


def _case_query(tab: str, user: User, params: dict[str, Any]) -> Any:
    args = _console_args(params)
    return supervision.case_list_query(user, tab, args.filters(), args.days, args.soon)


def _case_table(tab: str) -> Callable[[User, dict[str, Any]], Table]:
    def table(user: User, params: dict[str, Any]) -> Table:
        query = _case_query(tab, user, params)
        headers = [
            _("Number"),
            _("Kind"),
            _("Category"),
            _("Mahalla"),
            _("Stage"),
            _("Status"),
            _("Waiting for"),
            _("Assignee"),
            _("Due"),
            _("Days overdue"),
            _("Last progress"),
            _("Days without progress"),
        ]

        def rows() -> Iterator[list[Any]]:
            batch: list[Any] = []
            for row in stream_rows(query):
                batch.append(tuple(row))
                if len(batch) == PROGRESS_EVERY:
                    yield from _case_rows(batch)
                    batch = []
            yield from _case_rows(batch)

        return Table(headers, rows())

    return table


def _case_rows(batch: list[Any]) -> Iterator[list[Any]]:
    for line in supervision.lines_of(batch):
        appeal = line.appeal
        yield [
            appeal.number,
            str(label(KIND, appeal.kind)),
            str(label(CATEGORY, appeal.category)),
            appeal.mahalla.name,
            str(label(STAGE, appeal.stage)),
            str(label(STATUS, appeal.status)),
            "; ".join(_(task.title) for task in line.tasks),
            ", ".join(line.assignees),
            line.due,
            max(line.days_overdue, 0),
            _local(line.last_progress_at),
            line.days_idle,
        ]


def _case_count(tab: str) -> Callable[[User, dict[str, Any]], int]:
    return lambda user, params: count_rows(_case_query(tab, user, params))


def _workload_table(user: User, params: dict[str, Any]) -> Table:
    headers = [_("Inspector"), _("Mahallas"), _("Open tasks"), _("Overdue"), _("Completed this month")]
    rows = (
        [row.inspector.full_name, ", ".join(row.mahallas), row.open_tasks, row.overdue, row.completed_this_month]
        for row in supervision.workload(user, supervision.Filters.from_args(params))
    )
    return Table(headers, rows)


def _workload_count(user: User, params: dict[str, Any]) -> int:
    return len(supervision.inspectors_in_scope(user, supervision.Filters.from_args(params)))


CONSOLE_KEYS = ("district", "mahalla", "category", "stage", "kind", "days", "soon")
KINDS: dict[str, ListExport] = {
    "appeals": ListExport(
        "appeals", CASE_ROLES, AppealFilters.KEYS, _appeal_count, _appeal_table, lambda: _("Appeals"), _appeal_filters
    ),
    "stuck": ListExport(
        "stuck",
        CONTROL_ROLES,
        CONSOLE_KEYS,
        _case_count("stuck"),
        _case_table("stuck"),
        lambda: _("Stuck cases"),
        _console_args,
    ),
    "overdue": ListExport(
        "overdue",
        CONTROL_ROLES,
        CONSOLE_KEYS,
        _case_count("overdue"),
        _case_table("overdue"),
        lambda: _("Overdue cases"),
        _console_args,
    ),
    "due_soon": ListExport(
        "due_soon",
        CONTROL_ROLES,
        CONSOLE_KEYS,
        _case_count("due_soon"),
        _case_table("due_soon"),
        lambda: _("Cases due soon"),
        _console_args,
    ),
    "workload": ListExport(
        "workload", CONTROL_ROLES, CONSOLE_KEYS, _workload_count, _workload_table, lambda: _("Workload"), _console_args
    ),
}


def threshold() -> int:
    return int(current_app.config.get("EXPORT_JOB_THRESHOLD", DEFAULT_THRESHOLD))


def file_name(kind: str) -> str:
    return f"{kind}-{dt.datetime.now(TASHKENT):%Y%m%d-%H%M}"


# --- background jobs ---------------------------------------------------------------------------------


def exports_dir() -> Path:
    folder = Path(current_app.config.get("EXPORTS_DIR") or Path(current_app.instance_path) / "exports")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def create_job(user: User, kind: str, fmt: str, params: dict[str, Any], language: str, total: int) -> ExportJob:
    """Queue an export for the background job; commit."""
    if kind not in KINDS or fmt not in FORMATS:
        raise ValueError(f"unknown export {kind!r} / {fmt!r}")
    job = ExportJob(owner_id=user.id, kind=kind, filters=dict(params), format=fmt, language=language, rows_total=total)
    with transaction():
        db.session.add(job)
    return job


def job_of(user: User, job_id: int) -> ExportJob | None:
    """The user's own job (someone else's answers like a missing one)."""
    return db.session.scalars(select(ExportJob).where(ExportJob.id == job_id, ExportJob.owner_id == user.id)).first()


def recent_jobs(user: User, limit: int = 10) -> list[ExportJob]:
    return list(
        db.session.scalars(
            select(ExportJob).where(ExportJob.owner_id == user.id).order_by(ExportJob.id.desc()).limit(limit)
        )
    )


def job_file(job: ExportJob) -> Path | None:
    """The finished file of a job, if it is still there."""
    if job.status != ExportStatus.DONE or not job.file_path:
        return None
    path = exports_dir() / job.file_path
    return path if path.is_file() else None


def _set(job_id: int, **values: Any) -> None:
    """Update a job on a connection of its own: visible at once, whatever the session is doing."""
    with db.engine.begin() as connection:
        connection.execute(update(ExportJob.__table__).where(ExportJob.id == job_id).values(**values))


def _claim() -> int | None:
    """Take the oldest queued job (one worker per job: SKIP LOCKED on PostgreSQL, a guarded update)."""
    job_id = db.session.scalar(
        select(ExportJob.id)
        .where(ExportJob.status == ExportStatus.QUEUED)
        .order_by(ExportJob.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if job_id is None:
        end_read()
        return None
    taken = db.session.execute(
        update(ExportJob.__table__)
        .where(ExportJob.id == job_id, ExportJob.status == ExportStatus.QUEUED)
        .values(status=ExportStatus.RUNNING, started_at=utcnow(), rows_done=0)
    )
    db.session.commit()
    return int(job_id) if taken.rowcount == 1 else None  # type: ignore[attr-defined]


def _counted(rows: Iterable[Sequence[Any]], job_id: int) -> Iterator[Sequence[Any]]:
    done = 0
    for row in rows:
        yield row
        done += 1
        if done % PROGRESS_EVERY == 0:
            _set(job_id, rows_done=done)
    _set(job_id, rows_done=done)


def run_job(job_id: int) -> None:
    """Write the file of one claimed job; mark it done or failed."""
    job = db.session.get(ExportJob, job_id)
    owner = db.session.get(User, job.owner_id) if job is not None else None
    if job is None or owner is None or job.kind not in KINDS:
        _set(job_id, status=ExportStatus.FAILED, error="unknown export or owner", finished_at=utcnow())
        return
    relative = f"{job.id}-{secrets.token_hex(8)}.{job.format}"
    target = exports_dir() / relative
    try:
        with force_locale(job.language or "uz"):
            export = KINDS[job.kind]
            total = export.count(owner, dict(job.filters))
            _set(job.id, rows_total=total)
            table = export.table(owner, dict(job.filters))
            rows = _counted(table.rows, job.id)
            if job.format == "csv":
                with target.open("w", encoding="utf-8", newline="") as handle:
                    for chunk in csv_chunks(table.headers, rows):
                        handle.write(chunk)
            else:
                write_xlsx(str(target), table.headers, rows, sheet=export.title())
        end_read()  # the streamed query's
        _set(job.id, status=ExportStatus.DONE, file_path=relative, finished_at=utcnow())
    except Exception as failure:
        end_read()
        target.unlink(missing_ok=True)
        log.exception("export job %s failed", job_id)
        _set(job_id, status=ExportStatus.FAILED, error=str(failure)[:500], finished_at=utcnow())


def run_export_jobs(limit: int = 5) -> list[int]:
    """The registry job: run up to ``limit`` queued exports; return their ids."""
    ran = []
    for _turn in range(limit):
        job_id = _claim()
        if job_id is None:
            break
        run_job(job_id)
        ran.append(job_id)
    return ran


def clean_export_files(now: dt.datetime | None = None) -> int:
    """The registry job: delete files written more than a day ago (their jobs become ``expired``),
    and fail jobs left running by a worker that died. Returns the number of files removed."""
    now = now or utcnow()
    removed = 0
    old = db.session.scalars(
        select(ExportJob).where(ExportJob.status == ExportStatus.DONE, ExportJob.finished_at < now - KEEP_FOR)
    ).all()
    for job in old:
        if job.file_path:
            (exports_dir() / job.file_path).unlink(missing_ok=True)
            removed += 1
        job.status = ExportStatus.EXPIRED
        job.file_path = ""
    db.session.execute(
        update(ExportJob.__table__)
        .where(ExportJob.status == ExportStatus.RUNNING, ExportJob.started_at < now - STALE_AFTER)
        .values(status=ExportStatus.FAILED, error="the export was interrupted", finished_at=now)
    )
    db.session.commit()
    return removed
