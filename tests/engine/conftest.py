"""Shared fixtures for the engine tests: the real process library, loaded once per session."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from engine import ProcessLibrary, load_library

PROCESSES_DIR = Path(__file__).resolve().parents[2] / "processes"
MAIN_PROCESS = "appeal_lifecycle"
LANES = ("inspector", "supervisor", "partner")
PROCESS_NAMES = (
    "appeal_lifecycle",
    "appeal_registration",
    "appeal_analysis",
    "appeal_resolution",
    "appeal_reply",
    "appeal_monitoring",
    "partner_referral",
)


def _read_process_files() -> dict[str, bytes]:
    return {f"{name}.bpmn": (PROCESSES_DIR / f"{name}.bpmn").read_bytes() for name in PROCESS_NAMES}


@pytest.fixture(scope="session")
def process_files() -> dict[str, bytes]:
    """The diagrams in processes/, by file name. Copy before modifying."""
    return _read_process_files()


@pytest.fixture(scope="session")
def library(process_files: dict[str, bytes]) -> ProcessLibrary:
    return load_library(process_files, MAIN_PROCESS, allowed_lanes=LANES)


PARTNER_KINDS = ("police", "social_protection", "health", "youth_agency", "womens_committee", "mahalla_assembly")
REFERRAL_MOMENTS = {
    "acknowledge_at": "2099-03-09T00:00:00+05:00",
    "answer_at": "2099-03-23T00:00:00+05:00",
    "escalate_at": "2099-03-25T00:00:00+05:00",
}


@pytest.fixture
def start_data() -> dict[str, Any]:
    return {
        "kind": "ariza",
        "anonymous": False,
        "representative_without_poa": False,
        "category": "other",
        "urgency": "normal",
        "channel": "walk_in",
        "mahalla": "m1",
        "appeal_number": "2026-000001",
        "deadline_term": "P15D",
        # The application keeps these timer moments in the case data (webapp/cases/timer_data.py).
        "deadline_at": "2099-03-17T00:00:00+05:00",
        "reminder_at": "2099-03-14T09:00:00+05:00",
        "referral_acknowledge_at": "2099-03-09T00:00:00+05:00",
        "referral_answer_at": "2099-03-23T00:00:00+05:00",
        "referral_escalate_at": "2099-03-25T00:00:00+05:00",
        # Each referral's own moments, by the partner's kind (one instance per partner).
        "referral_timers": {kind: dict(REFERRAL_MOMENTS) for kind in PARTNER_KINDS},
    }


@pytest.fixture
def load_modified(process_files: dict[str, bytes]):
    """Load the library after replacing text in one of its files (the replacement must apply)."""

    def load(file_name: str, old: str, new: str, *, count: int = 1) -> ProcessLibrary:
        text = process_files[file_name].decode("utf-8")
        assert text.count(old) >= 1, f"{old!r} not found in {file_name}"
        files = dict(process_files)
        files[file_name] = text.replace(old, new, count if count > 0 else -1).encode("utf-8")
        return load_library(files, MAIN_PROCESS, allowed_lanes=LANES)

    return load
