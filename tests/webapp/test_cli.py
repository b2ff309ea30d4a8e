"""The project's Flask CLI commands, run through Flask's CLI test runner."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from engine import content_hash
from tests.conftest import World
from tests.webapp.cases import register
from webapp.cases.models import ProcessInstance, ProcessVersion
from webapp.cases.versions import APPEAL_PROCESS, read_process_directory
from webapp.extensions import db
from webapp.platform.auth.models import ApiToken


def version_count() -> int:
    """Versions of the appeal lifecycle (other bundled lineages publish beside it)."""
    query = select(func.count()).select_from(ProcessVersion).where(ProcessVersion.process_id == APPEAL_PROCESS)
    return int(db.session.scalar(query) or 0)


def appeal_versions() -> Any:
    return db.session.scalars(select(ProcessVersion).where(ProcessVersion.process_id == APPEAL_PROCESS))


def test_create_token_prints_a_working_token(app: Flask, client: FlaskClient, world: World) -> None:
    result = app.test_cli_runner().invoke(args=["create-token", "inspector1", "--name", "mobile"])

    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert token.startswith("mht_")
    assert len(token.splitlines()) == 1
    response = client.get("/api/v1/tasks", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json() == {"tasks": []}
    db.session.expire_all()
    row = db.session.scalars(select(ApiToken)).one()
    assert (row.user_id, row.name) == (world.inspector.id, "mobile")


def test_create_token_twice_gives_two_different_tokens(app: Flask, world: World) -> None:
    runner = app.test_cli_runner()

    first = runner.invoke(args=["create-token", "supervisor"]).output.strip()
    second = runner.invoke(args=["create-token", "supervisor"]).output.strip()

    assert first != second
    assert int(db.session.scalar(select(func.count()).select_from(ApiToken)) or 0) == 2


def test_create_token_for_an_unknown_user_fails(app: Flask, world: World) -> None:
    result = app.test_cli_runner().invoke(args=["create-token", "ghost"])

    assert result.exit_code != 0
    assert "ghost" in result.output
    assert "mht_" not in result.output
    assert int(db.session.scalar(select(func.count()).select_from(ApiToken)) or 0) == 0


def test_publish_processes_publishes_once(app: Flask, world: World) -> None:
    runner = app.test_cli_runner()
    digest = content_hash(read_process_directory(app.config["PROCESSES_DIR"]))
    assert version_count() == 0

    first = runner.invoke(args=["publish-processes", "--note", "first"])

    assert first.exit_code == 0, first.output
    db.session.expire_all()
    version = appeal_versions().one()
    assert (version.process_id, version.content_hash, version.note) == (APPEAL_PROCESS, digest, "first")
    assert f"{APPEAL_PROCESS}: v{version.number} (id {version.id}, {digest[:12]})" in first.output.splitlines()

    second = runner.invoke(args=["publish-processes", "--note", "second"])

    assert second.exit_code == 0, second.output
    assert second.output == first.output
    db.session.expire_all()
    assert version_count() == 1
    assert appeal_versions().one().note == "first"


def test_new_cases_run_on_the_published_version(app: Flask, world: World) -> None:
    assert app.test_cli_runner().invoke(args=["publish-processes"]).exit_code == 0
    version = appeal_versions().one()

    appeal = register(world)

    assert version_count() == 1
    record = db.session.scalars(select(ProcessInstance).where(ProcessInstance.appeal_id == appeal.id)).one()
    assert record.process_version_id == version.id


def test_publish_processes_refuses_broken_diagrams(
    app: Flask, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, text in read_process_directory(app.config["PROCESSES_DIR"]).items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    broken = tmp_path / "appeal_monitoring.bpmn"
    broken.write_text(broken.read_text(encoding="utf-8").replace('type="long"', 'type="decimal"'), encoding="utf-8")
    monkeypatch.setitem(app.config, "PROCESSES_DIR", str(tmp_path))

    result = app.test_cli_runner().invoke(args=["publish-processes"])

    assert result.exit_code != 0
    assert "The form field effectiveness_score has an unsupported type decimal. [form.field_type_unsupported]" in (
        result.output
    )
    assert version_count() == 0
    russian = app.test_cli_runner().invoke(args=["publish-processes", "--lang", "ru"])
    assert "У поля формы effectiveness_score неподдерживаемый тип decimal." in russian.output
    assert version_count() == 0
