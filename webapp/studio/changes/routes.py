"""Pages for changing procedures safely: compare versions, migrate running cases, sandbox test runs.

Methodologists use them; administrators may look (GET) but not act.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import Field

from engine import DiagramError, DiagramProblem, EngineStepFailed, FormInvalid, TaskNotReady
from forms import apply_engine_errors, build_form_class, engine_values, prefill
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role
from webapp.platform.engine_messages import problem_dicts, step_failure_message
from webapp.platform.query_params import Id, QueryModel, query
from webapp.platform.timeutil import local_today
from webapp.studio.changes import labels, service
from webapp.studio.changes.forms import ActionForm, SandboxStartForm
from webapp.studio.changes.messages import blocker_message, failure_message
from webapp.templating import version_label

blueprint = Blueprint("process_changes", __name__, url_prefix="/processes")

READERS = (Role.METHODOLOGIST.value, Role.ADMIN.value)
EDITORS = (Role.METHODOLOGIST.value,)


def _versions_or_404(process_id: str) -> list[Any]:
    versions = service.versions_of(process_id)
    if not versions:
        abort(404)
    return versions


def _process_versions_or_404(process_id: str) -> list[Any]:
    """Versions of a lineage that runs cases: decision tables alone have none to move or test-run."""
    versions = _versions_or_404(process_id)
    if not service.runs_cases(versions[0]):
        abort(404)
    return versions


def _may_edit() -> bool:
    return bool(current_user.has_role(*EDITORS))


def _refuse_readers() -> None:
    if request.method == "POST" and not _may_edit():
        abort(403)


def _translated(text: str) -> str:
    """A diagram's own text in the user's language (its msgid comes from the BPMN)."""
    return _(text) if text else ""


def _failure_problems(failed: EngineStepFailed) -> list[dict[str, Any]]:
    """A failed sandbox step shown like a diagram problem, on its element."""
    return problem_dicts([DiagramProblem(failed.code, failed.params, failed.element_id)])


def _xml_response(document: str | None) -> Any:
    if document is None:
        abort(404)
    response = Response(document, mimetype="application/xml")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    return response


# --- compare -----------------------------------------------------------------------------------


VERSION_REF = r"^([0-9]{1,9}|draft)$"  # a version's id, or the draft


class CompareArgs(QueryModel):
    before: str | None = Field(None, alias="from", pattern=VERSION_REF)
    after: str | None = Field(None, alias="to", pattern=VERSION_REF)


class MigrateArgs(QueryModel):
    to: Id | None = None  # the version to move cases onto (the newest by default)


class RunArgs(QueryModel):
    task: str = Field("", max_length=64)  # the sandbox task opened (the first waiting one by default)


@blueprint.route("/<process_id>/compare")
@roles_required(*READERS)
def compare(process_id: str) -> Any:
    versions = _versions_or_404(process_id)
    draft = service.draft_of(process_id)
    default_from = str(versions[1].id) if len(versions) > 1 else str(versions[0].id)
    args = query(CompareArgs)
    before = args.before or default_from
    after = args.after or (service.DRAFT if draft else str(versions[0].id))
    error = None
    try:
        comparison = service.compare(process_id, before, after)
    except DiagramError as broken:
        comparison, error = None, problem_dicts(broken.problems)
    if comparison is None and error is None:
        flash(_("Choose two versions of this process to compare."), "warning")
    return render_template(
        "process_changes/compare.html",
        process_id=process_id,
        versions=versions,
        draft=draft,
        before=before,
        after=after,
        comparison=comparison,
        problems=error,
        attribute_label=labels.attribute_label,
        attribute_value=labels.attribute_value,
        element_type_label=labels.element_type_label,
    )


@blueprint.route("/<process_id>/compare/<ref>/<file_name>")
@roles_required(*READERS)
def compare_file(process_id: str, ref: str, file_name: str) -> Any:
    files = service.files_of(process_id, ref)
    return _xml_response(files.get(file_name) if files else None)


# --- migrate -----------------------------------------------------------------------------------


@blueprint.route("/<process_id>/migrate", methods=["GET", "POST"])
@roles_required(*READERS)
def migrate(process_id: str) -> Any:
    _refuse_readers()
    versions = _process_versions_or_404(process_id)
    target_id = query(MigrateArgs).to or versions[0].id
    target = service.version_of(process_id, target_id)
    if target is None:
        abort(404)
    form = ActionForm()
    if form.validate_on_submit():
        chosen = [int(value) for value in request.form.getlist("case") if value.isdecimal()]
        if not chosen:
            flash(_("Choose the cases to move."), "warning")
        else:
            report = service.migrate_cases(process_id, target, current_user, chosen)
            if report.moved:
                flash(
                    _(
                        "%(count)d case(s) moved to %(version)s.",
                        count=len(report.moved),
                        version=version_label(target),
                    ),
                    "success",
                )
            for failure in report.failed:
                flash(failure_message(failure), "danger")
            return redirect(url_for("process_changes.migrate", process_id=process_id, to=target.id))
    plans = service.migration_plan(process_id, target)
    return render_template(
        "process_changes/migrate.html",
        process_id=process_id,
        versions=versions,
        target=target,
        plans=plans,
        form=form,
        may_edit=_may_edit(),
        blocker_message=blocker_message,
    )


# --- sandbox -----------------------------------------------------------------------------------


def _source_choices(process_id: str, versions: list[Any]) -> list[tuple[str, str]]:
    choices = [(service.DRAFT, _("Draft"))] if service.draft_of(process_id) else []
    return choices + [(str(v.id), _("Version %(id)d", id=v.id)) for v in versions]


@blueprint.route("/<process_id>/sandbox", methods=["GET", "POST"])
@roles_required(*READERS)
def sandbox(process_id: str) -> Any:
    _refuse_readers()
    versions = _process_versions_or_404(process_id)
    form = SandboxStartForm()
    form.source.choices = _source_choices(process_id, versions)
    if not form.is_submitted():
        form.start_data.data = json.dumps(
            service.sample_start_data(process_id, local_today()), ensure_ascii=False, indent=2
        )
    problems = None
    if form.validate_on_submit():
        try:
            run = service.start_run(current_user, process_id, form.source.data, form.start_data.parsed)
        except DiagramError as broken:
            problems = problem_dicts(broken.problems)
        except EngineStepFailed as failed:
            problems = _failure_problems(failed)
        else:
            if run is None:
                abort(404)
            return redirect(url_for("process_changes.sandbox_run", process_id=process_id, run_id=run.id))
    return render_template(
        "process_changes/sandbox.html",
        process_id=process_id,
        versions=versions,
        form=form,
        runs=service.runs_of(current_user, process_id),
        problems=problems,
        may_edit=_may_edit(),
    )


def _run_or_404(process_id: str, run_id: int) -> Any:
    run = service.run_of(current_user, process_id, run_id)
    if run is None:
        abort(404)
    return run


@blueprint.route("/<process_id>/sandbox/<int:run_id>", methods=["GET", "POST"])
@roles_required(*READERS)
def sandbox_run(process_id: str, run_id: int) -> Any:
    _refuse_readers()
    run = _run_or_404(process_id, run_id)
    problems: list[dict[str, Any]] | None = None
    try:
        tasks = service.run_tasks(run)
    except DiagramError as broken:
        tasks, problems = [], problem_dicts(broken.problems)
    wanted = request.form.get("task_id") or query(RunArgs).task
    task = next((t for t in tasks if t.id == wanted), tasks[0] if tasks else None)
    form = None
    if task is not None:
        form = build_form_class(task.form)(data=prefill(task.form, task.prefill))
        if form.validate_on_submit():
            try:
                service.complete_run_task(run, task.id, engine_values(form, task.form, request.form.get("decision")))
            except FormInvalid as invalid:
                apply_engine_errors(form, invalid.errors)
            except TaskNotReady:
                flash(_("This task is no longer waiting."), "warning")
                return redirect(url_for("process_changes.sandbox_run", process_id=process_id, run_id=run.id))
            except EngineStepFailed as failed:
                problems = _failure_problems(failed)
            else:
                flash(_("Task \u201c%(title)s\u201d completed.", title=_(task.title)), "success")
                return redirect(url_for("process_changes.sandbox_run", process_id=process_id, run_id=run.id))
        elif form.is_submitted():
            flash(_("Please correct the highlighted fields."), "danger")
    return render_template(
        "process_changes/sandbox_run.html",
        process_id=process_id,
        run=run,
        tasks=tasks,
        task=task,
        form=form,
        timer_form=ActionForm(formdata=None),
        next_timer=service.next_timer(run) if problems is None else None,
        problems=problems,
        may_edit=_may_edit(),
    )


@blueprint.route("/<process_id>/sandbox/<int:run_id>/timers", methods=["POST"])
@roles_required(*EDITORS)
def sandbox_timers(process_id: str, run_id: int) -> Any:
    run = _run_or_404(process_id, run_id)  # the CSRF token is checked for every POST (CSRFProtect)
    try:
        fired = service.fire_next_timer(run)
    except EngineStepFailed as failed:
        flash(
            _(
                "The procedure stopped at %(element)s: %(message)s",
                element=failed.element_id or "?",
                message=step_failure_message(failed),
            ),
            "danger",
        )
    else:
        flash(_("The next timer fired.") if fired else _("No timer is waiting."), "success" if fired else "info")
    return redirect(url_for("process_changes.sandbox_run", process_id=process_id, run_id=run.id))


@blueprint.route("/<process_id>/sandbox/<int:run_id>/diagrams.json")
@roles_required(*READERS)
def sandbox_diagrams(process_id: str, run_id: int) -> Any:
    run = _run_or_404(process_id, run_id)
    try:
        pending = [task.name for task in service.run_tasks(run)]
    except DiagramError:
        return jsonify({"run": run.id, "diagrams": []})  # the run page names the problems
    entries = [
        {
            **entry,
            "title": _translated(entry["name"]),
            "xml_url": url_for(
                "process_changes.sandbox_file", process_id=process_id, run_id=run.id, file_name=entry["file"]
            ),
        }
        for entry in service.run_diagrams(run, pending)
    ]
    response = jsonify({"run": run.id, "diagrams": entries})
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.route("/<process_id>/sandbox/<int:run_id>/files/<file_name>")
@roles_required(*READERS)
def sandbox_file(process_id: str, run_id: int, file_name: str) -> Any:
    return _xml_response(service.run_document(_run_or_404(process_id, run_id), file_name))
