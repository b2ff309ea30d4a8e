"""Territories are reorganised in real life: an admin records a mahalla's names in the three scripts
and its status; a merged, renamed or abolished mahalla keeps its cases and takes no new ones."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import World, csrf_token
from tests.webapp.cases import register
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.platform.audit.models import AuditEntry
from webapp.platform.auth.models import User
from webapp.platform.territory.models import Mahalla
from webapp.platform.territory.service import mahallas_for_registration

AsUser = Callable[[User], FlaskClient]


def save_mahalla(admin: FlaskClient, world: World, status: str) -> int:
    url = f"/admin/territories/mahalla/{world.mahalla.id}"
    page = admin.get(url).get_data(as_text=True)
    data = {
        "csrf_token": csrf_token(page),
        "code": "M1",
        "name": "Bunyodkor MFY",
        "name_cyrl": "Бунёдкор МФЙ",
        "name_ru": "Бунёдкор",
        "status": status,
        "parent": world.district.id,
    }
    return admin.post(url, data=data).status_code


@pytest.mark.parametrize("status", ["merged", "renamed", "abolished"])
def test_a_retired_mahalla_keeps_its_cases_and_takes_no_new_ones(
    as_user: AsUser, world: World, client: FlaskClient, status: str
) -> None:
    old = register(world)
    admin = as_user(world.admin)

    assert save_mahalla(admin, world, status) == 302

    db.session.expire_all()
    mahalla = db.session.get(Mahalla, world.mahalla.id)
    assert mahalla is not None and (mahalla.status, mahalla.name_cyrl, mahalla.name_ru) == (
        status,
        "Бунёдкор МФЙ",
        "Бунёдкор",
    )
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.object_type == "mahalla").order_by(AuditEntry.id.desc())
    )
    assert entry is not None and entry.before["status"] == "active" and entry.after["status"] == status
    appeal = db.session.get(Appeal, old.id)
    assert appeal is not None and appeal.mahalla_id == world.mahalla.id
    # Not offered for new appeals: staff registration, the citizens' form; still in the list filter.
    for user in (world.inspector, world.supervisor, world.admin):
        assert "M1" not in [m.code for m in mahallas_for_registration(user)]
    assert "M1" in [m.code for m in mahallas_for_registration(world.inspector, include_retired=True)]
    form = client.get("/murojaat").get_data(as_text=True)
    assert 'value="M2"' in form and 'value="M1"' not in form
    listed = as_user(world.supervisor).get("/appeals").get_data(as_text=True)
    assert f'<option value="{world.mahalla.id}" >Bunyodkor MFY</option>' in listed
    # Back to active: it takes appeals again.
    assert save_mahalla(admin, world, "active") == 302
    assert "M1" in [m.code for m in mahallas_for_registration(world.supervisor)]


def test_an_unknown_status_is_refused_with_a_message(as_user: AsUser, world: World) -> None:
    admin = as_user(world.admin)
    with admin.session_transaction() as session:
        session["lang"] = "en"
    assert save_mahalla(admin, world, "vanished") == 200
    db.session.expire_all()
    mahalla = db.session.get(Mahalla, world.mahalla.id)
    assert mahalla is not None and mahalla.status == "active"
