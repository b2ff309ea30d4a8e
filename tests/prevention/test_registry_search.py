"""Registry search by name, birth date or address: only among the records the user is entitled to
(a masked record is never found by its name), and each search is logged in the access log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import World
from tests.prevention.conftest import registry_person
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.prevention.registry.models import AccessLogEntry


def searched(person_id: int) -> list[tuple[int | None, str, str]]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(AccessLogEntry).where(AccessLogEntry.person_id == person_id, AccessLogEntry.action == "search")
    )
    return [(r.user_id, r.action, r.detail) for r in rows]


def test_search_by_name_birth_date_and_address_is_logged(as_user: Callable[[User], FlaskClient], world: World) -> None:
    person = registry_person(
        world.mahalla, "Toshmatov Sardor", world.inspector, birth_date=dt.date(2008, 4, 9), address="Navroʻz 14"
    )
    other = registry_person(world.mahalla, "Qodirov Bekzod", world.inspector, address="Bogʻishamol 3")
    client = as_user(world.inspector)
    for query in ("Toshmatov", "2008-04-09", "09.04.2008", "Navroʻz"):
        html = client.get(f"/prevention?q={query}").get_data(as_text=True)
        assert "Toshmatov Sardor" in html and "Qodirov" not in html, query
    assert [d for _u, _a, d in searched(person.id)] == ["Toshmatov", "2008-04-09", "09.04.2008", "Navroʻz"]
    assert searched(other.id) == []


def test_a_masked_record_is_never_found_by_its_name(as_user: Callable[[User], FlaskClient], world: World) -> None:
    registry_person(world.mahalla, "Toshmatov Sardor", world.inspector)
    admin = as_user(world.admin)  # reaches every record, entitled to none: sees initials
    assert "T. S." in admin.get("/prevention").get_data(as_text=True)
    html = admin.get("/prevention?q=Toshmatov").get_data(as_text=True)
    assert "Toshmatov Sardor" not in html and "T. S." not in html  # neither in full nor masked
