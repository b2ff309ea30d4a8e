"""Form dates are checked against the range their diagram names (``date_min`` / ``date_max``):
a referral cannot be dated before the appeal's registration or in 2031; the message says why."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from engine import FormDefinition, FormField, FormInvalid, validate_submission
from engine.forms import resolve_date_bound
from tests.conftest import World, csrf_token
from tests.webapp.cases import answers, browser_form, drive_to, pending_names, register
from webapp.platform.auth.models import User
from webapp.platform.timeutil import local_today

Client = Callable[[User], FlaskClient]


def test_bounds_resolve_from_today_and_case_variables() -> None:
    today = dt.date(2026, 12, 3)
    context = {"registered_on": "2026-11-20"}
    assert resolve_date_bound("today+1y", context, today) == dt.date(2027, 12, 3)
    assert resolve_date_bound("registered_on", context, today) == dt.date(2026, 11, 20)
    assert resolve_date_bound("registered_on-30d", context, today) == dt.date(2026, 10, 21)
    assert resolve_date_bound("today+1m", {}, dt.date(2026, 1, 31)) == dt.date(2026, 2, 28)
    assert resolve_date_bound("unknown_variable", context, today) is None
    form = FormDefinition(
        "x", (FormField("d", "date", "D", properties={"date_min": "registered_on", "date_max": "today+1y"}),)
    )
    with pytest.raises(FormInvalid) as refused:
        validate_submission(form, {"d": "2031-01-01"}, context, today)
    found = [(e.field, e.code, e.params) for e in refused.value.errors]
    assert found == [("d", "date_too_late", {"max": "2027-12-03"})]
    assert validate_submission(form, {"d": "2026-12-01"}, context, today) == {"d": "2026-12-01"}


def test_a_referral_dated_2031_is_refused_with_a_clear_message(world: World, as_user: Client) -> None:
    appeal = register(world)
    task = drive_to(world, appeal, "refer_law_enforcement")
    client = as_user(world.inspector)
    token = csrf_token(client.get(f"/tasks/{task.id}").get_data(as_text=True))
    values = browser_form(answers("refer_law_enforcement", referral_date="2031-05-01"))

    page = client.post(f"/tasks/{task.id}", data={"csrf_token": token, **values})

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "is-invalid" in html and "dan keyin boʻlishi mumkin emas" in html
    assert pending_names(appeal) == ["refer_law_enforcement"]
    before = browser_form(answers("refer_law_enforcement", referral_date="2020-01-01"))
    assert client.post(f"/tasks/{task.id}", data={"csrf_token": token, **before}).status_code == 200
    fine = browser_form(answers("refer_law_enforcement", referral_date=local_today().isoformat()))
    assert client.post(f"/tasks/{task.id}", data={"csrf_token": token, **fine}).status_code == 302
