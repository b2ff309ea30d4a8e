"""The bottleneck page opens on the version with the most data in the period, not an empty one."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient

from tests.bottlenecks.conftest import Timed
from tests.conftest import World
from tests.webapp.cases import register
from webapp.analytics.bottlenecks import service
from webapp.cases.versions import current_version, publish_files
from webapp.extensions import db
from webapp.platform.auth.models import User


def test_the_page_opens_on_the_version_with_the_most_data(
    world: World, timed: Timed, as_user: Callable[[User], FlaskClient]
) -> None:
    measured = current_version()
    files = dict(measured.files)
    files["appeal_analysis.bpmn"] = files["appeal_analysis.bpmn"].replace("Sabablar va holatlar", "Sabablar", 1)
    newer = publish_files(measured.process_id, files, note="no figures yet")
    db.session.commit()
    register(world)  # a case runs on the newer version, but nothing of it is completed yet
    versions = service.lifecycle_versions()
    assert versions[0].id == newer.id

    query = service.query_from(world.supervisor, service.BottleneckArgs(), versions)

    assert query is not None and query.version.id == measured.id  # was: the newer, empty version
    figures = service.task_figures(world.supervisor, query)
    assert any(task.completed for task in figures.tasks)
    page = as_user(world.supervisor).get("/bottlenecks").get_data(as_text=True)
    assert f'<option value="{measured.id}" selected>' in page
