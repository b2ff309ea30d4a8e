"""A busy inspector's inbox comes a page at a time, with the count of every waiting task."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient

from tests.conftest import World
from tests.sql_statements import sent_statements
from tests.webapp.cases import parse, register
from webapp.cases.tasks.service import INBOX_PAGE_SIZE
from webapp.extensions import db
from webapp.platform.auth.models import User

AsUser = Callable[[User], FlaskClient]


def _task_links(html: str) -> list[str]:
    return [e.get("href") or "" for e in parse(html) if e.tag == "a" and (e.get("href") or "").startswith("/tasks/")]


def test_the_inbox_pages_through_every_waiting_task(world: World, as_user: AsUser) -> None:
    for _ in range(INBOX_PAGE_SIZE + 3):
        register(world)
    world.inspector.language = "en"
    db.session.commit()
    client = as_user(world.inspector)
    first = client.get("/tasks").get_data(as_text=True)
    assert f"{INBOX_PAGE_SIZE + 3} tasks waiting" in first
    first_links = set(_task_links(first))
    assert len(first_links) == INBOX_PAGE_SIZE  # each task once in the phone list and once in the table
    assert 'href="/tasks?page=2&amp;show=all&amp;sort=due"' in first
    second = set(_task_links(client.get("/tasks?page=2").get_data(as_text=True)))
    assert len(second) == 3 and not second & first_links
    past_the_end = set(_task_links(client.get("/tasks?page=9").get_data(as_text=True)))
    assert past_the_end == second  # a page past the end shows the last page


def _statements_of(client: FlaskClient, path: str) -> int:
    with sent_statements() as seen:
        assert client.get(path).status_code == 200
    return len(seen)


def test_the_inbox_names_its_tasks_without_a_statement_per_case(world: World, as_user: AsUser) -> None:
    """Each task is named from its case's diagram version (a diagram may name it per language): the
    version is read with the page's tasks, not once per case — a full page was 25 statements more."""
    register(world)
    client = as_user(world.inspector)
    client.get("/tasks")  # the session's first page reads what later pages keep
    with_one = _statements_of(client, "/tasks")
    for _ in range(5):
        register(world)
    with_six = _statements_of(client, "/tasks")
    assert with_six == with_one, (with_one, with_six)
