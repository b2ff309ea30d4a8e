"""The bottlenecks page: time spent in each user task, as a heat overlay on the process diagram.

/bottlenecks                              the page (filters, the diagram card, the table)
/bottlenecks/diagrams.json                the processes of the version with each task's figures
/bottlenecks/versions/<id>/<process>.bpmn a BPMN document of the version, for the viewer
/bottlenecks/export?format=csv|xlsx       the table, with the page's filters
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, jsonify, render_template, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from webapp.analytics.bottlenecks import service
from webapp.cases.element_names import element_label, lane_label, viewer_document
from webapp.platform import query_params
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role
from webapp.platform.query_params import BadParameter
from webapp.platform.tabular import FORMATS, export_response, requested_format
from webapp.studio.diagrams.service import version_diagram_xml

blueprint = Blueprint("bottlenecks", __name__, url_prefix="/bottlenecks")

PAGE_ROLES = (Role.SUPERVISOR.value, Role.ADMIN.value, Role.METHODOLOGIST.value)
FILTER_KEYS = ("version", "region", "district", "mahalla", "from", "to", "metric")
HOUR = 3600.0
DAY = 24 * HOUR


def duration_text(seconds: float | None) -> str:
    """A duration for people: minutes, hours or days, one decimal."""
    if seconds is None:
        return "—"
    if seconds < HOUR:
        return _("%(value)s min", value=format_decimal(round(seconds / 60), format="#,##0"))
    if seconds < DAY:
        return _("%(value)s h", value=format_decimal(round(seconds / HOUR, 1), format="#,##0.#"))
    return _("%(value)s d", value=format_decimal(round(seconds / DAY, 1), format="#,##0.#"))


def _query() -> tuple[service.Query | None, list[Any]]:
    """The request's filters (aborting with 403 outside the caller's territory)."""
    versions = service.lifecycle_versions()
    try:
        return service.query_from(current_user, query_params.query(service.BottleneckArgs), versions), versions
    except service.OutOfScope:
        abort(403)


def _filters(query: service.Query) -> dict[str, Any]:
    territory = query.territory
    return {
        "version": query.version.id,
        "region": territory.region.id if territory.region else None,
        "district": territory.district.id if territory.district else None,
        "mahalla": territory.mahalla.id if territory.mahalla else None,
        "from": query.date_from.isoformat(),
        "to": query.date_to.isoformat(),
        "metric": query.metric,
    }


@blueprint.route("")
@roles_required(*PAGE_ROLES)
def page() -> Any:
    query, versions = _query()
    figures = service.task_figures(current_user, query) if query is not None else None
    filters = _filters(query) if query is not None else {}
    return render_template(
        "bottlenecks/page.html",
        query=query,
        figures=figures,
        versions=versions,
        filters=filters,
        link_args={k: v for k, v in filters.items() if v not in (None, "")},
        choices=service.territory_choices(current_user),
        duration=duration_text,
        formats=FORMATS,
        process_titles={p.id: _(p.name) for p in service.diagram_order(figures)} if figures else {},
    )


def _heat(figures: service.Figures, task: service.TaskFigures) -> dict[str, Any]:
    return {
        "level": figures.level(task),
        "median": duration_text(task.median),
        "p90": duration_text(task.p90),
        "waiting": task.waiting,
        "completed": task.completed,
    }


def _stage_heat(figures: service.Figures, tasks: list[service.TaskFigures]) -> dict[str, Any]:
    """A call activity: its slowest task's colour and figures, and everything waiting inside it."""
    levels = [(figures.level(t), t) for t in tasks]
    measured = [(level, t) for level, t in levels if level is not None]
    slowest = max(measured, key=lambda pair: pair[0])[1] if measured else None
    return {
        "level": figures.level(slowest) if slowest else None,
        "median": duration_text(slowest.median) if slowest else "—",
        "p90": duration_text(slowest.p90) if slowest else "—",
        "waiting": sum(t.waiting for t in tasks),
        "completed": sum(t.completed for t in tasks),
        "stage": True,
    }


@blueprint.route("/diagrams.json")
@roles_required(*PAGE_ROLES)
def diagrams() -> Any:
    try:
        query, _versions = _query()
    except BadParameter as problem:
        error = {"status": 400, "message": problem.message, "field": problem.field, "fields": [problem.as_field()]}
        response = jsonify({"error": error})
        response.status_code = 400
        return response
    entries: list[dict[str, Any]] = []
    if query is not None:
        figures = service.task_figures(current_user, query)
        by_process: dict[str, list[service.TaskFigures]] = {}
        for task in figures.tasks:
            by_process.setdefault(task.process_id, []).append(task)
        for process in service.diagram_order(figures):
            heat = {task.name: _heat(figures, task) for task in by_process.get(process.id, [])}
            for call_id, called in process.calls:
                heat[call_id] = _stage_heat(figures, by_process.get(called, []))
            entries.append(
                {
                    "process_id": process.id,
                    "file": process.file,
                    "name": process.name,
                    "title": _(process.name),
                    "xml_url": url_for("bottlenecks.xml", version_id=query.version.id, process_id=process.id),
                    "done": [],
                    "current": [],
                    "heat": heat,
                }
            )
    response = jsonify({"diagrams": entries, "metric": query.metric if query else "median"})
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.route("/versions/<int:version_id>/<process_id>.bpmn")
@roles_required(*PAGE_ROLES)
def xml(version_id: int, process_id: str) -> Any:
    version = next((v for v in service.lifecycle_versions() if v.id == version_id), None)
    document = version_diagram_xml(version, process_id) if version is not None else None
    if document is None:
        abort(404)
    response = Response(viewer_document(document), mimetype="application/xml")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@blueprint.route("/export")
@roles_required(*PAGE_ROLES)
def export() -> Any:
    fmt = requested_format()
    query, _versions = _query()
    if query is None:
        abort(404)
    figures = service.task_figures(current_user, query)
    headers = [
        _("Stage"),
        _("Task"),
        _("Role"),
        _("Completed"),
        _("Median, hours"),
        _("90th percentile, hours"),
        _("Waiting now"),
    ]
    titles = {p.id: _(p.name) for p in service.diagram_order(figures)}
    rows = (
        [
            titles.get(task.process_id, task.process_id),
            element_label(task.name, task.title, query.version.id),
            lane_label(task.lane, query.version.id, task.name),
            task.completed,
            round(task.median / HOUR, 2) if task.median is not None else None,
            round(task.p90 / HOUR, 2) if task.p90 is not None else None,
            task.waiting,
        ]
        for task in figures.tasks
    )
    return export_response(fmt, f"bottlenecks-v{query.version.id}-{query.date_from}-{query.date_to}", headers, rows)
