"""The case page lists the reply letter; only users who see the case may download it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import World
from tests.webapp.cases import parse, path_of
from webapp.casework.appeals.models import Appeal, Document
from webapp.extensions import db
from webapp.platform.auth.models import User

AsUser = Callable[[User], FlaskClient]


def letter_id(appeal: Appeal) -> int:
    return int(db.session.scalar(select(Document.id).where(Document.appeal_id == appeal.id)) or 0)


def test_case_page_links_the_letter(world: World, answered: Appeal, as_user: AsUser) -> None:
    html = as_user(world.inspector).get(f"/appeals/{answered.number}").get_data(as_text=True)
    links = [e.get("href") for e in parse(html) if e.tag == "a" and e.get("download")]
    assert links == [f"/appeals/{answered.number}/documents/{letter_id(answered)}.pdf"]


@pytest.mark.parametrize("who", ["inspector", "supervisor", "region_supervisor", "admin"])
def test_users_who_see_the_case_download_the_pdf(world: World, answered: Appeal, as_user: AsUser, who: str) -> None:
    response = as_user(getattr(world, who)).get(f"/appeals/{answered.number}/documents/{letter_id(answered)}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="murojaat-{answered.number}-javob.pdf"'
    assert response.data.startswith(b"%PDF-")


@pytest.mark.parametrize("who", ["foreign_inspector", "inspector2", "foreign_supervisor"])
def test_other_territories_get_404(world: World, answered: Appeal, as_user: AsUser, who: str) -> None:
    response = as_user(getattr(world, who)).get(f"/appeals/{answered.number}/documents/{letter_id(answered)}.pdf")
    assert response.status_code == 404


def test_methodologist_is_forbidden(world: World, answered: Appeal, as_user: AsUser) -> None:
    response = as_user(world.methodologist).get(f"/appeals/{answered.number}/documents/{letter_id(answered)}.pdf")
    assert response.status_code == 403


def test_document_of_another_case_is_404(world: World, answered: Appeal, as_user: AsUser) -> None:
    response = as_user(world.inspector).get(f"/appeals/2026-999999/documents/{letter_id(answered)}.pdf")
    assert response.status_code == 404


def test_anonymous_is_sent_to_login(client: FlaskClient, answered: Appeal) -> None:
    response = client.get(f"/appeals/{answered.number}/documents/{letter_id(answered)}.pdf")
    assert response.status_code == 302
    assert path_of(response.headers["Location"]).startswith("/login")
