"""Who may open which page: log-in, roles, territories and task lanes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

from tests.conftest import World
from tests.webapp.cases import UNKNOWN_TASK_ID, drive_to, parse, path_of, register
from webapp.cases.models import PendingTask
from webapp.casework.appeals.models import Appeal
from webapp.platform.auth.models import User

AsUser = Callable[[User], FlaskClient]


@dataclass
class Cases:
    appeal: Appeal  # in M1, waiting for check_registration (inspector lane)
    inspector_task: PendingTask
    supervised: Appeal  # in M1, waiting for approve_conclusion (supervisor lane)
    supervisor_task: PendingTask

    def url(self, page: str) -> str:
        return page.format(task=self.inspector_task.id, number=self.appeal.number)


@pytest.fixture
def cases(world: World) -> Cases:
    appeal = register(world)
    supervised = register(world, anonymous=True, applicant_name="")
    return Cases(
        appeal=appeal,
        inspector_task=drive_to(world, appeal, "check_registration"),
        supervised=supervised,
        supervisor_task=drive_to(world, supervised, "approve_conclusion"),
    )


PAGES = ["/tasks", "/tasks/{task}", "/appeals", "/appeals/new", "/appeals/{number}"]


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_visitor_is_sent_to_login(client: FlaskClient, cases: Cases, page: str) -> None:
    url = cases.url(page)

    response = client.get(url)

    assert response.status_code == 302
    target = urlsplit(path_of(response.location))
    assert target.path == "/login"
    assert parse_qs(target.query)["next"] == [url]


def test_anonymous_home_is_the_public_front_door(client: FlaskClient, world: World) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert 'href="/login"' in response.get_data(as_text=True)


@pytest.mark.parametrize(("page", "status"), [(p, 403) for p in PAGES])
def test_methodologist_may_not_use_case_pages(
    as_user: AsUser, world: World, cases: Cases, page: str, status: int
) -> None:
    client = as_user(world.methodologist)

    assert client.get(cases.url(page)).status_code == status


@pytest.mark.parametrize(
    ("page", "status"),
    [("/tasks", 403), ("/tasks/{task}", 403), ("/appeals", 200), ("/appeals/new", 200), ("/appeals/{number}", 200)],
)
def test_admin_sees_cases_but_has_no_inbox(as_user: AsUser, world: World, cases: Cases, page: str, status: int) -> None:
    client = as_user(world.admin)

    assert client.get(cases.url(page)).status_code == status


@pytest.mark.parametrize(
    ("user", "expected"),
    [("methodologist", "/processes"), ("admin", "/appeals"), ("inspector", "/tasks"), ("supervisor", "/tasks")],
)
def test_home_redirects_by_role(as_user: AsUser, world: World, user: str, expected: str) -> None:
    client = as_user(getattr(world, user))

    response = client.get("/")

    assert response.status_code == 302
    assert path_of(response.location) == expected


# Each row: user, page, expected status. Case pages are those of M1 (district D1).
CASE_ACCESS = [
    ("inspector", "/appeals/{number}", 200),
    ("inspector", "/tasks/{task}", 200),
    ("foreign_inspector", "/appeals/{number}", 404),
    ("foreign_inspector", "/tasks/{task}", 404),
    ("inspector2", "/appeals/{number}", 404),
    ("inspector2", "/tasks/{task}", 404),
    ("supervisor", "/appeals/{number}", 200),
    ("foreign_supervisor", "/appeals/{number}", 404),
    ("region_supervisor", "/appeals/{number}", 200),
    ("admin", "/appeals/{number}", 200),
]


@pytest.mark.parametrize(("user", "page", "status"), CASE_ACCESS)
def test_case_and_task_access_follows_territory(
    as_user: AsUser, world: World, cases: Cases, user: str, page: str, status: int
) -> None:
    client = as_user(getattr(world, user))

    response = client.get(cases.url(page))

    assert response.status_code == status
    if status == 200:
        assert cases.appeal.number in response.get_data(as_text=True)


# Each row: user, which lane's task, expected status.
LANE_ACCESS = [
    ("supervisor", "inspector", 404),
    ("region_supervisor", "inspector", 404),
    ("inspector", "supervisor", 404),
    ("supervisor", "supervisor", 200),
    ("region_supervisor", "supervisor", 200),
    ("foreign_supervisor", "supervisor", 404),
    ("inspector2", "supervisor", 404),
]


@pytest.mark.parametrize(("user", "lane", "status"), LANE_ACCESS)
def test_task_access_follows_the_lane(
    as_user: AsUser, world: World, cases: Cases, user: str, lane: str, status: int
) -> None:
    client = as_user(getattr(world, user))
    task = cases.inspector_task if lane == "inspector" else cases.supervisor_task

    assert client.get(f"/tasks/{task.id}").status_code == status
    assert task.role == lane


@pytest.mark.parametrize(
    "task_id",
    [UNKNOWN_TASK_ID, "x" * 37, "0" * 36 + "1", "not-a-task", "a" * 2000],
    ids=["unknown-uuid", "37-chars", "37-digits", "garbage", "very-long"],
)
def test_unknown_or_overlong_task_id_is_404(as_user: AsUser, world: World, cases: Cases, task_id: str) -> None:
    client = as_user(world.inspector)

    assert client.get(f"/tasks/{task_id}").status_code == 404


def test_unknown_appeal_number_is_404(as_user: AsUser, world: World, cases: Cases) -> None:
    client = as_user(world.supervisor)

    assert client.get("/appeals/1999-000001").status_code == 404


def inbox_task_ids(html: str) -> set[str]:
    return {
        str(e.get("href")).removeprefix("/tasks/")
        for e in parse(html)
        if e.tag == "a" and str(e.get("href") or "").startswith("/tasks/")
    }


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("inspector", {"inspector_task"}),
        ("inspector2", set()),
        ("foreign_inspector", set()),
        ("supervisor", {"supervisor_task"}),
        ("region_supervisor", {"supervisor_task"}),
        ("foreign_supervisor", set()),
    ],
)
def test_inbox_lists_only_own_lane_and_territory(
    as_user: AsUser, world: World, cases: Cases, user: str, expected: set[str]
) -> None:
    client = as_user(getattr(world, user))

    response = client.get("/tasks")

    assert response.status_code == 200
    assert inbox_task_ids(response.get_data(as_text=True)) == {getattr(cases, name).id for name in expected}


@pytest.mark.parametrize(
    ("user", "visible"),
    [
        ("inspector", True),
        ("inspector2", False),
        ("foreign_inspector", False),
        ("supervisor", True),
        ("foreign_supervisor", False),
        ("region_supervisor", True),
        ("admin", True),
    ],
)
def test_appeal_list_shows_only_visible_appeals(
    as_user: AsUser, world: World, cases: Cases, user: str, visible: bool
) -> None:
    other = register(world, mahalla=world.foreign_mahalla, actor=world.foreign_inspector)
    client = as_user(getattr(world, user))

    html = client.get("/appeals").get_data(as_text=True)

    assert (cases.appeal.number in html) is visible
    assert (cases.supervised.number in html) is visible
    assert (other.number in html) is (user in ("foreign_inspector", "foreign_supervisor", "region_supervisor", "admin"))
