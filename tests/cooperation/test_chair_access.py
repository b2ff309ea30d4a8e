"""Need-to-know for mahalla chairs and partners: rais1 reads the analysed, not crime-related appeals
of their mahalla in the categories an admin shares (browser and API, the shared fields only); all
else answers 404 like a missing number; every view is in the audit log; no GET route of the app
shows a partner or a chair an appeal they may not read."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.admin.test_people import post_form
from tests.conftest import World
from tests.cooperation.test_partner_people import _partner
from tests.webapp.cases import drive_to, register
from webapp.casework.appeals.models import Appeal
from webapp.cooperation.chairs import service as chairs
from webapp.cooperation.partners.roles import MAHALLA_CHAIR
from webapp.extensions import db
from webapp.platform.audit.models import AuditEntry
from webapp.platform.auth.models import User

AsUser = Callable[[User], FlaskClient]
Caller = Callable[..., Any]

SHARED_TEXT = "Qishda isitish ishlamaydi, keksa qo'shnimizga yordam kerak."
CRIME_TEXT = "Qo'shni hovlida o'g'irlik sodir bo'ldi, gumondor ma'lum."
FAMILY_TEXT = "Oilaviy nizo: er-xotin o'rtasida janjal davom etmoqda."
FOREIGN_TEXT = "Bodomzor mahallasida suv quvuri yorilgan, ko'cha suv ostida."
FRESH_TEXT = "Yangi murojaat: hovlidagi chiqindilar olib ketilmayapti."


def _without_tokens(response: Any) -> str:
    """The page without its per-response tokens (CSRF, nonces)."""
    return re.sub(r'"[A-Za-z0-9_.-]{20,}"', '""', response.get_data(as_text=True))


def _analysed(world: World, text: str, category: str, *, crime: bool = False, mahalla: Any = None) -> Appeal:
    appeal = register(world, text=text, mahalla=mahalla)
    drive_to(
        world,
        appeal,
        "take_measures",
        {"check_registration": {"category": category}, "analyse_appeal": {"crime_related": crime}},
    )
    return appeal


class Appeals:
    def __init__(self, world: World) -> None:
        self.shared = _analysed(world, SHARED_TEXT, "utilities")
        self.crime = _analysed(world, CRIME_TEXT, "social_assistance", crime=True)
        self.family = _analysed(world, FAMILY_TEXT, "family_conflict")
        self.foreign = _analysed(world, FOREIGN_TEXT, "utilities", mahalla=world.foreign_mahalla)
        self.fresh = register(world, text=FRESH_TEXT, category="utilities")  # not analysed yet


@pytest.fixture
def appeals(world: World) -> Appeals:
    return Appeals(world)


@pytest.fixture
def rais(world: World) -> User:
    user = User(username="rais1", full_name="Abdulla Nazarov", role=MAHALLA_CHAIR, password_hash="x")
    user.mahallas = [world.mahalla]
    db.session.add(user)
    db.session.commit()
    return user


def test_the_chair_reads_the_shared_appeal_and_nothing_personal(
    as_user: AsUser, world: World, appeals: Appeals, rais: User
) -> None:
    client = as_user(rais)
    listing = client.get("/chair/appeals").get_data(as_text=True)
    assert appeals.shared.number in listing
    for hidden in (appeals.crime, appeals.family, appeals.foreign, appeals.fresh):
        assert hidden.number not in listing
    page = client.get(f"/chair/appeals/{appeals.shared.number}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and SHARED_TEXT.replace("'", "&#39;") in html
    assert "Aliyev Vali" not in html and appeals.shared.applicant_name == "Aliyev Vali"


@pytest.mark.parametrize("which", ["crime", "family", "foreign", "fresh"])
def test_every_other_appeal_answers_404_like_a_missing_one(
    as_user: AsUser, world: World, appeals: Appeals, rais: User, which: str
) -> None:
    client = as_user(rais)
    number = getattr(appeals, which).number
    missing = client.get("/chair/appeals/2026-999999")
    hidden = client.get(f"/chair/appeals/{number}")
    assert hidden.status_code == missing.status_code == 404
    # The same page; only the address it echoes (the language switch's way back) differs.
    assert _without_tokens(hidden).replace(number, "N") == _without_tokens(missing).replace("2026-999999", "N")


def test_the_chair_gets_404_on_the_prevention_registry_and_the_case_pages(
    as_user: AsUser, world: World, appeals: Appeals, rais: User
) -> None:
    client = as_user(rais)
    for url in (
        "/prevention",
        "/prevention/persons/1",
        f"/appeals/{appeals.crime.number}",
        f"/appeals/{appeals.shared.number}",
    ):
        assert client.get(url).status_code == 404, url


def test_the_api_shares_the_same_fields_and_the_same_404(
    world: World, appeals: Appeals, rais: User, api: Callable[[User], Caller]
) -> None:
    call = api(rais)
    listing = call("GET", "/chair/appeals")
    assert listing.status_code == 200
    assert [item["number"] for item in listing.get_json()["items"]] == [appeals.shared.number]
    one = call("GET", f"/chair/appeals/{appeals.shared.number}")
    assert one.status_code == 200
    assert set(one.get_json()) == set(chairs.SHARED_FIELDS)
    assert one.get_json()["text"] == SHARED_TEXT
    missing = call("GET", "/chair/appeals/2026-999999")
    crime = call("GET", f"/chair/appeals/{appeals.crime.number}")
    assert crime.status_code == missing.status_code == 404 and crime.get_json() == missing.get_json()
    # Routes of other roles answer the same 404, not a 403 that would tell them apart.
    for path in (f"/appeals/{appeals.crime.number}", "/prevention/persons", "/prevention/persons/1"):
        refused = call("GET", path)
        assert refused.status_code == 404 and refused.get_json() == missing.get_json(), path


def test_every_view_is_in_the_audit_log_for_admins(
    as_user: AsUser, world: World, appeals: Appeals, rais: User, api: Callable[[User], Caller]
) -> None:
    as_user(rais).get(f"/chair/appeals/{appeals.shared.number}")
    api(rais)("GET", f"/chair/appeals/{appeals.shared.number}")
    as_user(rais).get("/chair/appeals")
    as_user(rais).get(f"/chair/appeals/{appeals.crime.number}")  # not shown: nothing viewed
    viewed = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "chair_viewed_appeal")))
    assert [(e.actor_id, e.object_id) for e in viewed] == [(rais.id, appeals.shared.number)] * 2
    listed = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "chair_listed_appeals"))
    assert listed is not None and listed.after == {"numbers": [appeals.shared.number]}
    log = as_user(world.admin).get("/admin/audit?action=chair_viewed_appeal").get_data(as_text=True)
    assert appeals.shared.number in log and ("rais1" in log or "Abdulla Nazarov" in log)


def test_an_admin_changes_the_shared_categories_audited(
    as_user: AsUser, world: World, appeals: Appeals, rais: User
) -> None:
    admin = as_user(world.admin)
    assert chairs.shared_categories() == ["social_assistance", "utilities", "public_safety"]
    page = admin.get("/admin/chair-sharing").get_data(as_text=True)
    assert 'value="crime_prevention"' not in page and 'value="family_conflict"' in page
    saved = post_form(admin, "/admin/chair-sharing", {"categories": ["family_conflict", "utilities"]})
    assert saved.status_code == 302  # type: ignore[attr-defined]
    assert chairs.shared_categories() == ["family_conflict", "utilities"]
    listing = as_user(rais).get("/chair/appeals").get_data(as_text=True)
    assert appeals.family.number in listing and appeals.shared.number in listing
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "chair_sharing_updated"))
    assert entry is not None and entry.actor_id == world.admin.id
    assert entry.after == {"categories": ["family_conflict", "utilities"]}
    refused = post_form(admin, "/admin/chair-sharing", {"categories": ["crime_prevention"]})
    assert refused.status_code == 200  # type: ignore[attr-defined]
    assert "Roʻyxatdagi toifalarni tanlang." in refused.get_data(as_text=True)  # type: ignore[attr-defined]
    assert chairs.shared_categories() == ["family_conflict", "utilities"]
    assert as_user(world.supervisor).get("/admin/chair-sharing").status_code == 403
    assert as_user(rais).get("/admin/chair-sharing").status_code == 404


def _arguments(app: Flask, appeal: Appeal) -> list[tuple[str, str]]:
    """Every GET route of the app, filled with the appeal's id or number."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()) or rule.endpoint in ("static", "auth.logout"):
            continue
        values = {}
        for name in rule.arguments:
            converter = rule._converters[name]  # the converter tells int from str
            values[name] = appeal.id if type(converter).__name__ == "IntegerConverter" else appeal.number
        try:
            urls.append((rule.rule, rule.build(values, append_unknown=False)[1]))
        except (ValueError, TypeError):
            continue
    return urls


@pytest.mark.parametrize("who", ["partner", "chair"])
def test_no_get_route_leaks_an_appeal_to_a_partner_or_a_chair(
    app: Flask, as_user: AsUser, world: World, appeals: Appeals, rais: User, api: Callable[[User], Caller], who: str
) -> None:
    user = _partner(world) if who == "partner" else rais
    hidden = [CRIME_TEXT, FAMILY_TEXT, FOREIGN_TEXT, FRESH_TEXT] + ([SHARED_TEXT] if who == "partner" else [])
    client, call = as_user(user), api(user)
    walked, shown = 0, 0
    for appeal in (appeals.crime, appeals.shared, appeals.foreign):
        for rule, url in _arguments(app, appeal):
            response = call("GET", url.removeprefix("/api/v1")) if url.startswith("/api/v1/") else client.get(url)
            body = response.get_data().decode("utf-8", "replace")  # a few answers are binary (favicon)
            response.close()
            assert response.status_code != 500, (rule, url)  # /readyz may say 503 here: no worker
            for text in hidden:
                assert text not in body and text.replace("'", "&#39;") not in body, (who, rule, url)
            walked += 1
            shown += SHARED_TEXT.replace("'", "&#39;") in body or SHARED_TEXT in body
    assert walked > 300
    # The walk reaches the chair's own pages with a real number: what a chair may read does show.
    # (the page, the API's one appeal, and the API's list each time the walk passes it).
    assert (shown >= 2) if who == "chair" else (shown == 0)


def test_the_bell_of_a_chair_leads_to_their_own_notifications(as_user: AsUser, world: World, rais: User) -> None:
    """Every page shows the bell; its page answers every signed-in role (a chair's was a 404)."""
    client = as_user(rais)
    page = client.get("/chair/appeals").get_data(as_text=True)
    assert 'href="/notifications"' in page
    assert client.get("/notifications").status_code == 200
