"""Process versions: the published libraries of every lineage (appeals, prevention plans, …),
the bundled diagrams shipped in processes/, and the parsed-library cache keyed by content hash.

Running cases is webapp.cases.instances (and each subject's runtime); this module only stores and reads versions.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select

from engine import (
    FiredRule,
    LibraryCache,
    ProcessLibrary,
    check_decisions,
    content_hash,
    decide,
    decision_tables,
    load_library,
)
from forms.builder import RESERVED_FIELD_IDS
from webapp.cases.models import ProcessVersion
from webapp.extensions import db
from webapp.platform.auth.models import LANE_ROLES, User

APPEAL_PROCESS = "appeal_lifecycle"
DIAGRAM_SUFFIXES = (".bpmn", ".dmn")

# What our application needs of every diagram: lanes named after roles, form ids a form can carry.
LIBRARY_RULES: dict[str, Any] = {"allowed_lanes": LANE_ROLES, "reserved_field_ids": RESERVED_FIELD_IDS}

_libraries = LibraryCache()


def library_for(version: ProcessVersion) -> ProcessLibrary:
    return library_by_hash(version.content_hash, version.id)


def library_by_hash(digest: str, version_id: int) -> ProcessLibrary:
    """The parsed library of a version; its documents are read from the database only on a cache miss."""

    def load() -> ProcessLibrary:
        files = db.session.scalar(select(ProcessVersion.files).where(ProcessVersion.id == version_id))
        return load_library(files or {}, _process_id_of(version_id), **LIBRARY_RULES)

    return _libraries.get(digest, load)


def library_of_files(process_id: str, files: Mapping[str, str]) -> ProcessLibrary:
    """The parsed library of unpublished documents (a draft), cached by content; raises DiagramError."""
    return _libraries.get(content_hash(files), lambda: load_library(files, process_id, **LIBRARY_RULES))


def _process_id_of(version_id: int) -> str:
    return str(db.session.scalar(select(ProcessVersion.process_id).where(ProcessVersion.id == version_id)))


def read_process_directory(directory: str | Path) -> dict[str, str]:
    folder = Path(directory)
    return {
        path.name: path.read_text(encoding="utf-8")
        for path in sorted(folder.iterdir())
        if path.suffix in DIAGRAM_SUFFIXES and path.is_file()
    }


# Lineages with bundled diagrams in processes/: the appeal lifecycle at the top of the folder,
# every other lineage in its own sub-folder (e.g. processes/prevention/ for "prevention_plan").
BUNDLED_LINEAGES: dict[str, str] = {APPEAL_PROCESS: ""}


def register_bundled_lineage(process_id: str, subfolder: str) -> None:
    """Declare that ``processes/<subfolder>/`` holds the bundled diagrams of ``process_id``."""
    BUNDLED_LINEAGES[process_id] = subfolder


# What a test run of a lineage starts with in the studio's sandbox, for lineages whose cases do not
# start like an appeal's (e.g. a prevention plan's first phase): the data its subject module starts
# a real case with.
SAMPLE_START: dict[str, dict[str, Any]] = {}


def register_sample_start(process_id: str, data: Mapping[str, Any]) -> None:
    SAMPLE_START[process_id] = dict(data)


def sample_start(process_id: str) -> dict[str, Any] | None:
    """The registered start data of ``process_id``'s sample case (None: the sandbox's appeal sample)."""
    data = SAMPLE_START.get(process_id)
    return dict(data) if data is not None else None


def bundled_files(process_id: str) -> dict[str, str]:
    """The diagrams shipped with the code for ``process_id`` (KeyError for an unknown lineage)."""
    folder = Path(current_app.config["PROCESSES_DIR"]) / BUNDLED_LINEAGES[process_id]
    return read_process_directory(folder)


def is_decision_library(files: Mapping[str, str]) -> bool:
    """A lineage of DMN tables only (no process), e.g. the rules behind a report's recommendations."""
    return not any(name.endswith(".bpmn") for name in files)


def latest_version(process_id: str) -> ProcessVersion | None:
    return db.session.scalar(
        select(ProcessVersion).where(ProcessVersion.process_id == process_id).order_by(ProcessVersion.id.desc())
    )


def version_number(version_id: int) -> int | None:
    """The number (vN) of a version within its lineage; None for an unknown id."""
    return db.session.scalar(select(ProcessVersion.number).where(ProcessVersion.id == version_id))


def publish_files(
    process_id: str, files: Mapping[str, str], *, actor: User | None = None, note: str = ""
) -> ProcessVersion:
    """Validate and store a library version as the lineage's next number (vN).

    A no-op when the newest version of the lineage already has this content, or when another
    lineage holds it (returned; callers refuse). Content equal to an *earlier* version of the
    lineage (a rollback) becomes a new version, so that new cases start on it.

    A library with BPMN must hold the process ``process_id``; a decision library (DMN only) is
    checked table by table. Raises DiagramError with element-level problems.
    """
    digest = content_hash(files)
    latest = latest_version(process_id)
    if latest is not None and latest.content_hash == digest:
        return latest
    elsewhere = db.session.scalar(
        select(ProcessVersion).where(ProcessVersion.content_hash == digest, ProcessVersion.process_id != process_id)
    )
    if elsewhere is not None:
        return elsewhere
    if not is_decision_library(files):
        load_library(files, process_id, **LIBRARY_RULES)  # raises DiagramError
    check_decisions(files)  # DMN expressions are untrusted too (raises DiagramError)
    version = ProcessVersion(
        process_id=process_id,
        number=(latest.number or 0) + 1 if latest is not None else 1,
        content_hash=digest,
        files=dict(files),
        note=note,
        created_by_id=actor.id if actor else None,
    )
    db.session.add(version)
    db.session.flush()
    return version


def current_version(process_id: str = APPEAL_PROCESS) -> ProcessVersion:
    """The newest published version; on an empty database, publish the bundled diagrams."""
    version = latest_version(process_id)
    if version is None:
        version = publish_files(process_id, bundled_files(process_id), note="bundled diagrams")
    return version


def decide_with_latest(process_id: str, decision_id: str, data: Mapping[str, Any]) -> list[FiredRule]:
    """Evaluate a decision table of the newest version of ``process_id`` (raises EngineError)."""
    return decide(current_version(process_id).files, decision_id, data)


def decide_many_with_latest(process_id: str, decision_id: str, rows: list[Mapping[str, Any]]) -> list[list[FiredRule]]:
    """Evaluate a decision for every row of a page in one isolated call (raises EngineError)."""
    return decision_tables(current_version(process_id).files).decide_many(decision_id, rows)
