"""The process library: every lineage with its versions, running cases, files and draft.

A lineage is a ``ProcessVersion.process_id`` (a BPMN process with its sub-processes and DMN
tables, or a library of DMN tables only). Each lineage has at most one draft (ProcessDraft):
the methodologist's working copy, started from the newest version; publishing it creates a new
immutable version through ``publish_files`` and clears the draft. Every function here that
changes something is one user action in one transaction, committed here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import undefer

from engine import DiagramError, DiagramProblem, ValidationReport, normalise_document, validate_library
from engine.names import lineage_names, pick_name
from webapp.cases.models import CaseStatus, ProcessDraft, ProcessInstance, ProcessVersion
from webapp.cases.versions import (
    BUNDLED_LINEAGES,
    LIBRARY_RULES,
    bundled_files,
    current_version,
    is_decision_library,
    latest_version,
    publish_files,
)
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.timeutil import utcnow

FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}\.(bpmn|dmn)$")
LINEAGE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,99}$")
# A diagram is at most 2 MB (engine.xml_safety); the routes refuse larger bodies before reading them.
MAX_UPLOAD_BYTES = 4 * 1024 * 1024


class LibraryRefused(Exception):
    """The action cannot be done; ``message`` is a lazily translated text with %-style ``params``."""

    def __init__(self, message: Any, **params: object) -> None:
        super().__init__(str(message) % params if params else str(message))
        self.message = message
        self.params = params


@dataclass(frozen=True)
class FileEntry:
    name: str
    kind: str  # bpmn | dmn
    size: int


@dataclass(frozen=True)
class VersionView:
    id: int
    number: int
    content_hash: str
    note: str
    published_by: str
    published_at: dt.datetime
    running: int
    files: list[FileEntry]
    restores: int | None = None  # a rollback: the number of the earlier version with this content

    @property
    def short_hash(self) -> str:
        return self.content_hash[:10]


@dataclass(frozen=True)
class DraftView:
    process_id: str
    base_version_id: int | None
    files: list[FileEntry]
    updated_by: str
    updated_at: dt.datetime


@dataclass(frozen=True)
class LineageView:
    process_id: str
    is_decision_library: bool
    versions: list[VersionView] = field(default_factory=list)  # newest first
    draft: DraftView | None = None
    names: dict[str, str] = field(default_factory=dict)  # {"": default, "ru": ...} from the diagram

    @property
    def label(self) -> str:
        """The lineage's human name in the reader's language (its id when the diagram names none)."""
        return pick_name(self.names, str(get_locale() or ""), self.process_id, gettext)

    @property
    def running(self) -> int:
        return sum(v.running for v in self.versions)

    @property
    def latest(self) -> VersionView | None:
        return self.versions[0] if self.versions else None


def file_entries(files: Mapping[str, str]) -> list[FileEntry]:
    return [
        FileEntry(name, "dmn" if name.endswith(".dmn") else "bpmn", len(content.encode("utf-8")))
        for name, content in sorted(files.items(), key=lambda item: (item[0].endswith(".dmn"), item[0]))
    ]


def running_counts() -> dict[int, int]:
    """Open cases per process version: unfinished instances of every subject (appeals, plans, …)."""
    instances = db.session.execute(
        select(ProcessInstance.process_version_id, func.count())
        .where(ProcessInstance.is_completed.is_(False), ProcessInstance.status != CaseStatus.CANCELLED)
        .group_by(ProcessInstance.process_version_id)
    )
    return {version_id: int(count) for version_id, count in instances}


def _names(user_ids: set[int | None]) -> dict[int, str]:
    ids = {uid for uid in user_ids if uid is not None}
    if not ids:
        return {}
    rows = db.session.execute(select(User.id, User.full_name).where(User.id.in_(ids)))
    return {user_id: name for user_id, name in rows}


def _version_views(
    versions: list[ProcessVersion], counts: Mapping[int, int], names: Mapping[int, str]
) -> list[VersionView]:
    first_with: dict[str, int] = {}
    restores: dict[int, int | None] = {}
    for number, version in enumerate(versions, start=1):
        shown = version.number or number
        restores[version.id] = first_with.get(version.content_hash)
        first_with.setdefault(version.content_hash, shown)
    views = [
        VersionView(
            id=version.id,
            number=version.number or number,
            restores=restores[version.id],
            content_hash=version.content_hash,
            note=version.note or "",
            published_by=names.get(version.created_by_id or 0, ""),
            published_at=version.created_at,
            running=counts.get(version.id, 0),
            files=file_entries(version.files or {}),
        )
        for number, version in enumerate(versions, start=1)
    ]
    return list(reversed(views))


def _draft_view(draft: ProcessDraft, names: Mapping[int, str]) -> DraftView:
    return DraftView(
        process_id=draft.process_id,
        base_version_id=draft.base_version_id,
        files=file_entries(draft.files or {}),
        updated_by=names.get(draft.updated_by_id or 0, ""),
        updated_at=draft.updated_at,
    )


def lineage_ids() -> list[str]:
    """Every lineage: published, bundled with the code, or drafted."""
    published = set(db.session.scalars(select(ProcessVersion.process_id).distinct()))
    drafted = set(db.session.scalars(select(ProcessDraft.process_id)))
    return sorted(published | drafted | set(BUNDLED_LINEAGES))


def library() -> list[LineageView]:
    """The library page: every lineage with its versions (newest first) and its draft."""
    versions = list(
        db.session.scalars(select(ProcessVersion).options(undefer(ProcessVersion.files)).order_by(ProcessVersion.id))
    )
    drafts = {d.process_id: d for d in db.session.scalars(select(ProcessDraft))}
    names = _names({v.created_by_id for v in versions} | {d.updated_by_id for d in drafts.values()})
    counts = running_counts()
    lineages = []
    for process_id in lineage_ids():
        own = [v for v in versions if v.process_id == process_id]
        draft = drafts.get(process_id)
        files = (own[-1].files if own else None) or (draft.files if draft else {}) or _bundled(process_id)
        lineages.append(
            LineageView(
                process_id=process_id,
                is_decision_library=is_decision_library(files),
                versions=_version_views(own, counts, names),
                draft=_draft_view(draft, names) if draft else None,
                names=lineage_names(files, process_id),
            )
        )
    return lineages


def lineage_label(process_id: str) -> str:
    """A lineage's human name in the reader's language, from its newest diagrams (published, else
    drafted, else bundled); its id when they name none."""
    files = db.session.scalar(
        select(ProcessVersion.files)
        .where(ProcessVersion.process_id == process_id)
        .order_by(ProcessVersion.id.desc())
        .limit(1)
    )
    if not files:
        draft = draft_for(process_id)
        files = draft.files if draft else None
    names = lineage_names(files or _bundled(process_id), process_id)
    return pick_name(names, str(get_locale() or ""), process_id, gettext)


def _bundled(process_id: str) -> dict[str, str]:
    try:
        return bundled_files(process_id)
    except (KeyError, OSError):
        return {}


def lineage(process_id: str) -> LineageView | None:
    return next((entry for entry in library() if entry.process_id == process_id), None)


def version_files(process_id: str, version_id: int) -> dict[str, str] | None:
    version = db.session.get(ProcessVersion, version_id)
    if version is None or version.process_id != process_id:
        return None
    return dict(version.files or {})


def draft_for(process_id: str) -> ProcessDraft | None:
    return db.session.scalar(select(ProcessDraft).where(ProcessDraft.process_id == process_id))


def _latest_files(process_id: str) -> tuple[ProcessVersion | None, dict[str, str]]:
    version = latest_version(process_id)
    if version is None and process_id in BUNDLED_LINEAGES:
        version = current_version(process_id)
    if version is not None:
        return version, dict(version.files or {})
    try:
        return None, bundled_files(process_id)
    except KeyError:
        return None, {}


def start_draft(process_id: str, actor: User) -> ProcessDraft:
    """The lineage's draft, copied from its newest version (an existing draft is kept)."""
    if not LINEAGE_ID.match(process_id):
        raise LibraryRefused(_l("The process id may hold letters, digits and _ only."))
    draft = draft_for(process_id)
    if draft is not None:
        return draft
    version, files = _latest_files(process_id)
    if version is None and not files:
        raise LibraryRefused(_l("There is no process %(process)s."), process=process_id)
    draft = ProcessDraft(
        process_id=process_id,
        base_version_id=version.id if version else None,
        files=files,
        updated_by_id=actor.id,
        updated_at=utcnow(),
    )
    db.session.add(draft)
    db.session.commit()
    return draft


def _require_draft(process_id: str) -> ProcessDraft:
    draft = draft_for(process_id)
    if draft is None:
        raise LibraryRefused(_l("There is no draft of this process. Start one first."))
    return draft


def check_file_name(name: str) -> str:
    name = (name or "").strip()
    if not FILE_NAME.match(name) or ".." in name:
        raise LibraryRefused(_l("A file name ends in .bpmn or .dmn and holds letters, digits, _, - and . only."))
    return name


def decode_upload(data: bytes) -> str:
    """The text of an uploaded diagram (refused: empty, too large, not UTF-8)."""
    if not data.strip():
        raise LibraryRefused(_l("The file is empty."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise LibraryRefused(_l("The file is larger than %(size)s MB."), size=MAX_UPLOAD_BYTES // (1024 * 1024))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LibraryRefused(_l("The file is not UTF-8 text (byte %(byte)s)."), byte=exc.start) from None


def validate_files(files: Mapping[str, str], process_id: str) -> ValidationReport:
    main = None if is_decision_library(files) else process_id
    return validate_library(files, main, **LIBRARY_RULES)


def _store(draft: ProcessDraft, files: dict[str, str], actor: User) -> None:
    draft.files = files
    draft.updated_by_id = actor.id
    draft.updated_at = utcnow()


@dataclass
class SaveResult:
    report: ValidationReport
    normalised: list[DiagramProblem]
    content: str
    saved: bool = False


def save_file(process_id: str, name: str, content: str, actor: User, *, new: bool = False) -> SaveResult:
    """Store one document of the draft (normalised) and validate the whole draft.

    A document that is not even readable XML is refused and not stored; a readable document with
    problems is stored (work in progress) and its problems reported.
    """
    name = check_file_name(name)
    draft = _require_draft(process_id)
    if new and name in (draft.files or {}):
        raise LibraryRefused(_l("The draft already has a file %(name)s."), name=name)
    if not new and name not in (draft.files or {}):
        raise LibraryRefused(_l("The draft has no file %(name)s."), name=name)
    try:
        text, normalised = normalise_document(content, name)
    except DiagramError as exc:
        report = ValidationReport()
        report.add(exc.problems)
        return SaveResult(report, [], content)
    files = dict(draft.files or {})
    files[name] = text
    report = validate_files(files, process_id)
    if any(p.file == name and _is_kind_problem(p) for p in report.errors):
        return SaveResult(report, normalised, text)
    _store(draft, files, actor)
    db.session.commit()
    report.add(normalised)
    return SaveResult(report, normalised, text, saved=True)


def _is_kind_problem(problem: DiagramProblem) -> bool:
    return problem.code in ("document.not_a_diagram", "document.wrong_kind")


def delete_file(process_id: str, name: str, actor: User) -> None:
    draft = _require_draft(process_id)
    files = dict(draft.files or {})
    if name not in files:
        raise LibraryRefused(_l("The draft has no file %(name)s."), name=name)
    if len(files) == 1:
        raise LibraryRefused(_l("A draft keeps at least one file; discard the draft instead."))
    del files[name]
    _store(draft, files, actor)
    db.session.commit()


def discard_draft(process_id: str) -> None:
    db.session.delete(_require_draft(process_id))
    db.session.commit()


def validate_draft(process_id: str) -> ValidationReport:
    draft = _require_draft(process_id)
    return validate_files(draft.files or {}, process_id)


def restored_number(version: ProcessVersion) -> int | None:
    """The number of the earliest earlier version of the lineage with the same content (a rollback)."""
    return db.session.scalar(
        select(ProcessVersion.number)
        .where(
            ProcessVersion.process_id == version.process_id,
            ProcessVersion.content_hash == version.content_hash,
            ProcessVersion.id < version.id,
        )
        .order_by(ProcessVersion.id)
        .limit(1)
    )


def publish_draft(process_id: str, note: str, actor: User) -> tuple[ProcessVersion | None, ValidationReport]:
    """Publish the draft as a new immutable version and clear the draft (None with the report if invalid)."""
    note = (note or "").strip()
    if not note:
        raise LibraryRefused(_l("Write a change note: what changed and why."))
    draft = _require_draft(process_id)
    files = dict(draft.files or {})
    report = validate_files(files, process_id)
    if not report.valid:
        return None, report
    latest = latest_version(process_id)
    if latest is not None and latest.files == files:
        raise LibraryRefused(_l("The draft is the same as the newest version: nothing to publish."))
    try:
        version = publish_files(process_id, files, actor=actor, note=note)
    except DiagramError as exc:
        report.add(exc.problems)
        return None, report
    if version.process_id != process_id:
        raise LibraryRefused(_l("These files are already published as another process."))
    db.session.delete(draft)
    db.session.commit()
    return version, report


BLANK_BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" \
xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" \
xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="definitions_{id}" targetNamespace="http://mahalla.uz/bpmn">
  <bpmn:process id="{id}" isExecutable="true">
    <bpmn:startEvent id="{id}_start"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="diagram_{id}">
    <bpmndi:BPMNPlane id="plane_{id}" bpmnElement="{id}">
      <bpmndi:BPMNShape id="{id}_start_di" bpmnElement="{id}_start">
        <dc:Bounds x="180" y="160" width="36" height="36"/>
      </bpmndi:BPMNShape>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""

BLANK_DMN = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="definitions_{id}" name="{id}" \
namespace="http://mahalla.uz/dmn">
  <decision id="{id}" name="{id}">
    <decisionTable id="{id}_table" hitPolicy="UNIQUE">
      <input id="{id}_input" label="kind">
        <inputExpression id="{id}_input_expression" typeRef="string">
          <text>kind</text>
        </inputExpression>
      </input>
      <output id="{id}_output" name="result" typeRef="string"/>
    </decisionTable>
  </decision>
</definitions>
"""


def blank_document(name: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9_]", "_", name.rsplit(".", 1)[0])
    if not stem[:1].isalpha():
        stem = f"p_{stem}"
    return (BLANK_DMN if name.endswith(".dmn") else BLANK_BPMN).format(id=stem)
