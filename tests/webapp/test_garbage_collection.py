"""The web server's processes collect cyclic garbage less often (webapp.platform.garbage_collection)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from webapp.platform.garbage_collection import FIRST_GENERATION_THRESHOLD, collect_less_often

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def thresholds() -> Iterator[tuple[int, int, int]]:
    kept = gc.get_threshold()
    yield kept
    gc.set_threshold(*kept)


def test_the_served_app_collects_the_first_generation_less_often(tmp_path: Path) -> None:
    """What gunicorn loads (webapp.wsgi), in a process of its own."""
    env = {
        **os.environ,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'served.sqlite3'}",
        "ATTACHMENTS_DIR": str(tmp_path / "attachments"),
        "EXPORTS_DIR": str(tmp_path / "exports"),
        "MAIL_DIR": str(tmp_path / "mail"),
        "IMPORTS_DIR": str(tmp_path / "imports"),
    }
    code = "import gc, webapp.wsgi; print(gc.get_threshold()[0])"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.strip().splitlines()[-1]) == FIRST_GENERATION_THRESHOLD


def test_the_older_generations_keep_their_thresholds(thresholds: tuple[int, int, int]) -> None:
    gc.set_threshold(700, 10, 10)
    collect_less_often()
    assert gc.get_threshold() == (FIRST_GENERATION_THRESHOLD, 10, 10)


def test_a_higher_threshold_set_elsewhere_is_kept(thresholds: tuple[int, int, int]) -> None:
    gc.set_threshold(50_000, 20, 10)
    collect_less_often()
    assert gc.get_threshold() == (50_000, 20, 10)
