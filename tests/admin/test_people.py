"""People and territories without a shell: create a mahalla and its inspector, give them a token,
their first appeal reaches their inbox; supervisors manage their own territory only; deactivation
asks where the work goes; history and the audit log stay."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import World, csrf_token
from tests.webapp.cases import register, the_task
from webapp.extensions import db
from webapp.platform.audit.models import AuditEntry
from webapp.platform.auth.models import ApiToken, User
from webapp.platform.staffing.service import served_on
from webapp.platform.territory.models import Mahalla
from webapp.platform.timeutil import local_today

AsUser = Callable[[User], FlaskClient]


def post_form(client: FlaskClient, url: str, data: dict[str, object], page_url: str | None = None) -> object:
    page = client.get(page_url or url)
    assert page.status_code == 200, page.status_code
    return client.post(url, data={"csrf_token": csrf_token(page.get_data(as_text=True)), **data})


def test_admin_creates_a_mahalla_and_its_inspector_who_gets_a_token_and_a_first_appeal(
    as_user: AsUser, world: World, client: FlaskClient
) -> None:
    admin = as_user(world.admin)
    created = post_form(
        admin,
        "/admin/territories/mahalla/new",
        {
            "code": "CHL-99",
            "name": "Yangi hayot MFY",
            "name_ru": "Янги хаёт",
            "status": "active",
            "parent": world.district.id,
        },
    )
    assert created.status_code == 302  # type: ignore[attr-defined]
    mahalla = db.session.scalar(select(Mahalla).where(Mahalla.code == "CHL-99"))
    assert mahalla is not None and mahalla.name_ru == "Янги хаёт"

    person = post_form(
        admin,
        "/people/new",
        {
            "username": "yangi.inspektor",
            "full_name": "Yangi Inspektor",
            "role": "inspector",
            "email": "yi@mahalla.uz",
            "mahallas": [mahalla.id],
        },
    )
    assert person.status_code == 302  # type: ignore[attr-defined]
    inspector = db.session.scalar(select(User).where(User.username == "yangi.inspektor"))
    assert inspector is not None and [m.code for m in inspector.mahallas] == ["CHL-99"]
    assert [u.username for u in served_on("mahalla", mahalla.id, local_today())] == ["yangi.inspektor"]

    page_url = f"/people/{inspector.id}"
    issued = post_form(admin, f"/people/{inspector.id}/tokens", {"name": "mobil", "scope": "full"}, page_url)
    html = issued.get_data(as_text=True)  # type: ignore[attr-defined]
    token = re.search(r"(mht_[A-Za-z0-9_-]+)", html)
    assert token is not None
    headers = {"Authorization": f"Bearer {token.group(1)}", "Accept-Language": "en"}
    body = {
        "applicant_name": "Aliyev Vali",
        "applicant_phone": "+998901234567",
        "text": "Ko'chadagi chiroqlar yonmayapti.",
        "mahalla": "CHL-99",
        "kind": "ariza",
    }
    filed = client.post("/api/v1/appeals", json=body, headers=headers)
    assert filed.status_code == 201, filed.get_data(as_text=True)
    inbox = client.get("/api/v1/tasks", headers=headers).get_json()["tasks"]
    assert [t["name"] for t in inbox] == ["check_registration"]
    assert inbox[0]["assignee"]["username"] == "yangi.inspektor"
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"mahalla_created", "user_created", "token_issued", "password_link_sent"} <= actions


def test_a_supervisor_manages_inspectors_of_their_territory_only(as_user: AsUser, world: World) -> None:
    client = as_user(world.supervisor)
    listing = client.get("/people").get_data(as_text=True)
    assert "inspector1" in listing and "inspector2" in listing and "inspector3" not in listing
    assert client.get(f"/people/{world.foreign_inspector.id}").status_code == 404
    assert client.get(f"/people/{world.admin.id}").status_code == 404
    refused = post_form(
        client,
        "/people/new",
        {"username": "boshqa", "full_name": "Boshqa", "role": "inspector", "mahallas": [world.foreign_mahalla.id]},
    )
    assert refused.status_code == 200  # type: ignore[attr-defined]
    created = post_form(
        client,
        "/people/new",
        {"username": "yordamchi", "full_name": "Yordamchi", "role": "inspector", "mahallas": [world.mahalla.id]},
    )
    assert created.status_code == 302  # type: ignore[attr-defined]
    assert as_user(world.inspector).get("/people").status_code == 403
    assert client.get("/admin/territories").status_code == 403


def test_search_and_filters(as_user: AsUser, world: World) -> None:
    client = as_user(world.admin)
    assert "Inspector2" in client.get("/people?q=pector2").get_data(as_text=True)
    only_supervisors = client.get("/people?role=supervisor").get_data(as_text=True)
    assert "Supervisor2" in only_supervisors and "Inspector1" not in only_supervisors
    by_district = client.get(f"/people?district={world.other_district.id}").get_data(as_text=True)
    assert "Inspector3" in by_district and "Inspector1<" not in by_district


def test_deactivating_someone_with_open_work_asks_where_it_goes(as_user: AsUser, world: World) -> None:
    task = the_task(register(world), "check_registration")
    client = as_user(world.supervisor)
    url = f"/people/{world.inspector.id}/deactivate"
    page = client.get(url).get_data(as_text=True)
    assert task.appeal.number in page and "Inspector2 (inspector2)" in page

    done = client.post(
        url, data={"csrf_token": csrf_token(page), "hand_to": world.inspector2.id, "reason": "ishdan ketdi"}
    )

    assert done.status_code == 302
    db.session.expire_all()
    inspector = db.session.get(User, world.inspector.id)
    assert inspector is not None and not inspector.active and inspector.mahallas == []
    assert db.session.get(type(task), task.id).assignee_id == world.inspector2.id  # type: ignore[union-attr]
    assert served_on("mahalla", world.mahalla.id, local_today() + dt.timedelta(days=1)) == []
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "user_deactivated"))
    assert (
        entry is not None
        and entry.before == {"active": True, "mahallas": ["M1"]}
        and entry.after == {"active": False, "mahallas": []}
    )
    assert client.get("/people?status=inactive").get_data(as_text=True).count("Inspector1") == 1


def test_staff_history_answers_who_served_a_mahalla_on_a_day(as_user: AsUser, world: World) -> None:
    admin = as_user(world.admin)
    march = local_today() - dt.timedelta(days=30)
    # inspector3 starts serving M1 today as well; M1's history keeps who served before.
    url = f"/people/{world.foreign_inspector.id}"
    response = post_form(
        admin,
        url,
        {
            "username": "inspector3",
            "full_name": "Inspector3",
            "role": "inspector",
            "mahallas": [world.mahalla.id],
            "starts_on": local_today().isoformat(),
        },
    )
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert [
        u.username for u in served_on("mahalla", world.foreign_mahalla.id, march)
    ] == []  # fixture rows have no history
    assert "inspector3" in [u.username for u in served_on("mahalla", world.mahalla.id, local_today())]
    assert "inspector3" not in [
        u.username for u in served_on("mahalla", world.foreign_mahalla.id, local_today() + dt.timedelta(days=1))
    ]


def test_the_audit_log_is_readable_and_exportable_by_admins_only(as_user: AsUser, world: World) -> None:
    admin = as_user(world.admin)
    post_form(
        admin,
        f"/people/{world.inspector.id}",
        {"username": "inspector1", "full_name": "Yangi Ism", "role": "inspector", "mahallas": [world.mahalla.id]},
    )
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert 'data-action="user_updated"' in page and "Yangi Ism" in page
    assert "Foydalanuvchi oʻzgartirildi" in page and ">user_updated<" not in page  # the action by its name
    export = admin.get("/admin/audit/export.csv?action=user_updated")
    text = export.get_data(as_text=True)
    assert export.status_code == 200 and "Yangi Ism" in text and "Inspector1" in text
    xlsx = admin.get("/admin/audit/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.get_data()[:2] == b"PK"
    xlsx.close()
    assert as_user(world.supervisor).get("/admin/audit").status_code == 403


def test_own_tokens_shown_once_scoped_expiring_and_revocable(
    as_user: AsUser, world: World, client: FlaskClient
) -> None:
    mine = as_user(world.inspector)
    created = post_form(mine, "/account/tokens", {"name": "o'qish", "scope": "read"}, "/account")
    token = re.search(r"(mht_[A-Za-z0-9_-]+)", created.get_data(as_text=True))  # type: ignore[attr-defined]
    assert token is not None
    assert token.group(1) not in mine.get("/account").get_data(as_text=True)
    headers = {"Authorization": f"Bearer {token.group(1)}"}
    assert client.get("/api/v1/tasks", headers=headers).status_code == 200
    assert client.post("/api/v1/tasks/x/claim", headers=headers).status_code == 403  # read only
    row = db.session.scalar(select(ApiToken).where(ApiToken.name == "o'qish"))
    assert row is not None and row.last_used_at is not None
    past = post_form(mine, "/account/tokens", {"name": "eski", "expires_on": "2020-01-01"}, "/account")
    assert past.status_code == 422  # type: ignore[attr-defined]
    revoked = post_form(mine, f"/account/tokens/{row.id}/revoke", {}, "/account")
    assert revoked.status_code == 302  # type: ignore[attr-defined]
    assert client.get("/api/v1/tasks", headers=headers).status_code == 401
    other = as_user(world.inspector2)
    token_page = other.get("/account").get_data(as_text=True)
    assert (
        other.post(f"/account/tokens/{row.id}/revoke", data={"csrf_token": csrf_token(token_page)}).status_code == 404
    )


def test_admin_issues_and_revokes_open311_keys(as_user: AsUser, world: World) -> None:
    admin = as_user(world.admin)
    issued = post_form(admin, "/admin/access/open311", {"name": "Toshkent portali"}, "/admin/access")
    key = re.search(r"(o311_[A-Za-z0-9_-]+)", issued.get_data(as_text=True))  # type: ignore[attr-defined]
    assert key is not None
    from webapp.intake.open311.service import client_for_key

    found = client_for_key(key.group(1))
    assert found is not None and found.last_used_at is not None
    page = admin.get("/admin/access").get_data(as_text=True)
    assert (
        admin.post(f"/admin/access/open311/{found.id}/revoke", data={"csrf_token": csrf_token(page)}).status_code == 302
    )
    assert client_for_key(key.group(1)) is None


def test_a_supervisor_editing_keeps_the_mahallas_served_outside_their_territory(as_user: AsUser, world: World) -> None:
    world.inspector.mahallas = [world.mahalla, world.foreign_mahalla]
    db.session.commit()
    client = as_user(world.supervisor)
    data = {
        "username": "inspector1",
        "full_name": "Inspector1",
        "role": "inspector",
        "mahallas": [world.second_mahalla.id],
    }
    assert post_form(client, f"/people/{world.inspector.id}", data).status_code == 302  # type: ignore[attr-defined]
    db.session.expire_all()
    inspector = db.session.get(User, world.inspector.id)
    assert inspector is not None and sorted(m.code for m in inspector.mahallas) == ["M2", "M3"]


def test_the_district_a_supervisor_heads_has_a_true_history(as_user: AsUser, world: World) -> None:
    admin = as_user(world.admin)
    today = local_today()
    created = post_form(
        admin,
        "/people/new",
        {"username": "boshliq", "full_name": "Boshliq", "role": "supervisor", "district": world.other_district.id},
    )
    assert created.status_code == 302  # type: ignore[attr-defined]
    boss = db.session.scalar(select(User).where(User.username == "boshliq"))
    assert boss is not None
    next_week = today + dt.timedelta(days=7)
    moved = post_form(
        admin,
        f"/people/{boss.id}",
        {
            "username": "boshliq",
            "full_name": "Boshliq",
            "role": "supervisor",
            "district": world.district.id,
            "starts_on": next_week.isoformat(),
        },
    )
    assert moved.status_code == 302  # type: ignore[attr-defined]
    assert "boshliq" in [u.username for u in served_on("district", world.other_district.id, today)]
    assert "boshliq" not in [u.username for u in served_on("district", world.district.id, today)]
    assert "boshliq" in [u.username for u in served_on("district", world.district.id, next_week)]
    assert "boshliq" not in [u.username for u in served_on("district", world.other_district.id, next_week)]


def test_the_admins_token_list_comes_a_page_at_a_time(as_user: AsUser, world: World) -> None:
    from webapp.admin.access.service import TOKENS_PER_PAGE
    from webapp.platform.auth.service import issue_token

    for number in range(TOKENS_PER_PAGE + 3):
        issue_token(world.inspector, f"kalit-{number:03d}")
    db.session.commit()
    admin = as_user(world.admin)
    first = admin.get("/admin/access").get_data(as_text=True)
    second = admin.get("/admin/access?page=2").get_data(as_text=True)
    assert first.count("kalit-") == TOKENS_PER_PAGE and "kalit-000" not in first  # newest first
    assert "kalit-000" in second and f"kalit-{TOKENS_PER_PAGE + 2:03d}" not in second
    assert 'href="/admin/access?page=2"' in first
    assert admin.get("/admin/access?page=x").status_code == 400
