"""The process library: drafts, saving, validation, publishing; roles and CSRF; versions of running cases."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import World, csrf_token
from tests.dmn_rules import add_rule
from tests.engine.test_decisions import TABLE
from tests.process_library import diagrams
from tests.webapp.cases import register, the_task
from webapp.cases.models import ProcessDraft, ProcessInstance, ProcessVersion
from webapp.cases.versions import (
    APPEAL_PROCESS,
    BUNDLED_LINEAGES,
    current_version,
    decide_with_latest,
    register_bundled_lineage,
)
from webapp.extensions import db
from webapp.platform.auth.models import User

ClientFor = Callable[[User], FlaskClient]
BASE = f"/processes/{APPEAL_PROCESS}"
REGISTRATION = "appeal_registration.bpmn"
OLD_NAME = 'name="Murojaatni tekshirish va tasniflash"'


def english(client: FlaskClient) -> FlaskClient:
    """The assertions read the English msgids: the user chose English."""
    with client.session_transaction() as session:
        session["lang"] = "en"
    return client


def token(client: FlaskClient, path: str = BASE) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    return csrf_token(page.get_data(as_text=True))


def post(client: FlaskClient, path: str, data: dict[str, object] | None = None, **kwargs: object) -> object:
    return client.post(path, data={"csrf_token": token(client), **(data or {})}, **kwargs)


def start_draft(client: FlaskClient) -> None:
    response = post(client, f"{BASE}/draft")
    assert response.status_code == 302  # type: ignore[attr-defined]


def save_xml(client: FlaskClient, name: str, xml: str | bytes) -> object:
    return client.post(
        f"{BASE}/draft/files/{name}/xml",
        data=xml,
        headers={"X-CSRFToken": token(client), "Content-Type": "application/xml", "X-Requested-With": "fetch"},
    )


def draft_file(name: str) -> str:
    draft = db.session.scalar(select(ProcessDraft).where(ProcessDraft.process_id == APPEAL_PROCESS))
    assert draft is not None
    return draft.files[name]


def test_library_lists_lineages_versions_and_running_cases(world: World, as_user: ClientFor) -> None:
    register(world)
    register(world)
    page = as_user(world.methodologist).get("/processes").get_data(as_text=True)
    assert 'data-lineage="appeal_lifecycle"' in page
    assert '<td class="text-end" data-running>2</td>' in page
    assert "appeal_categorisation.dmn" in page and "bundled diagrams" in page


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/processes"),
        ("GET", BASE),
        ("POST", f"{BASE}/draft"),
        ("POST", f"{BASE}/publish"),
        ("POST", f"{BASE}/draft/validate"),
        ("POST", f"{BASE}/draft/files/{REGISTRATION}/xml"),
    ],
)
def test_inspectors_and_supervisors_are_refused(world: World, as_user: ClientFor, method: str, path: str) -> None:
    for user in (world.inspector, world.supervisor):
        client = as_user(user)
        headers = {"X-CSRFToken": token(client, "/tasks")}  # a valid token: the role is what is refused
        assert client.open(path, method=method, headers=headers).status_code == 403


def test_admin_reads_but_does_not_edit(world: World, as_user: ClientFor) -> None:
    admin = english(as_user(world.admin))
    assert admin.get(BASE).status_code == 200
    assert "Start a draft" not in admin.get(BASE).get_data(as_text=True)
    response = admin.post(f"{BASE}/draft", data={"csrf_token": token(admin)})
    assert response.status_code == 403


def test_actions_need_the_csrf_token(world: World, as_user: ClientFor) -> None:
    client = english(as_user(world.methodologist))
    assert client.post(f"{BASE}/draft").status_code == 400
    start_draft(client)
    response = client.post(f"{BASE}/draft/files/{REGISTRATION}/xml", data="<x/>", content_type="application/xml")
    assert response.status_code == 400
    assert draft_file(REGISTRATION) == current_version().files[REGISTRATION]


def test_edit_save_validate_publish_new_cases_take_the_new_version(world: World, as_user: ClientFor) -> None:
    running = register(world)
    old_version = current_version()
    client = english(as_user(world.methodologist))
    start_draft(client)
    assert client.get(f"{BASE}/draft/files/{REGISTRATION}").status_code == 200
    assert (
        client.get(f"{BASE}/draft/files/{REGISTRATION}/xml").get_data(as_text=True) == old_version.files[REGISTRATION]
    )

    edited = draft_file(REGISTRATION).replace(OLD_NAME, 'name="Murojaatni tekshirish (yangi)"', 1)
    edited = edited.replace('label="Murojaat turi"', 'label="Murojaatning turi"', 1)
    saved = save_xml(client, REGISTRATION, edited)
    assert saved.status_code == 200, saved.get_data(as_text=True)  # type: ignore[attr-defined]
    assert saved.get_json() == {"saved": True, "valid": True, "errors": [], "warnings": []}  # type: ignore[attr-defined]
    checked = client.post(f"{BASE}/draft/validate", headers={"X-CSRFToken": token(client), "X-Requested-With": "fetch"})
    assert checked.status_code == 200 and checked.get_json()["valid"] is True

    assert post(client, f"{BASE}/publish", {"note": ""}).status_code == 422  # type: ignore[attr-defined]
    published = post(client, f"{BASE}/publish", {"note": "Yangi nom va yorliq"})
    assert published.status_code == 302  # type: ignore[attr-defined]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ProcessDraft)) == 0
    new_version = current_version()
    assert new_version.id != old_version.id and new_version.note == "Yangi nom va yorliq"
    assert new_version.created_by_id == world.methodologist.id

    fresh = register(world)
    instances = {i.appeal_id: i.process_version_id for i in db.session.scalars(select(ProcessInstance))}
    assert instances == {running.id: old_version.id, fresh.id: new_version.id}
    assert the_task(fresh, "check_registration").title == "Murojaatni tekshirish (yangi)"
    assert the_task(running, "check_registration").title == "Murojaatni tekshirish va tasniflash"
    task_page = as_user(world.inspector).get(f"/tasks/{the_task(fresh, 'check_registration').id}")
    assert "Murojaatning turi" in task_page.get_data(as_text=True)
    library_page = client.get("/processes").get_data(as_text=True)
    assert "Yangi nom va yorliq" in library_page and "v2" in library_page


def test_a_draft_with_errors_is_saved_but_not_published(world: World, as_user: ClientFor) -> None:
    client = english(as_user(world.methodologist))
    start_draft(client)
    broken = draft_file(REGISTRATION).replace(
        '<bpmn:lane id="lane_appeal_registration_inspector" name="inspector">',
        '<bpmn:lane id="lane_appeal_registration_inspector" name="cook">',
    )
    assert broken != draft_file(REGISTRATION)
    saved = save_xml(client, REGISTRATION, broken)
    body = saved.get_json()  # type: ignore[attr-defined]
    assert saved.status_code == 200 and body["saved"] is True and body["valid"] is False  # type: ignore[attr-defined]
    assert any(e["element_id"] == "check_registration" and "lane" in e["message"] for e in body["errors"])
    before = db.session.scalar(select(func.count()).select_from(ProcessVersion))
    response = post(client, f"{BASE}/publish", {"note": "buzilgan"})
    assert response.status_code == 422  # type: ignore[attr-defined]
    page = response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert "check_registration" in page and "validation-report" in page
    assert db.session.scalar(select(func.count()).select_from(ProcessVersion)) == before


def test_import_of_a_camunda_modeler_file_is_normalised(world: World, as_user: ClientFor) -> None:
    client = english(as_user(world.methodologist))
    start_draft(client)
    upload = (io.BytesIO(diagrams.camunda_file().encode()), "home_visit.bpmn")
    response = post(client, f"{BASE}/draft/files", {"name": "home_visit.bpmn", "upload": upload})
    assert response.status_code == 302, response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert '"P15D"' in draft_file("home_visit.bpmn")
    page = client.get(f"{BASE}/draft/files/home_visit.bpmn").get_data(as_text=True)
    report = json.loads(page.split("data-initial-report>", 1)[1].split("</script>", 1)[0])
    assert report["valid"] is True


def test_an_unsupported_element_is_named_on_import(world: World, as_user: ClientFor) -> None:
    client = english(as_user(world.methodologist))
    start_draft(client)
    upload = (io.BytesIO(diagrams.camunda_file(diagrams.JAVA_SERVICE_TASK).encode()), "x.bpmn")
    post(client, f"{BASE}/draft/files", {"name": "visit.bpmn", "upload": upload})
    saved = save_xml(client, "visit.bpmn", draft_file("visit.bpmn"))
    errors = saved.get_json()["errors"]  # type: ignore[attr-defined]
    assert [e["element_id"] for e in errors] == ["notify_police"]
    assert "camunda:class" in errors[0]["message"] and "Not supported" in errors[0]["message"]


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        (b"", 422, "empty"),
        (b"\xff\xfe\x00<", 422, "UTF-8"),
        (diagrams.XXE.encode(), 200, "not allowed"),
        (diagrams.MALFORMED.encode(), 200, "Malformed XML"),
    ],
)
def test_saving_hostile_documents_answers_clearly(
    world: World, as_user: ClientFor, body: bytes, status: int, words: str
) -> None:
    client = english(as_user(world.methodologist))
    start_draft(client)
    before = draft_file(REGISTRATION)
    response = save_xml(client, REGISTRATION, body)
    data = response.get_json()  # type: ignore[attr-defined]
    assert response.status_code == 422 and data["saved"] is False  # type: ignore[attr-defined]
    assert words in data["errors"][0]["message"] and "root:" not in json.dumps(data)
    assert draft_file(REGISTRATION) == before


def test_a_huge_upload_gets_413(world: World, as_user: ClientFor) -> None:
    client = english(as_user(world.methodologist))
    start_draft(client)
    response = save_xml(client, REGISTRATION, b"<" + b"a" * (50 * 1024 * 1024))
    assert response.status_code == 413
    assert "MB" in response.get_json()["errors"][0]["message"]  # type: ignore[attr-defined]


def test_a_dmn_rule_change_changes_the_categorisation_of_new_appeals(world: World, as_user: ClientFor) -> None:
    text = "Qo'shnim firibgar, meni aldab pulimni oldi."
    before = register(world, text=text)
    assert before.category == "crime_prevention"
    client = english(as_user(world.methodologist))
    start_draft(client)
    table = draft_file("appeal_categorisation.dmn")
    edited = add_rule(
        table, "rule_fraud_family", words='{"firibgar*"} &amp; ?', category='"family_conflict"', weight="2"
    )
    saved = save_xml(client, "appeal_categorisation.dmn", edited)
    assert saved.get_json()["valid"] is True  # type: ignore[attr-defined]
    assert post(client, f"{BASE}/publish", {"note": "Firibgarlik oilaviy nizo sifatida"}).status_code == 302  # type: ignore[attr-defined]
    after = register(world, text=text)
    assert after.category == "family_conflict"


def test_discard_delete_and_add_blank_file(world: World, as_user: ClientFor) -> None:
    client = english(as_user(world.methodologist))
    start_draft(client)
    assert post(client, f"{BASE}/draft/files", {"name": "../etc/passwd"}).status_code == 422  # type: ignore[attr-defined]
    assert post(client, f"{BASE}/draft/files", {"name": "extra_step.bpmn"}).status_code == 302  # type: ignore[attr-defined]
    assert "extra_step" in draft_file("extra_step.bpmn")
    assert post(client, f"{BASE}/draft/files/extra_step.bpmn/delete").status_code == 302  # type: ignore[attr-defined]
    with pytest.raises(KeyError):
        draft_file("extra_step.bpmn")
    assert post(client, f"{BASE}/draft/discard").status_code == 302  # type: ignore[attr-defined]
    assert db.session.scalar(select(func.count()).select_from(ProcessDraft)) == 0


def test_a_decision_only_lineage_is_listed_drafted_and_published(
    world: World, as_user: ClientFor, tmp_path: Path
) -> None:
    (tmp_path / "risk.dmn").write_text(TABLE.format(policy="UNIQUE"), encoding="utf-8")
    register_bundled_lineage("test_risk", str(tmp_path))
    try:
        client = english(as_user(world.methodologist))
        page = client.get("/processes").get_data(as_text=True)
        assert 'data-lineage="test_risk"' in page and "Decision tables" in page
        base = "/processes/test_risk"
        assert client.post(f"{base}/draft", data={"csrf_token": token(client, base)}).status_code == 302
        draft = db.session.scalar(select(ProcessDraft).where(ProcessDraft.process_id == "test_risk"))
        assert draft is not None
        edited = draft.files["risk.dmn"].replace("&gt;= 10", "&gt;= 20")
        headers = {"X-CSRFToken": token(client, base), "X-Requested-With": "fetch"}
        saved = client.post(f"{base}/draft/files/risk.dmn/xml", data=edited, headers=headers)
        assert saved.get_json()["valid"] is True
        published = client.post(f"{base}/publish", data={"csrf_token": token(client, base), "note": "20 ta ish"})
        assert published.status_code == 302
        assert [r.outputs["colour"] for r in decide_with_latest("test_risk", "risk_colour", {"open_cases": 11})] != [
            "red"
        ]
    finally:
        BUNDLED_LINEAGES.pop("test_risk")
