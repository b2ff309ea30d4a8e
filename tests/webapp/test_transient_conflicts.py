"""A deadlock or serialization failure is run again once, never answered 500 or 503 (issue 16).

Two completions at four clients deadlocked now and then in the rollup triggers: PostgreSQL rolls
one transaction back whole, by design. The request is then run once more (nothing of it was kept);
a second clash answers 409 with nothing saved. The clash here is PostgreSQL's own error, raised by
a trigger on the case events while a counter (a sequence: it is not rolled back) says so — the
real completion path, the real database.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select, text
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.conftest import World, csrf_token, require_postgres
from tests.cooperation.test_referrals import AsUser, Partners, referred
from tests.intake.conftest import PDF, stored_files
from tests.webapp.cases import answers, browser_form, pending_names, pending_tasks, register, the_task
from tests.webapp.conftest import Api
from webapp.cases.models import CaseEvent, ProcessInstance
from webapp.casework.appeals.models import Appeal, Attachment
from webapp.casework.appeals.runtime import complete_task
from webapp.extensions import db
from webapp.platform.auth.models import User

ALWAYS = 1_000_000


@pytest.fixture
def clash(app: Flask) -> Iterator[Callable[[int], int]]:
    """clash(n): the next n statements inserting case events fail as a deadlock; returns how many
    such statements ran so far."""
    require_postgres(app)
    db.session.execute(text("CREATE SEQUENCE test_clashes"))
    db.session.execute(text("CREATE TABLE test_clash_limit (n bigint NOT NULL)"))
    db.session.execute(text("INSERT INTO test_clash_limit VALUES (0)"))
    db.session.execute(
        text(
            """
            CREATE FUNCTION test_clash() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF nextval('test_clashes') <= (SELECT n FROM test_clash_limit) THEN
                    RAISE EXCEPTION 'deadlock detected (a test)' USING ERRCODE = 'deadlock_detected';
                END IF;
                RETURN NULL;
            END $$
            """
        )
    )
    db.session.execute(
        text("CREATE TRIGGER test_clash BEFORE INSERT ON case_events FOR EACH STATEMENT EXECUTE FUNCTION test_clash()")
    )
    db.session.commit()

    def arm(times: int) -> int:
        ran = db.session.scalar(text("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM test_clashes"))
        db.session.execute(text("UPDATE test_clash_limit SET n = :n"), {"n": int(ran or 0) + times})
        db.session.commit()
        return int(ran or 0)

    yield arm
    db.session.rollback()
    for statement in (
        "DROP TRIGGER test_clash ON case_events",
        "DROP FUNCTION test_clash()",
        "DROP TABLE test_clash_limit",
        "DROP SEQUENCE test_clashes",
    ):
        db.session.execute(text(statement))
    db.session.commit()


def _completed_events(appeal: Appeal, name: str) -> int:
    return int(
        db.session.scalar(
            select(func.count()).where(
                CaseEvent.appeal_id == appeal.id, CaseEvent.kind == "task_completed", CaseEvent.task_name == name
            )
        )
        or 0
    )


def _version(appeal: Appeal) -> int:
    return int(db.session.scalar(select(ProcessInstance.version).where(ProcessInstance.appeal_id == appeal.id)) or 0)


def test_a_completion_that_clashed_once_is_done_once(
    world: World, bearer_api: Callable[[User], Api], clash: Callable[[int], int]
) -> None:
    appeal = register(world, kind="shikoyat")
    (task,) = pending_tasks(appeal)
    name = task.name
    call = bearer_api(world.inspector)
    before = clash(1)
    response = call("POST", f"/tasks/{task.id}/complete", json=answers(name))
    assert response.status_code == 200, response.get_json()
    db.session.expire_all()
    assert clash(0) - before >= 2  # it clashed, and the second run inserted the events
    assert _completed_events(appeal, name) == 1
    assert name not in pending_names(appeal)


def test_a_second_clash_answers_409_and_saves_nothing(
    world: World, bearer_api: Callable[[User], Api], clash: Callable[[int], int]
) -> None:
    appeal = register(world, kind="shikoyat")
    (task,) = pending_tasks(appeal)
    name = task.name
    version = _version(appeal)
    clash(ALWAYS)
    for language, message in (
        ("en", "Someone else changed the same records at the same moment. Nothing was saved; please try again."),
        ("ru", "Кто-то другой изменил те же записи в тот же момент. Ничего не сохранено; попробуйте ещё раз."),
    ):
        response = bearer_api(world.inspector)(
            "POST", f"/tasks/{task.id}/complete", json=answers(name), headers={"Accept-Language": language}
        )
        assert response.status_code == 409
        assert response.get_json()["error"]["message"] == message
    db.session.expire_all()
    assert _completed_events(appeal, name) == 0
    assert pending_names(appeal) == [name]
    assert _version(appeal) == version


def test_a_form_with_files_is_run_again_with_the_whole_files(
    world: World, as_user: AsUser, clash: Callable[[int], int], app: Flask, tmp_path: Path
) -> None:
    """The uploaded files (two in one field) are read again from their start; the first run's stored
    copies are removed."""
    previous = app.config["ATTACHMENTS_DIR"]
    store = tmp_path / "attachments"
    app.config["ATTACHMENTS_DIR"] = str(store)
    try:
        partners = Partners(world)
        appeal = referred(world)
        complete_task(the_task(appeal, "acknowledge_referral"), partners.police1, answers("acknowledge_referral"))
        police = as_user(partners.police1)
        url = f"/tasks/{the_task(appeal, 'report_referral_outcome').id}"
        data = browser_form(answers("report_referral_outcome"))
        data["csrf_token"] = csrf_token(police.get(url).get_data(as_text=True))
        second = PDF + b"% the second file\n"
        data["referral_attachments"] = [
            FileStorage(io.BytesIO(PDF), filename="Dalolatnoma.pdf"),
            FileStorage(io.BytesIO(second), filename="Ilova.pdf"),
        ]
        boundary, body = encode_multipart(MultiDict(data))
        clash(1)
        done = police.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")
        assert done.status_code == 302
        assert pending_names(appeal) == ["take_measures"]
        rows = list(db.session.scalars(select(Attachment).order_by(Attachment.filename)))
        assert [(row.filename, row.size) for row in rows] == [("Dalolatnoma.pdf", len(PDF)), ("Ilova.pdf", len(second))]
        assert sorted(path.read_bytes() for path in stored_files(store)) == sorted([PDF, second])
    finally:
        app.config["ATTACHMENTS_DIR"] = previous


def test_a_page_that_clashes_twice_says_so_in_uzbek(world: World, as_user: AsUser, clash: Callable[[int], int]) -> None:
    appeal = register(world, kind="shikoyat")
    (task,) = pending_tasks(appeal)
    name = task.name
    inspector = as_user(world.inspector)
    url = f"/tasks/{task.id}"
    data = browser_form(answers(name))
    data["csrf_token"] = csrf_token(inspector.get(url).get_data(as_text=True))
    clash(ALWAYS)
    page = inspector.post(url, data=data, headers={"Accept-Language": "uz"})
    assert page.status_code == 409
    assert "Nothing was saved" not in page.get_data(as_text=True)
    assert "Hech narsa saqlanmadi" in page.get_data(as_text=True)
    assert _completed_events(appeal, name) == 0
