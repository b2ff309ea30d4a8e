"""The supervisor sees what they approve, and decides explicitly: the reply letter (text and PDF)
beside "Approve" and "Return with comments"; returning needs a comment, which the inspector then
sees on the returned task. The rule is the engine's, so the API and every approval obey it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from engine import FormDefinition, FormField, FormInvalid, validate_submission
from tests.conftest import World, csrf_token
from tests.webapp.cases import drive_to, pending_names, register
from tests.webapp.conftest import Api
from webapp.cases.models import PendingTask
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.platform.auth.models import User

LETTER = "Hurmatli fuqaro! Murojaatingiz boʻyicha koʻcha chiroqlari taʼmirlandi, rahmat."
Client = Callable[[User], FlaskClient]


@pytest.fixture
def approving(world: World) -> tuple[Appeal, PendingTask]:
    appeal = register(world, kind="shikoyat")
    task = drive_to(world, appeal, "approve_reply", {"prepare_reply": {"reply_text": LETTER}})
    return appeal, task


def test_the_approval_page_shows_the_letter_and_two_explicit_actions(
    world: World, approving: tuple[Appeal, PendingTask], as_user: Client
) -> None:
    appeal, task = approving
    client = as_user(world.supervisor)
    html = client.get(f"/tasks/{task.id}").get_data(as_text=True)

    assert LETTER in html and 'class="border rounded p-3 bg-light letter-text"' in html
    assert 'name="decision" value="approve"' in html and 'name="decision" value="return"' in html
    assert 'name="reply_approved"' not in html  # no switch that silently means "return"
    pdf = client.get(f"/appeals/{appeal.number}/letter-preview.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Disposition"].startswith("inline")
    assert as_user(world.foreign_supervisor).get(f"/appeals/{appeal.number}/letter-preview.pdf").status_code == 404


def test_no_decision_and_a_return_without_comment_are_refused(
    world: World, approving: tuple[Appeal, PendingTask], as_user: Client
) -> None:
    appeal, task = approving
    client = as_user(world.supervisor)
    token = csrf_token(client.get(f"/tasks/{task.id}").get_data(as_text=True))

    untouched = client.post(f"/tasks/{task.id}", data={"csrf_token": token, "reply_comment": ""})
    assert untouched.status_code == 200 and "decision-error" in untouched.get_data(as_text=True)
    bare_return = client.post(f"/tasks/{task.id}", data={"csrf_token": token, "decision": "return"})
    assert bare_return.status_code == 200
    assert pending_names(appeal) == ["approve_reply"]  # the letter was not silently sent back


def test_a_return_with_a_comment_reaches_the_inspector(
    world: World, approving: tuple[Appeal, PendingTask], as_user: Client
) -> None:
    appeal, task = approving
    client = as_user(world.supervisor)
    token = csrf_token(client.get(f"/tasks/{task.id}").get_data(as_text=True))
    comment = "Javobda koʻrilgan choralar sanasini koʻrsating."

    returned = client.post(
        f"/tasks/{task.id}", data={"csrf_token": token, "decision": "return", "reply_comment": comment}
    )

    assert returned.status_code == 302
    assert pending_names(appeal) == ["prepare_reply"]
    again = db.session.query(PendingTask).filter_by(appeal_id=appeal.id, name="prepare_reply").one()
    page = as_user(world.inspector).get(f"/tasks/{again.id}").get_data(as_text=True)
    assert "returned-note" in page and comment in page


def test_the_api_obeys_the_same_rule(
    world: World, approving: tuple[Appeal, PendingTask], bearer_api: Callable[[User], Api]
) -> None:
    _appeal, task = approving
    api = bearer_api(world.supervisor)
    task_id = task.id
    missing = api("POST", f"/tasks/{task_id}/complete", json={"reply_comment": ""})
    assert missing.status_code == 422
    assert [f["field"] for f in missing.get_json()["error"]["fields"]] == ["reply_approved"]
    no_comment = api("POST", f"/tasks/{task_id}/complete", json={"reply_approved": False})
    assert no_comment.status_code == 422
    assert [f["field"] for f in no_comment.get_json()["error"]["fields"]] == ["reply_comment"]
    assert api("POST", f"/tasks/{task_id}/complete", json={"reply_approved": True}).status_code == 200


def test_every_approval_of_the_diagrams_declares_itself(world: World) -> None:
    from webapp.cases.versions import current_version, library_for
    from webapp.prevention.registry.plans import plan_version

    approvals = {
        name: info.form.approval
        for version in (current_version(), plan_version())
        for name, info in library_for(version).user_tasks.items()
        if name.startswith("approve_")
    }
    assert set(approvals) == {"approve_conclusion", "approve_reply", "approve_plan", "approve_repeated_conclusion"}
    assert all(a is not None and a.shows for a in approvals.values())
    form = FormDefinition(
        "x",
        (
            FormField("ok", "boolean", "OK", properties={"approval": "why"}),
            FormField("why", "string", "Why"),
        ),
    )
    with pytest.raises(FormInvalid) as refused:
        validate_submission(form, {"why": "   "})
    assert [(e.field, e.code) for e in refused.value.errors] == [("ok", "decision_required")]
    with pytest.raises(FormInvalid) as refused:
        validate_submission(form, {"ok": False})
    assert [(e.field, e.code) for e in refused.value.errors] == [("why", "comment_required")]
