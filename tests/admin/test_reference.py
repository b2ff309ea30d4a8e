"""Reference data: admins edit it; holidays move the legal terms; the task page lists the bodies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from tests.conftest import World, csrf_token
from tests.webapp.cases import drive_to, register
from webapp.casework.appeals.deadlines import current_calendar
from webapp.platform.auth.models import User

AsUser = Callable[[User], FlaskClient]


def add(client: FlaskClient, kind: str, data: dict[str, object]) -> int:
    page = client.get(f"/admin/reference?kind={kind}").get_data(as_text=True)
    return client.post(f"/admin/reference?kind={kind}", data={"csrf_token": csrf_token(page), **data}).status_code


def test_a_holiday_added_by_an_admin_is_a_day_off_in_the_working_calendar(as_user: AsUser, world: World) -> None:
    day = dt.date(2027, 3, 10)  # a Wednesday, not a fixed holiday
    assert not current_calendar().is_holiday(day)
    admin = as_user(world.admin)
    assert add(admin, "holiday", {"name": "Ramazon hayiti", "active": "y"}) == 200  # the day is required
    assert add(admin, "holiday", {"name": "Ramazon hayiti", "day": day.isoformat(), "active": "y"}) == 302
    assert current_calendar().is_holiday(day)
    assert "Ramazon hayiti" in admin.get("/admin/reference?kind=holiday").get_data(as_text=True)
    assert as_user(world.supervisor).get("/admin/reference").status_code == 403
    assert admin.get("/admin/reference?kind=nonsense").status_code == 400


def test_the_forwarding_task_lists_the_competent_bodies(as_user: AsUser, world: World) -> None:
    admin = as_user(world.admin)
    assert (
        add(admin, "competent_body", {"name": "Tuman hokimligi", "contact": "Bunyodkor ko'chasi 1", "active": "y"})
        == 302
    )
    assert (
        add(
            admin, "competent_body", {"name": "Boshqa tuman organi", "district": world.other_district.id, "active": "y"}
        )
        == 302
    )
    task = drive_to(world, register(world), "forward_appeal", {"check_registration": {"within_competence": False}})
    page = as_user(world.inspector).get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "reference-panel" in page and "Tuman hokimligi" in page and "Boshqa tuman organi" not in page


@pytest.mark.parametrize(
    ("kind", "task_name", "name"),
    [
        ("law_enforcement", "refer_law_enforcement", "Chilonzor tumani IIB"),
        ("social_service", "refer_social_services", "Ijtimoiy himoya boʻlimi"),
    ],
)
def test_the_referral_tasks_list_the_districts_partners(
    as_user: AsUser, world: World, kind: str, task_name: str, name: str
) -> None:
    admin = as_user(world.admin)
    assert add(admin, kind, {"name": name, "district": world.district.id, "active": "y"}) == 302
    assert add(admin, kind, {"name": "Boshqa tuman hamkori", "district": world.other_district.id, "active": "y"}) == 302
    assert add(admin, kind, {"name": "Yopilgan hamkor", "district": world.district.id}) == 302  # not active
    task = drive_to(world, register(world), task_name)
    page = as_user(world.inspector).get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "reference-panel" in page and name in page
    assert "Boshqa tuman hamkori" not in page and "Yopilgan hamkor" not in page
