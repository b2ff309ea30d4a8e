"""Compare process versions, migrate running cases to a newer version, run processes in a sandbox.

All SQL of the package is here. Migration moves each case in a transaction of its own (the
workflow service's migrate_case); the sandbox drives the engine directly, so no appeal, task,
hook or notification is ever created by a test run.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from engine import (
    EngineStepFailed,
    Instance,
    MigrationBlocker,
    MigrationCheck,
    MigrationRefused,
    ProcessLibrary,
    ReadyTask,
    VersionDiff,
    check_migration,
    content_hash,
    diff_libraries,
)
from engine.diff import ADDED, CHANGED, REMOVED
from webapp.cases.instances import Conflict, StepFailed
from webapp.cases.migration import migrate_case
from webapp.cases.models import CaseStatus, ProcessDraft, ProcessInstance, ProcessVersion
from webapp.cases.subjects import reference
from webapp.cases.versions import (
    is_decision_library,
    library_by_hash,
    library_for,
    library_of_files,
    sample_start,
)
from webapp.casework.appeals.deadlines import current_calendar
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.timer_data import timer_data
from webapp.cooperation.referrals.norms import referral_moments
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.transaction import end_read
from webapp.studio.changes.models import SandboxRun
from webapp.studio.diagrams.service import outline_of, progress_diagrams

DRAFT = "draft"
MOVABLE_STATUSES = (CaseStatus.RUNNING, CaseStatus.SUSPENDED, CaseStatus.INCIDENT)


# --- versions and drafts ---------------------------------------------------------------------


def runs_cases(version: ProcessVersion) -> bool:
    """Whether the version holds a process (decision tables alone run no cases)."""
    return not is_decision_library(version.files)


def versions_of(process_id: str) -> list[ProcessVersion]:
    """The lineage's versions, newest first."""
    return list(
        db.session.scalars(
            select(ProcessVersion).where(ProcessVersion.process_id == process_id).order_by(ProcessVersion.id.desc())
        )
    )


MAX_ID = 2**31 - 1  # ids beyond the integer column's range name nothing (and must not reach the database)


def version_of(process_id: str, version_id: int) -> ProcessVersion | None:
    if not 0 < version_id <= MAX_ID:
        return None
    version = db.session.get(ProcessVersion, version_id)
    return version if version is not None and version.process_id == process_id else None


def draft_of(process_id: str) -> ProcessDraft | None:
    return db.session.scalar(select(ProcessDraft).where(ProcessDraft.process_id == process_id))


def files_of(process_id: str, ref: str) -> dict[str, str] | None:
    """The documents of a version (its id as text) or of the draft ("draft"); None if there is none."""
    if ref == DRAFT:
        draft = draft_of(process_id)
        return dict(draft.files) if draft is not None else None
    if not ref.isdecimal():
        return None
    version = version_of(process_id, int(ref))
    return dict(version.files) if version is not None else None


@dataclass(frozen=True)
class Comparison:
    before: dict[str, str]
    after: dict[str, str]
    diff: VersionDiff

    def diagram_files(self) -> list[str]:
        """BPMN files of either side, those with changes first."""
        names = sorted(name for name in {*self.before, *self.after} if name.endswith(".bpmn"))
        changed = {e.file for e in self.diff.elements}
        return sorted(names, key=lambda name: name not in changed)

    def change_counts(self) -> dict[str, int]:
        """How many elements changed, by file."""
        counts: dict[str, int] = {}
        for element in self.diff.elements:
            counts[element.file] = counts.get(element.file, 0) + 1
        return counts

    def markers(self) -> dict[str, dict[str, dict[str, list[str]]]]:
        """Per BPMN file, the element ids to colour on each side: removed and changed on the left,
        added and changed on the right."""
        return {
            file: {
                "before": {change: self.diff.element_ids(file, change) for change in (REMOVED, CHANGED)},
                "after": {change: self.diff.element_ids(file, change) for change in (ADDED, CHANGED)},
            }
            for file in self.diagram_files()
        }


def compare(process_id: str, before_ref: str, after_ref: str) -> Comparison | None:
    """The differences between two versions (or a version and the draft); None if one is missing.

    Raises DiagramError when a document cannot be read (a broken draft)."""
    before, after = files_of(process_id, before_ref), files_of(process_id, after_ref)
    if before is None or after is None:
        return None
    return Comparison(before, after, diff_libraries(before, after))


# --- migration -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CasePlan:
    """Whether one running case can move to the target version, and what it waits on now."""

    instance_id: int
    ref: str  # the case's reference: an appeal number, plan-12, …
    version_id: int
    check: MigrationCheck


def _running_cases(process_id: str, target: ProcessVersion, instance_ids: Iterable[int] | None = None) -> Any:
    query = (
        select(
            ProcessInstance.id,
            ProcessInstance.subject_kind,
            ProcessInstance.subject_id,
            Appeal.number,
            ProcessInstance.process_version_id,
            ProcessVersion.content_hash,
            ProcessInstance.state,
        )
        .outerjoin(Appeal, Appeal.id == ProcessInstance.appeal_id)
        .join(ProcessVersion, ProcessVersion.id == ProcessInstance.process_version_id)
        .where(
            ProcessVersion.process_id == process_id,
            ProcessInstance.process_version_id < target.id,
            ProcessInstance.is_completed.is_(False),
            ProcessInstance.status.in_(MOVABLE_STATUSES),
        )
        .order_by(Appeal.number, ProcessInstance.id)
    )
    if instance_ids is not None:
        query = query.where(ProcessInstance.id.in_([i for i in instance_ids if 0 < i <= MAX_ID]))
    return db.session.execute(query)


def migration_plan(process_id: str, target: ProcessVersion) -> list[CasePlan]:
    """Case by case: can it move to ``target`` (a newer version of its lineage), and why not."""
    new_library = library_for(target)
    return [
        CasePlan(
            instance_id,
            reference(kind, subject_id, number),
            version_id,
            check_migration(library_by_hash(digest, version_id), new_library, state),
        )
        for instance_id, kind, subject_id, number, version_id, digest, state in _running_cases(process_id, target)
    ]


@dataclass(frozen=True)
class MigrationFailure:
    ref: str
    blockers: tuple[MigrationBlocker, ...] = ()
    reason: str = ""  # "conflict" or "step_failed"
    step: EngineStepFailed | None = None  # what failed when the reason is "step_failed"


@dataclass(frozen=True)
class MigrationReport:
    moved: tuple[str, ...]
    failed: tuple[MigrationFailure, ...]


def migrate_cases(
    process_id: str, target: ProcessVersion, actor: User | None, instance_ids: Iterable[int] | None = None
) -> MigrationReport:
    """Move the lineage's running cases (or the chosen ones) to ``target``, each in its own transaction.

    A case that cannot move stays as it was and is reported with the reason.
    """
    cases = [(row[0], reference(row[1], row[2], row[3])) for row in _running_cases(process_id, target, instance_ids)]
    end_read()  # every case commits on its own
    moved: list[str] = []
    failed: list[MigrationFailure] = []
    for instance_id, number in cases:
        try:
            migrate_case(instance_id, target, actor)
        except MigrationRefused as refused:
            failed.append(MigrationFailure(number, refused.blockers))
        except Conflict:
            failed.append(MigrationFailure(number, reason="conflict"))
        except StepFailed as step:
            failed.append(MigrationFailure(number, reason="step_failed", step=step.failure))
        else:
            moved.append(number)
    return MigrationReport(tuple(moved), tuple(failed))


# --- sandbox ---------------------------------------------------------------------------------

# Start data of a sample appeal, as start_case gives a real one (the form on the start page edits it).
SAMPLE_START_DATA: dict[str, Any] = {
    "kind": "ariza",
    "category": "public_safety",
    "urgency": "normal",
    "anonymous": False,
    "representative_without_poa": False,
    "channel": "walk_in",
    "mahalla": "SANDBOX",
    "appeal_number": "SANDBOX-1",
    "deadline_term": "P15D",
}


def sample_start_data(process_id: str, today: dt.date) -> dict[str, Any]:
    """The start data the sandbox page offers: the lineage's own (registered by its subject module),
    or a sample appeal's."""
    registered = sample_start(process_id)
    if registered is not None:
        return registered
    return {
        **SAMPLE_START_DATA,
        **timer_data(today + dt.timedelta(days=15)),
        **referral_moments(today, current_calendar()),
    }


def runs_of(owner: User, process_id: str) -> list[SandboxRun]:
    return list(
        db.session.scalars(
            select(SandboxRun)
            .where(SandboxRun.owner_id == owner.id, SandboxRun.process_id == process_id)
            .order_by(SandboxRun.id.desc())
        )
    )


def run_of(owner: User, process_id: str, run_id: int) -> SandboxRun | None:
    run = db.session.get(SandboxRun, run_id) if 0 < run_id <= MAX_ID else None
    if run is None or run.owner_id != owner.id or run.process_id != process_id:
        return None
    return run


def _run_library(run: SandboxRun) -> ProcessLibrary:
    if run.process_version_id is not None:
        version = db.session.get(ProcessVersion, run.process_version_id)
        assert version is not None
        return library_for(version)
    return library_of_files(run.process_id, run.files or {})


def _run_files(run: SandboxRun) -> dict[str, str]:
    if run.process_version_id is not None:
        version = db.session.get(ProcessVersion, run.process_version_id)
        return dict(version.files) if version is not None else {}
    return dict(run.files or {})


def _record(run: SandboxRun, instance: Instance) -> None:
    # The path and data first: serializing drops the finished history (engine.compaction).
    run.path = [*(run.path or []), *instance.elements_completed(qualified=True)]
    run.data = _json_safe(instance.current_data())
    run.state = instance.serialize()
    run.is_completed = instance.is_completed
    db.session.commit()


def _json_safe(data: Mapping[str, Any]) -> dict[str, Any]:
    """The case data as JSON can hold it (dates and other values as text)."""
    return dict(json.loads(json.dumps(dict(data), default=str)))


def start_run(owner: User, process_id: str, ref: str, start_data: Mapping[str, Any]) -> SandboxRun | None:
    """Start a test run of a version or of the draft; None if there is no such source.

    Raises DiagramError (the draft cannot be loaded) or engine EngineStepFailed (a script failed)."""
    files = files_of(process_id, ref)
    if files is None:
        return None
    if ref == DRAFT:
        library = library_of_files(process_id, files)
        run = SandboxRun(owner_id=owner.id, process_id=process_id, draft_hash=content_hash(files), files=files)
    else:
        version = version_of(process_id, int(ref))
        assert version is not None
        library = library_for(version)
        run = SandboxRun(owner_id=owner.id, process_id=process_id, process_version_id=version.id)
    instance = Instance.start(library, dict(start_data))
    run.path = []
    db.session.add(run)
    _record(run, instance)
    return run


def run_tasks(run: SandboxRun) -> list[ReadyTask]:
    return Instance.restore(_run_library(run), run.state).ready_user_tasks()


def complete_run_task(run: SandboxRun, task_id: str, values: Mapping[str, Any]) -> None:
    """Complete a user task of the run with sample values; raises FormInvalid, TaskNotReady, EngineStepFailed."""
    instance = Instance.restore(_run_library(run), run.state)
    instance.complete(task_id, values)
    _record(run, instance)


def next_timer(run: SandboxRun) -> dt.datetime | None:
    return Instance.restore(_run_library(run), run.state).next_timer_due()


def fire_next_timer(run: SandboxRun) -> bool:
    """Fire the run's earliest waiting timer now (and any due with it); False when none waits."""
    instance = Instance.restore(_run_library(run), run.state)
    due = instance.next_timer_due()
    if due is None:
        return False
    instance.fire_due_timers(due + dt.timedelta(seconds=1))  # a timer fires once its moment has passed
    _record(run, instance)
    return True


def run_diagrams(run: SandboxRun, pending: Iterable[str]) -> list[dict[str, Any]]:
    """The diagram entries of a run: the path taken and the waiting tasks (as on a case page)."""
    library = _run_library(run)
    completed = [(process, element) for process, _sep, element in (e.partition(":") for e in run.path or []) if element]
    return progress_diagrams(
        outline_of(_run_files(run)),
        library.main_process_id,
        completed,
        list(pending),
        run.is_completed,
    )


def run_document(run: SandboxRun, file_name: str) -> str | None:
    return _run_files(run).get(file_name)
