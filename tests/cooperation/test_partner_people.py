"""Partners as users: an admin keeps the partner organisations of a district and creates their staff
(role ``partner``) and mahalla chairs (role ``mahalla_chair``) on the people pages; refusals are
translated; supervisors cannot give the partner role; partners see no appeal by default."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.admin.test_people import post_form
from tests.conftest import World
from tests.webapp.cases import register
from webapp.cooperation.partners import service as partners
from webapp.cooperation.partners.models import PartnerOrganisation
from webapp.cooperation.partners.roles import MAHALLA_CHAIR, PARTNER
from webapp.extensions import db
from webapp.platform.audit.models import AuditEntry
from webapp.platform.auth.models import User

AsUser = Callable[[User], FlaskClient]


def _organisation(world: World, kind: str = "police", name: str = "Chilonzor tumani IIB", **extra: object) -> int:
    item = PartnerOrganisation(district_id=world.district.id, kind=kind, name=name, **extra)
    db.session.add(item)
    db.session.commit()
    return item.id


def _partner(world: World) -> User:
    """police1, staff of the district police."""
    user = User(username="police1", full_name="Jasur", role=PARTNER, password_hash="x")
    db.session.add(user)
    db.session.flush()
    partners.set_organisation(user, _organisation(world))
    db.session.commit()
    return user


def test_admin_creates_an_organisation_and_its_staff_member(as_user: AsUser, world: World) -> None:
    admin = as_user(world.admin)
    created = post_form(
        admin,
        "/admin/partners/new",
        {"name": "Chilonzor tumani IIB", "kind": "police", "district": world.district.id, "active": "y"},
    )
    assert created.status_code == 302  # type: ignore[attr-defined]
    police = db.session.scalar(select(PartnerOrganisation).where(PartnerOrganisation.name == "Chilonzor tumani IIB"))
    assert police is not None and police.active and police.kind == "police"
    listing = admin.get("/admin/partners").get_data(as_text=True)
    assert "Chilonzor tumani IIB" in listing

    person = post_form(
        admin,
        "/people/new",
        {"username": "police9", "full_name": "Jasur Toshmatov", "role": PARTNER, "organisation": police.id},
    )
    assert person.status_code == 302  # type: ignore[attr-defined]
    user = db.session.scalar(select(User).where(User.username == "police9"))
    assert user is not None and user.role == PARTNER and user.mahallas == []
    assert partners.organisation_id_of(user) == police.id
    assert [u.username for u in partners.staff_of(police.id)] == ["police9"]
    assert "police9" in admin.get(f"/admin/partners/{police.id}").get_data(as_text=True)
    assert "police9" in admin.get(f"/people?district={world.district.id}").get_data(as_text=True)
    assert "police9" not in admin.get(f"/people?district={world.other_district.id}").get_data(as_text=True)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user_created"))
    assert entry is not None and "organisation_id" in str(entry.after)
    audit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "partner_created"))
    assert audit is not None and audit.actor_id == world.admin.id


def test_a_partner_without_an_organisation_is_refused_in_the_users_language(as_user: AsUser, world: World) -> None:
    admin = as_user(world.admin)
    refused = post_form(admin, "/people/new", {"username": "nobody1", "full_name": "No Body", "role": PARTNER})
    html = refused.get_data(as_text=True)  # type: ignore[attr-defined]
    assert refused.status_code == 200  # type: ignore[attr-defined]
    assert "Bu xodim ishlaydigan hamkor tashkilotni tanlang." in html  # Uzbek, the default language
    assert db.session.scalar(select(User).where(User.username == "nobody1")) is None


def test_a_mahalla_chair_serves_exactly_one_mahalla_and_belongs_to_its_assembly(as_user: AsUser, world: World) -> None:
    assembly = _organisation(world, "mahalla_assembly", "Bunyodkor MFY fuqarolar yig'ini", mahalla_id=world.mahalla.id)
    admin = as_user(world.admin)
    two = post_form(
        admin,
        "/people/new",
        {
            "username": "rais9",
            "full_name": "Abdulla Nazarov",
            "role": MAHALLA_CHAIR,
            "mahallas": [world.mahalla.id, world.second_mahalla.id],
        },
    )
    assert two.status_code == 200  # type: ignore[attr-defined]
    assert db.session.scalar(select(User).where(User.username == "rais9")) is None
    # The supervisor of the district manages the chairs of their mahallas.
    supervisor = as_user(world.supervisor)
    one = post_form(
        supervisor,
        "/people/new",
        {"username": "rais9", "full_name": "Abdulla Nazarov", "role": MAHALLA_CHAIR, "mahallas": [world.mahalla.id]},
    )
    assert one.status_code == 302  # type: ignore[attr-defined]
    chair = db.session.scalar(select(User).where(User.username == "rais9"))
    assert chair is not None and [m.code for m in chair.mahallas] == ["M1"]
    assert partners.organisation_id_of(chair) == assembly


def test_an_assembly_needs_a_mahalla_of_its_district(as_user: AsUser, world: World) -> None:
    admin = as_user(world.admin)
    refused = post_form(
        admin,
        "/admin/partners/new",
        {
            "name": "Bodomzor MFY yig'ini",
            "kind": "mahalla_assembly",
            "district": world.district.id,
            "mahalla": world.foreign_mahalla.id,
        },
    )
    assert refused.status_code == 200  # type: ignore[attr-defined]
    html = refused.get_data(as_text=True)  # type: ignore[attr-defined]
    assert "Ushbu fuqarolar yigʻinining mahallasini tanlang" in html
    assert partners.organisations() == []


def test_only_admins_keep_organisations_and_give_the_partner_role(as_user: AsUser, world: World) -> None:
    police = _organisation(world)
    supervisor = as_user(world.supervisor)
    assert supervisor.get("/admin/partners").status_code == 403
    assert supervisor.get(f"/admin/partners/{police}").status_code == 403
    assert as_user(world.admin).get("/admin/partners/99999").status_code == 404
    refused = post_form(
        supervisor, "/people/new", {"username": "police8", "full_name": "P", "role": PARTNER, "organisation": police}
    )
    assert refused.status_code == 200  # type: ignore[attr-defined]
    assert db.session.scalar(select(User).where(User.username == "police8")) is None


def test_a_partner_lands_on_their_organisation_and_sees_no_appeal(as_user: AsUser, world: World) -> None:
    user = _partner(world)
    appeal = register(world)
    client = as_user(user)
    landing = client.get("/home")
    assert landing.status_code == 302 and landing.location.endswith("/partner")
    home = client.get("/partner").get_data(as_text=True)
    assert "Chilonzor tumani IIB" in home
    # No appeal page, no appeal list: the role has none of them (answers before any lookup).
    for url in (f"/appeals/{appeal.id}", "/appeals", "/prevention"):
        assert client.get(url).status_code in (403, 404), url
    # The inbox holds only the referrals addressed to their organisation: none here.
    inbox = client.get("/tasks")
    assert inbox.status_code == 200 and appeal.number not in inbox.get_data(as_text=True)
    assert as_user(world.inspector).get("/partner").status_code == 403


def test_the_import_refuses_partner_staff_and_a_chair_of_two_mahallas(world: World) -> None:
    from webapp.admin.imports.plan import _check_staff

    known = {"mahalla": {"M1", "M2"}, "district": {"D1"}, "region": {"R1"}}
    row = {"full_name": "P", "email": "", "role": PARTNER, "serves": ""}
    assert _check_staff(row, known)[0] == "role_not_importable"
    chair = {"full_name": "R", "email": "", "role": MAHALLA_CHAIR, "serves": "M1;M2"}
    assert _check_staff(chair, known)[0] == "too_many_mahallas"
    assert _check_staff({**chair, "serves": "M1"}, known)[0] == ""


def test_a_partner_token_lists_no_task_and_no_appeal(world: World, api: Callable[[User], Callable[..., Any]]) -> None:
    user = _partner(world)
    appeal = register(world)
    call = api(user)
    tasks = call("GET", "/tasks")
    assert tasks.status_code == 200 and tasks.get_json() == {"tasks": []}
    assert call("GET", f"/appeals/{appeal.number}").status_code == 404
