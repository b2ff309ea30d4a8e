"""An embedded sub-process drawn as our modeler (bpmn-js) draws it validates and publishes."""

from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import func, select

from tests.conftest import World
from tests.process_library.test_library import BASE, ClientFor, draft_file, english, post, save_xml, start_draft
from webapp.cases.models import ProcessVersion
from webapp.extensions import db

DIAGRAM = Path(__file__).resolve().parents[1] / "engine" / "diagrams" / "embedded_subprocess.bpmn"


def test_an_embedded_subprocess_drawn_in_the_modeler_validates_and_publishes(world: World, as_user: ClientFor) -> None:
    client = english(as_user(world.methodologist))
    start_draft(client)
    upload = (io.BytesIO(DIAGRAM.read_bytes()), "home_check.bpmn")
    response = post(client, f"{BASE}/draft/files", {"name": "home_check.bpmn", "upload": upload})
    assert response.status_code == 302, response.get_data(as_text=True)  # type: ignore[attr-defined]
    saved = save_xml(client, "home_check.bpmn", draft_file("home_check.bpmn"))
    body = saved.get_json()  # type: ignore[attr-defined]
    assert body["valid"] is True and body["errors"] == [] and body["warnings"] == [], body
    before = db.session.scalar(select(func.count()).select_from(ProcessVersion))
    published = post(client, f"{BASE}/publish", {"note": "Uyga tashrif kichik jarayoni"})
    assert published.status_code == 302, published.get_data(as_text=True)  # type: ignore[attr-defined]
    assert db.session.scalar(select(func.count()).select_from(ProcessVersion)) == before + 1
