"""Moving one case (of any subject kind) onto another version of its process."""

from __future__ import annotations

from webapp.cases.events import log_event
from webapp.cases.instances import CaseNotRunning, Conflict, instance_by_id, log_subject_event, migrate_instance
from webapp.cases.models import CaseStatus, ProcessVersion
from webapp.cases.subjects import subject_kind
from webapp.cases.versions import library_by_hash, library_for
from webapp.platform.auth.models import User
from webapp.platform.transaction import transaction


def migrate_case(instance_id: int, target: ProcessVersion, actor: User | None) -> None:
    """Move one case (of any subject) to another version of its process and commit, or raise
    changing nothing.

    The live state is restored on the target's spec (engine.migration), the pending tasks take
    the target's titles and lanes, and a "migrated" event records both versions (in the log of
    the subject's own row when its kind keeps one: an appeal's). Raises engine
    MigrationRefused (a live task has no counterpart), Conflict or StepFailed.
    """
    with transaction():
        found = instance_by_id(instance_id)
        if found is None:
            raise Conflict("the case no longer exists")
        record, subject, digest = found
        if record.status == CaseStatus.CANCELLED:
            raise CaseNotRunning(record.status)
        library = library_by_hash(digest, record.process_version_id)
        migrate_instance(record, library, library_for(target), target.id)
        data = {"from_version": record.process_version_id, "to_version": target.id}
        kind = subject_kind(subject.kind)
        row = kind.record(subject.id) if kind is not None and kind.record is not None else None
        if row is not None:
            log_event(row, "migrated", actor, data=data)
        else:
            log_subject_event(subject, "migrated", actor, data=data)
