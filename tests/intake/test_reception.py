"""The reception protocol: oral appeals solved on the spot, recorded without registration (Art. 23)."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import World, submit_form
from tests.webapp.cases import alerts, appeal_count, invalid_fields, parse
from webapp.casework.appeals.models import ReceptionRecord
from webapp.extensions import db
from webapp.platform.auth.models import User

AsUser = Callable[[User], FlaskClient]

ENTRY = {
    "mahalla": "M1",
    "citizen_name": "Tursunov Akmal",
    "residence": "Bunyodkor ko'chasi, 3-uy",
    "summary": "Ko'cha chirog'i yonmayapti.",
    "result": "Elektr tarmoqlari bilan bog'lanib, o'sha kuni tuzatildi.",
}


def record_count() -> int:
    return int(db.session.scalar(select(func.count()).select_from(ReceptionRecord)) or 0)


def entries(html: str) -> list[str]:
    return [e.text for e in parse(html) if e.tag == "li" and "reception-record" in e.classes]


def test_inspector_records_an_oral_appeal_without_registering_it(as_user: AsUser, world: World) -> None:
    client = as_user(world.inspector)
    appeals_before = appeal_count()
    response = submit_form(client, "/reception", ENTRY, follow=True)
    assert response.status_code == 200
    record = db.session.scalar(select(ReceptionRecord))
    assert record is not None
    assert (record.mahalla_id, record.inspector_id, record.citizen_name, record.result) == (
        world.mahalla.id,
        world.inspector.id,
        "Tursunov Akmal",
        ENTRY["result"],
    )
    assert appeal_count() == appeals_before
    listed = entries(response.get_data(as_text=True))
    assert len(listed) == 1 and "Tursunov Akmal" in listed[0] and "Bunyodkor MFY" in listed[0]


def test_other_inspectors_do_not_see_the_entry(as_user: AsUser, world: World) -> None:
    submit_form(as_user(world.inspector), "/reception", ENTRY)
    assert record_count() == 1
    assert entries(as_user(world.inspector2).get("/reception").get_data(as_text=True)) == []
    assert entries(as_user(world.foreign_inspector).get("/reception").get_data(as_text=True)) == []


def test_mahalla_outside_the_inspectors_territory_is_refused(as_user: AsUser, world: World) -> None:
    response = submit_form(as_user(world.inspector), "/reception", {**ENTRY, "mahalla": "M3"})
    assert response.status_code == 200
    assert invalid_fields(response.get_data(as_text=True)) == {"mahalla"}
    assert record_count() == 0


def test_every_protocol_field_is_required(as_user: AsUser, world: World) -> None:
    response = submit_form(as_user(world.inspector), "/reception", {"mahalla": "M1"})
    html = response.get_data(as_text=True)
    assert invalid_fields(html) == {"citizen_name", "residence", "summary", "result"}
    assert alerts(html, "danger")
    assert record_count() == 0


def test_only_inspectors_open_the_protocol(as_user: AsUser, world: World) -> None:
    assert as_user(world.supervisor).get("/reception").status_code == 403
    page = as_user(world.inspector).get("/tasks").get_data(as_text=True)
    assert 'href="/reception"' in page
