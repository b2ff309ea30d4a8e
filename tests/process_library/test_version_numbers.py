"""One vocabulary for versions: numbered once per lineage (vN) on every page; publishing the
content of an earlier version (a rollback) makes it current for new cases, visibly."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import World, csrf_token
from tests.webapp.cases import register
from webapp.cases.models import ProcessInstance, ProcessVersion
from webapp.cases.versions import APPEAL_PROCESS, current_version, latest_version, publish_files
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.studio.library import service as library

Client = Callable[[User], FlaskClient]


def _changed(files: dict[str, str]) -> dict[str, str]:
    changed = dict(files)
    changed["appeal_analysis.bpmn"] = changed["appeal_analysis.bpmn"].replace("Sabablar va holatlar", "Sabablar", 1)
    return changed


def test_versions_are_numbered_per_lineage(world: World) -> None:
    first = current_version()
    second = publish_files(APPEAL_PROCESS, _changed(first.files), note="v2")
    db.session.commit()
    assert (first.number, second.number) == (1, 2)
    risk = current_version("mahalla_risk")
    assert risk.number == 1  # another lineage counts on its own, whatever the ids


def test_a_rollback_publishes_the_earlier_content_as_the_current_version(world: World, as_user: Client) -> None:
    first = current_version()
    broken = publish_files(APPEAL_PROCESS, _changed(first.files), actor=world.methodologist, note="broken")
    db.session.commit()
    library.start_draft(APPEAL_PROCESS, world.methodologist)
    draft = library.draft_for(APPEAL_PROCESS)
    assert draft is not None
    draft.files = dict(first.files)  # the methodologist restores v1's documents
    db.session.commit()

    client = as_user(world.methodologist)
    page = client.get(f"/processes/{APPEAL_PROCESS}").get_data(as_text=True)
    response = client.post(
        f"/processes/{APPEAL_PROCESS}/publish",
        data={"csrf_token": csrf_token(page), "note": "v2 buzuq: v1 ga qaytamiz"},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)

    restored = latest_version(APPEAL_PROCESS)
    assert restored is not None and restored.id not in (first.id, broken.id)  # was: nothing created
    assert (restored.number, restored.content_hash, restored.note) == (
        3,
        first.content_hash,
        "v2 buzuq: v1 ga qaytamiz",
    )
    assert restored.created_by_id == world.methodologist.id
    assert "v3" in html and "v1" in html and "version-restores" in html
    appeal = register(world)
    started = db.session.scalar(
        select(ProcessInstance.process_version_id).where(ProcessInstance.appeal_id == appeal.id)
    )
    assert started == restored.id  # new cases start on the rollback, not on the broken v2


def test_every_page_names_versions_by_their_number(world: World, as_user: Client) -> None:
    first = current_version()
    publish_files(APPEAL_PROCESS, _changed(first.files), note="v2")
    db.session.commit()
    ids = sorted(v.id for v in db.session.query(ProcessVersion).filter_by(process_id=APPEAL_PROCESS))
    client = as_user(world.methodologist)
    for url in (
        f"/processes/{APPEAL_PROCESS}",
        f"/processes/{APPEAL_PROCESS}/migrate",
        f"/processes/{APPEAL_PROCESS}/compare",
        "/bottlenecks",
    ):
        html = client.get(url).get_data(as_text=True)
        assert "v2" in html, url
        assert "-versiya" not in html and "Version " not in html, url
        assert "{'id'" not in html and "{&#39;id&#39;" not in html, url  # a label, not a dict
    assert ids
