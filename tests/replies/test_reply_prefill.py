"""The prepare_reply task page offers the letter from the template; what the inspector saved wins."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient

from tests.conftest import World
from tests.replies.conftest import RUSSIAN_TEXT
from tests.webapp.cases import complete, controls, drive_to, register
from webapp.platform.auth.models import User
from webapp.platform.timeutil import local_today

AsUser = Callable[[User], FlaskClient]


def reply_field(client: FlaskClient, task_id: str) -> str:
    response = client.get(f"/tasks/{task_id}")
    assert response.status_code == 200
    return controls(response.get_data(as_text=True))["reply_text"].text.lstrip("\r\n")  # a browser drops it


def test_reply_text_is_prefilled_in_uzbek_with_the_case_data(world: World, as_user: AsUser) -> None:
    appeal = register(world, address="Navroʻz koʻchasi 5")
    task = drive_to(world, appeal, "prepare_reply")
    text = reply_field(as_user(world.inspector), task.id)
    assert f"Murojaatingiz (№ {appeal.number}, {appeal.registered_on:%d.%m.%Y}) boʻyicha" in text
    assert "Fuqaro Aliyev Valiga\nNavroʻz koʻchasi 5" in text
    assert "Chilonzor tumani Ichki ishlar boʻlimi" in text
    done = local_today().strftime("%d.%m.%Y")  # the measures are dated the day they were recorded
    assert f"profilaktik suhbat oʻtkazildi ({done}). Mas'ullar bilan profilaktik suhbat o'tkazildi." in text
    assert "muammo hal qilindi" in text
    assert "Inspector1" in text  # the inspector opening the task signs it


def test_russian_appeal_gets_a_russian_draft(world: World, as_user: AsUser) -> None:
    appeal = register(world, text=RUSSIAN_TEXT, applicant_name="Петрова Анна")
    task = drive_to(world, appeal, "prepare_reply")
    text = reply_field(as_user(world.inspector), task.id)
    assert f"По Вашему обращению (№ {appeal.number} от {appeal.registered_on:%d.%m.%Y})" in text
    assert "Уважаемый(ая) Петрова Анна!" in text


def test_a_returned_reply_keeps_the_inspectors_text(world: World, as_user: AsUser) -> None:
    appeal = register(world, kind="shikoyat")
    drive_to(
        world, appeal, "approve_reply", {"prepare_reply": {"reply_text": "Oʻzim yozgan javob matni, tahrirlangan."}}
    )
    complete(world, appeal, "approve_reply", reply_approved=False, reply_comment="Aniqroq yozing")
    task = drive_to(world, appeal, "prepare_reply")
    assert reply_field(as_user(world.inspector), task.id) == "Oʻzim yozgan javob matni, tahrirlangan."
