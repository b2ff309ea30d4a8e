"""The compare, migrate and sandbox pages: roles, CSRF, real cases and real diagrams."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask, render_template
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.conftest import World, csrf_token, make_user
from tests.process_changes.variants import relabelled, with_step_after_analysis, without_analysis_task
from tests.webapp.cases import ANSWERS, browser_form, drive_to, parse, register
from webapp.cases.models import Notification, PendingTask, ProcessDraft, ProcessInstance, ProcessVersion
from webapp.cases.versions import current_version, publish_files
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.platform.auth.models import Role
from webapp.studio.changes.models import SandboxRun

PROCESS = "appeal_lifecycle"
PAGES = (
    f"/processes/{PROCESS}/compare",
    f"/processes/{PROCESS}/migrate",
    f"/processes/{PROCESS}/sandbox",
)


@pytest.fixture
def bundled(world: World) -> ProcessVersion:
    version = current_version()
    db.session.commit()
    return version


def _draft(files: dict[str, str], base: ProcessVersion) -> ProcessDraft:
    draft = ProcessDraft(process_id=PROCESS, files=files, base_version_id=base.id)
    db.session.add(draft)
    db.session.commit()
    return draft


def _count(model: Any) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


@pytest.mark.parametrize("page", PAGES)
def test_workers_may_not_open_the_pages(world: World, bundled: ProcessVersion, as_user: Any, page: str) -> None:
    for user in (world.inspector, world.supervisor, world.region_supervisor):
        assert as_user(user).get(page).status_code == 403
    assert as_user(world.methodologist).get(page).status_code == 200
    assert as_user(world.admin).get(page).status_code == 200


def test_unknown_processes_versions_and_runs_are_not_found(world: World, bundled: ProcessVersion, as_user: Any) -> None:
    client = as_user(world.methodologist)
    assert client.get("/processes/nothing/compare").status_code == 404
    huge = "9" * 30
    assert client.get(f"/processes/{PROCESS}/migrate?to=999").status_code == 404
    assert client.get(f"/processes/{PROCESS}/compare/{huge}/appeal_analysis.bpmn").status_code == 404
    assert client.get(f"/processes/{PROCESS}/sandbox/{huge}").status_code == 404
    assert client.get(f"/processes/{PROCESS}/compare?from={huge}&to=draft").status_code == 400  # not a version
    assert client.get(f"/processes/{PROCESS}/compare?from=999999&to=draft").status_code == 200  # says what to do


def test_decision_tables_alone_have_no_cases_to_migrate_or_test_run(world: World, as_user: Any) -> None:
    from tests.engine.test_decisions import TABLE

    publish_files("risk_rules", {"risk.dmn": TABLE.format(policy="UNIQUE")})
    client = as_user(world.methodologist)
    assert client.get("/processes/risk_rules/migrate").status_code == 404
    assert client.get("/processes/risk_rules/sandbox").status_code == 404
    assert client.get("/processes/risk_rules/compare").status_code == 200
    page = client.get("/processes/risk_rules").get_data(as_text=True)
    assert "/processes/risk_rules/migrate" not in page and "/processes/risk_rules/sandbox" not in page


def test_compare_shows_the_draft_changes_with_form_field_details(
    world: World, bundled: ProcessVersion, as_user: Any
) -> None:
    _draft(with_step_after_analysis(relabelled(bundled.files)), bundled)
    client = as_user(world.methodologist)
    page = client.get(f"/processes/{PROCESS}/compare?from={bundled.id}&to=draft")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    rows = {
        (e.get("data-element"), e.get("data-change")) for e in parse(html) if e.tag == "tr" and e.has("data-element")
    }
    assert {("confirm_analysis", "added"), ("analyse_appeal", "changed")} <= rows
    assert "Muammoning sabablari" in html and "Sabablar va holatlar" in html
    breadcrumb = [e for e in parse(html) if e.tag == "li" and "breadcrumb-item" in e.classes]
    links = [e.get("href") for item in breadcrumb for e in item.inner if e.tag == "a"]
    assert links == ["/processes", f"/processes/{PROCESS}"]  # back to the library and the process
    markers = json.loads(html.split("data-compare-markers>", 1)[1].split("</script>", 1)[0])
    assert markers["appeal_analysis.bpmn"]["after"]["added"] == [
        "confirm_analysis",
        "flow_confirm_analysis_to_set_deadline",
    ]
    xml = client.get(f"/processes/{PROCESS}/compare/draft/appeal_analysis.bpmn")
    assert xml.status_code == 200 and b"confirm_analysis" in xml.data
    assert xml.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert client.get(f"/processes/{PROCESS}/compare/{bundled.id}/nothing.bpmn").status_code == 404
    assert client.get(f"/processes/{PROCESS}/compare/abc/appeal_analysis.bpmn").status_code == 404


LIFECYCLE = "appeal_lifecycle.bpmn"
RESOLUTION_TIMER = (
    '<bpmn:timerEventDefinition id="call_resolution_overdue_definition">\n'
    '        <bpmn:timeDate xsi:type="bpmn:tFormalExpression">deadline_at</bpmn:timeDate>'
)


def _retimed(files: Any, timer: str, norm: str) -> dict[str, str]:
    """The resolution's overdue timer as a duration, the overdue review's norm, the review in the
    inspector's lane."""
    changed = dict(files)
    text = changed[LIFECYCLE]
    for old, new in (
        (
            RESOLUTION_TIMER,
            '<bpmn:timerEventDefinition id="call_resolution_overdue_definition">\n'
            f'        <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">{timer}</bpmn:timeDuration>',
        ),
        ('<camunda:property name="norm" value="P1D"/>', f'<camunda:property name="norm" value="{norm}"/>'),
        ("<bpmn:flowNodeRef>review_overdue_case</bpmn:flowNodeRef>\n", ""),
        (
            "<bpmn:flowNodeRef>start_event</bpmn:flowNodeRef>",
            "<bpmn:flowNodeRef>review_overdue_case</bpmn:flowNodeRef><bpmn:flowNodeRef>start_event</bpmn:flowNodeRef>",
        ),
    ):
        assert old in text, old
        text = text.replace(old, new, 1)
    changed[LIFECYCLE] = text
    return changed


def _attributes(html: str, element: str) -> dict[str, str]:
    """{attribute: its visible text} of one element's changes on the compare page."""
    [row] = [e for e in parse(html) if e.tag == "tr" and e.get("data-element") == element]
    return {e.get("data-attribute"): " ".join(e.text.split()) for e in row.inner if e.has("data-attribute")}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "ru",
            {
                "timer": ("Таймер:", "3 дня"),
                "norm": "Норматив: 1 день",
                "lane": "Дорожка: Руководитель Инспектор профилактики",
            },
        ),
        (
            "uz",
            {"timer": ("Taymer:", "3 kun"), "norm": "Meʼyor: 1 kun", "lane": "Yoʻlak: Rahbar Profilaktika inspektori"},
        ),
        ("en", {"timer": ("Timer:", "3 days"), "norm": "Norm: 1 day", "lane": "Lane: Supervisor Prevention inspector"}),
    ],
)
def test_compare_names_attributes_durations_and_lanes_in_the_readers_language(
    world: World, bundled: ProcessVersion, as_user: Any, language: str, expected: dict[str, Any]
) -> None:
    newer = publish_files(PROCESS, _retimed(bundled.files, "P3D", "P1D"), actor=world.methodologist, note="3 days")
    _draft(_retimed(bundled.files, "P2W", "PT12H"), newer)
    world.methodologist.language = language
    db.session.commit()
    html = as_user(world.methodologist).get(f"/processes/{PROCESS}/compare?from={bundled.id}&to={newer.id}")
    html_text = html.get_data(as_text=True)
    timer = _attributes(html_text, "call_resolution_overdue")
    label, words = expected["timer"]
    assert timer["timer"].startswith(label) and timer["timer"].endswith(words), timer  # deadline_at → 3 days
    assert "P3D" not in timer["timer"]
    review = _attributes(html_text, "review_overdue_case")
    assert review["lane"] == expected["lane"], review  # the roles by their labels, not their codes
    # The draft against the newer version: both sides of the norm in words.
    draft = as_user(world.methodologist).get(f"/processes/{PROCESS}/compare?from={newer.id}&to=draft")
    review = _attributes(draft.get_data(as_text=True), "review_overdue_case")
    assert expected["norm"] in review["properties"] and "PT12H" not in review["properties"], review
    timer = _attributes(draft.get_data(as_text=True), "call_resolution_overdue")
    assert "P2W" not in timer["timer"] and "P3D" not in timer["timer"], timer


def _problems(html: str) -> list[str]:
    return [" ".join(e.text.split()) for e in parse(html) if "diagram-problem" in e.classes]


def test_a_malformed_draft_gets_a_clear_message_not_a_500(world: World, bundled: ProcessVersion, as_user: Any) -> None:
    files = dict(bundled.files)
    files["appeal_analysis.bpmn"] = files["appeal_analysis.bpmn"].replace("</bpmn:process>", "", 1)
    _draft(files, bundled)
    client = as_user(world.methodologist)
    compare = client.get(f"/processes/{PROCESS}/compare?from={bundled.id}&to=draft")
    assert compare.status_code == 200
    [problem] = _problems(compare.get_data(as_text=True))
    assert problem.startswith("appeal_analysis.bpmn") and "XML buzilgan" in problem  # in the user's language
    sandbox = client.get(f"/processes/{PROCESS}/sandbox")
    started = client.post(
        f"/processes/{PROCESS}/sandbox",
        data={"csrf_token": csrf_token(sandbox.get_data(as_text=True)), "source": "draft", "start_data": "{}"},
    )
    assert started.status_code == 200 and _problems(started.get_data(as_text=True))
    assert _count(SandboxRun) == 0


def test_a_draft_the_engine_refuses_names_the_element(world: World, bundled: ProcessVersion, as_user: Any) -> None:
    files = dict(bundled.files)
    files["appeal_analysis.bpmn"] = files["appeal_analysis.bpmn"].replace('name="inspector"', 'name="nobody"', 1)
    _draft(files, bundled)
    client = as_user(world.methodologist)
    page = client.get(f"/processes/{PROCESS}/sandbox")
    started = client.post(
        f"/processes/{PROCESS}/sandbox",
        data={"csrf_token": csrf_token(page.get_data(as_text=True)), "source": "draft", "start_data": "{}"},
    )
    assert started.status_code == 200
    assert any(
        "#analyse_appeal" in problem and "nobody" in problem for problem in _problems(started.get_data(as_text=True))
    )
    assert _count(SandboxRun) == 0


def test_bad_start_data_is_a_form_error(world: World, bundled: ProcessVersion, as_user: Any) -> None:
    client = as_user(world.methodologist)
    page = client.get(f"/processes/{PROCESS}/sandbox")
    token = csrf_token(page.get_data(as_text=True))
    for bad in ("{not json", "[1, 2]"):
        answer = client.post(
            f"/processes/{PROCESS}/sandbox", data={"csrf_token": token, "source": str(bundled.id), "start_data": bad}
        )
        assert answer.status_code == 200
        assert [
            e
            for e in parse(answer.get_data(as_text=True))
            if e.get("name") == "start_data" and "is-invalid" in e.classes
        ]
    admin = as_user(world.admin)
    admin_token = csrf_token(admin.get(f"/processes/{PROCESS}/sandbox").get_data(as_text=True))
    refused = admin.post(
        f"/processes/{PROCESS}/sandbox", data={"csrf_token": admin_token, "source": str(bundled.id), "start_data": "{}"}
    )
    assert refused.status_code == 403
    assert _count(SandboxRun) == 0


def test_migrate_page_dry_run_then_move_the_selected_case(world: World, bundled: ProcessVersion, as_user: Any) -> None:
    appeal = register(world)
    drive_to(world, appeal, "analyse_appeal")
    target = publish_files(PROCESS, with_step_after_analysis(bundled.files), note="new step")
    world.methodologist.language = "en"
    db.session.commit()
    client = as_user(world.methodologist)
    url = f"/processes/{PROCESS}/migrate?to={target.id}"
    page = client.get(url)
    html = page.get_data(as_text=True)
    [row] = [e for e in parse(html) if e.tag == "tr" and e.get("data-appeal") == appeal.number]
    assert row.get("data-movable") == "yes"
    instance_id = db.session.scalar(select(ProcessInstance.id).where(ProcessInstance.appeal_id == appeal.id))

    assert client.post(url, data={"case": str(instance_id)}).status_code == 400  # no CSRF token
    admin = as_user(world.admin)
    admin_token = csrf_token(admin.get(url).get_data(as_text=True))
    assert admin.post(url, data={"csrf_token": admin_token, "case": str(instance_id)}).status_code == 403
    db.session.expire_all()
    assert db.session.get(ProcessInstance, instance_id).process_version_id == bundled.id  # type: ignore[union-attr]

    moved = client.post(url, data={"csrf_token": csrf_token(html), "case": str(instance_id)}, follow_redirects=True)
    assert moved.status_code == 200
    assert "1 case(s) moved" in moved.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ProcessInstance, instance_id).process_version_id == target.id  # type: ignore[union-attr]


def test_migrate_page_explains_why_a_case_cannot_move(world: World, bundled: ProcessVersion, as_user: Any) -> None:
    appeal = register(world)
    drive_to(world, appeal, "analyse_appeal")
    target = publish_files(PROCESS, without_analysis_task(bundled.files))
    world.methodologist.language = "en"
    db.session.commit()
    html = as_user(world.methodologist).get(f"/processes/{PROCESS}/migrate?to={target.id}").get_data(as_text=True)
    [row] = [e for e in parse(html) if e.tag == "tr" and e.get("data-appeal") == appeal.number]
    assert row.get("data-movable") == "no"
    assert not [e for e in row.inner if e.get("name") == "case"]  # nothing to tick
    assert "(analyse_appeal) no longer exists in the new version" in " ".join(row.text.split())


def _start_run(client: FlaskClient, source: str) -> str:
    page = client.get(f"/processes/{PROCESS}/sandbox")
    html = page.get_data(as_text=True)
    [textarea] = [e for e in parse(html) if e.tag == "textarea" and e.get("name") == "start_data"]
    started = client.post(
        f"/processes/{PROCESS}/sandbox",
        data={"csrf_token": csrf_token(html), "source": source, "start_data": textarea.text.strip()},
    )
    assert started.status_code == 302, started.get_data(as_text=True)[:400]
    return str(started.headers["Location"])


def test_a_sandbox_run_steps_through_the_draft_without_real_cases(
    world: World, bundled: ProcessVersion, as_user: Any
) -> None:
    _draft(with_step_after_analysis(bundled.files), bundled)
    client = as_user(world.methodologist)
    run_url = _start_run(client, "draft")
    page = client.get(run_url)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    names = {e.get("name") for e in parse(html) if e.tag in ("input", "select", "textarea")}
    assert {"kind", "category", "within_competence"} <= names  # check_registration's form, from the diagram
    task_id = next(e.get("value") for e in parse(html) if e.get("name") == "task_id")
    done = client.post(
        run_url,
        data={"csrf_token": csrf_token(html), "task_id": task_id, **browser_form(ANSWERS["check_registration"])},
    )
    assert done.status_code == 302
    html = client.get(run_url).get_data(as_text=True)
    assert 'name="causes"' in html  # analyse_appeal waits now
    task_id = next(e.get("value") for e in parse(html) if e.get("name") == "task_id")
    client.post(
        run_url, data={"csrf_token": csrf_token(html), "task_id": task_id, **browser_form(ANSWERS["analyse_appeal"])}
    )
    run = db.session.scalars(select(SandboxRun)).one()
    db.session.refresh(run)
    assert "appeal_analysis:analyse_appeal" in run.path
    html = client.get(run_url).get_data(as_text=True)
    assert 'name="analysis_confirmed"' in html  # the draft's new step
    diagrams = client.get(f"{run_url}/diagrams.json").get_json()["diagrams"]
    analysis = next(d for d in diagrams if d["process_id"] == "appeal_analysis")
    assert "analyse_appeal" in analysis["done"] and analysis["current"] == ["confirm_analysis"]
    assert client.get(analysis["xml_url"]).status_code == 200
    assert (_count(Appeal), _count(ProcessInstance), _count(PendingTask), _count(Notification)) == (0, 0, 0, 0)


def test_fire_the_next_timer_of_a_sandbox_run(world: World, bundled: ProcessVersion, as_user: Any) -> None:
    client = as_user(world.methodologist)
    run_url = _start_run(client, str(bundled.id))
    html = client.get(run_url).get_data(as_text=True)
    task_id = next(e.get("value") for e in parse(html) if e.get("name") == "task_id")
    done = client.post(
        run_url,
        data={"csrf_token": csrf_token(html), "task_id": task_id, **browser_form(ANSWERS["check_registration"])},
    )
    assert done.status_code == 302, done.get_data(as_text=True)
    html = client.get(run_url).get_data(as_text=True)
    assert "sandbox/" in html and "/timers" in html
    fired = client.post(f"{run_url}/timers", data={"csrf_token": csrf_token(html)})
    assert fired.status_code == 302
    run = db.session.scalars(select(SandboxRun)).one()
    db.session.refresh(run)
    assert "appeal_analysis:analyse_appeal_reminder" in run.path, str(run.path[-8:])
    assert _count(Notification) == 0
    assert client.post(f"{run_url}/timers").status_code == 400  # CSRF


def test_a_sandbox_run_refers_to_two_partners_and_their_timers_fire(
    world: World, bundled: ProcessVersion, as_user: Any
) -> None:
    """The sandbox's sample data carries each partner kind's referral moments (issue 20)."""
    client = as_user(world.methodologist)
    run_url = _start_run(client, str(bundled.id))
    steps = (
        ("check_registration", ANSWERS["check_registration"]),
        ("analyse_appeal", {**ANSWERS["analyse_appeal"], "crime_related": True}),
        ("refer_law_enforcement", {**ANSWERS["refer_law_enforcement"], "law_also_health": True}),
    )
    for _name, values in steps:
        html = client.get(run_url).get_data(as_text=True)
        task_id = next(e.get("value") for e in parse(html) if e.get("name") == "task_id")
        done = client.post(run_url, data={"csrf_token": csrf_token(html), "task_id": task_id, **browser_form(values)})
        assert done.status_code == 302, done.get_data(as_text=True)[:400]
    html = client.get(run_url).get_data(as_text=True)
    fired = client.post(f"{run_url}/timers", data={"csrf_token": csrf_token(html)})
    assert fired.status_code == 302
    run = db.session.scalars(select(SandboxRun)).one()
    db.session.refresh(run)
    # one reminder per partner: the police's and the health facility's referral
    assert run.path.count("partner_referral:acknowledge_referral_reminder") == 2, str(run.path[-8:])


def test_a_run_is_its_owners_only(world: World, bundled: ProcessVersion, as_user: Any) -> None:
    run_url = _start_run(as_user(world.methodologist), str(bundled.id))
    other = make_user("methodologist2", Role.METHODOLOGIST)
    db.session.commit()
    assert as_user(other).get(run_url).status_code == 404
    assert as_user(world.admin).get(run_url).status_code == 404
    assert as_user(world.inspector).get(run_url).status_code == 403


def test_process_actions_partial_links_to_the_pages(world: World, bundled: ProcessVersion, app: Flask) -> None:
    newer = publish_files(PROCESS, relabelled(bundled.files))
    db.session.commit()
    with app.test_request_context():
        html = render_template("process_changes/_process_actions.html", process_id=PROCESS, versions=[newer, bundled])
    links = [e.get("href") for e in parse(html) if e.tag == "a"]
    assert f"/processes/{PROCESS}/compare?from={bundled.id}&to={newer.id}" in links
    assert f"/processes/{PROCESS}/compare?from={newer.id}&to=draft" in links
    assert f"/processes/{PROCESS}/migrate?to={newer.id}" in links
    assert f"/processes/{PROCESS}/sandbox" in links
