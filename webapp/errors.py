"""Error pages for people and JSON errors for the API: never a bare 500.

This is the one place where errors become HTTP answers. Views raise a DomainError (NotFoundError,
ForbiddenError, ConflictError, ChangedMeanwhile) or let a BadParameter from the query-parameter parser
(webapp/platform/query_params.py) through; the handlers below choose the status and the translated
message, as a JSON body under /api/, as a flash and redirect when the error says where to go back,
or as the error page.

The case runtime's refusals (webapp/cases/instances.py: Conflict, CaseNotRunning, StepFailed; the
engine's TaskNotReady) are let through by the views too and answered here, each as its DomainError
(runtime_error). A view says beforehand where its page goes back to and whether it starts a case
(on_case_refusal); without that a page goes back to the referring page of this site, if any.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, flash, g, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from engine import EngineStepFailed, TaskNotReady
from webapp.cases.instances import CaseNotRunning, Conflict, StepFailed
from webapp.casework.supervision.messages import not_running_message
from webapp.platform.engine_messages import step_failure_message
from webapp.platform.query_params import BadParameter


class DomainError(Exception):
    """A refusal of the domain: ``status`` and a default translated message; ``back`` (a URL) makes
    pages flash the message and return there instead of showing the error page."""

    status = 400

    def __init__(self, message: str | None = None, *, back: str | None = None) -> None:
        super().__init__(message or "")
        self.message = message
        self.back = back

    def default_message(self) -> str:
        return _("The request could not be understood.")

    def text(self) -> str:
        return self.message or self.default_message()

    def fields(self) -> list[dict[str, str]]:
        """What the API names besides the message (``fields`` of its error body)."""
        return []


class NotFoundError(DomainError):
    status = 404

    def default_message(self) -> str:
        return _("Not found, or you do not have access to it.")


class ForbiddenError(DomainError):
    status = 403

    def default_message(self) -> str:
        return _("You do not have access to this page.")


class ConflictError(DomainError):
    status = 409

    def default_message(self) -> str:
        return _("The case was changed meanwhile. Reload and try again.")


def changed_meanwhile_message(what: str) -> str:
    """ "Someone else completed or changed this … meanwhile", defined once for each kind of work."""
    messages = {
        "case": _("Someone else completed or changed this case meanwhile. Here is its current state."),
        "plan": _("Someone else completed or changed this plan meanwhile. Here is its current state."),
        "review": _("Someone else completed or changed this review meanwhile. Here is its current state."),
    }
    return messages[what]


class ChangedMeanwhile(ConflictError):
    """A task was completed or its case changed by someone else: pages go back to ``back`` and say so."""

    def __init__(self, what: str, back: str) -> None:
        super().__init__(changed_meanwhile_message(what), back=back)


class CaseChanged(ConflictError):
    """The case runtime's Conflict or TaskNotReady where no page to go back to is known."""

    def default_message(self) -> str:
        return _("The task was completed or the case changed meanwhile. Reload and try again.")


class CaseStopped(ConflictError):
    """The case runtime's CaseNotRunning: the case is suspended or cancelled."""

    def __init__(self, status: str, *, back: str | None = None) -> None:
        super().__init__(back=back)
        self.case_status = status

    def default_message(self) -> str:
        return not_running_message(self.case_status)


class StepStopped(DomainError):
    """The case runtime's StepFailed: a script or condition of the diagram failed. Nothing of the step
    was saved; a running case stopped at the error as an incident (the methodologists' list), while a
    case that was starting was not saved at all."""

    status = 503

    def __init__(self, failure: EngineStepFailed, *, starts: bool = False, back: str | None = None) -> None:
        super().__init__(back=back)
        self.failure = failure
        self.starts = starts

    def reason(self) -> str:
        return step_failure_message(self.failure)

    def default_message(self) -> str:
        if self.starts:
            return _("The procedure could not start; nothing was saved.")
        return _(
            "The case stopped at an error after this step (%(element)s): %(reason)s Nothing of this step was "
            "saved; the error was reported to the methodologists.",
            element=self.failure.element_id or "?",
            reason=self.reason(),
        )

    def fields(self) -> list[dict[str, str]]:
        return [{"field": "", "code": "engine_step_failed", "message": self.reason()}]


@dataclass(frozen=True)
class CaseRefusal:
    """What a view said of the case runtime's refusals to come (see on_case_refusal)."""

    back: str | None = None
    what: str | None = None
    starts: bool = False


def on_case_refusal(back: str | None = None, *, what: str | None = None, starts: bool = False) -> None:
    """Said by a view before it runs the case runtime: if the runtime refuses, the page flashes the
    message and goes back to ``back``; ``what`` (case, plan, review) says that ``back`` shows that
    work's current state (ChangedMeanwhile); ``starts``: the action starts a case, so a step failure
    saved nothing and left no incident."""
    g.case_refusal = CaseRefusal(back, what, starts)


def _referrer() -> str | None:
    """The referring page when it is one of this site's (never an outside address)."""
    referrer = request.referrer
    if not referrer:
        return None
    parts = urlsplit(referrer)
    if parts.netloc and parts.netloc != request.host:
        return None
    return referrer


def runtime_error(error: Exception) -> DomainError:
    """The DomainError a refusal of the case runtime answers as (CaseNotRunning, Conflict,
    TaskNotReady, StepFailed), with where its page goes back to."""
    said: CaseRefusal = g.get("case_refusal") or CaseRefusal()
    back = said.back or _referrer()
    if isinstance(error, CaseNotRunning):
        return CaseStopped(error.status, back=back)
    if isinstance(error, StepFailed):
        return StepStopped(error.failure, starts=said.starts, back=back)
    if said.back is not None and said.what is not None:
        return ChangedMeanwhile(said.what, said.back)
    return CaseChanged(back=back)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def is_open311() -> bool:
    return request.path.startswith("/open311/")


def open311_error(status: int, message: str) -> Any:
    """Open311 clients get the GeoReport error list, as JSON or XML by the URL's suffix."""
    from webapp.intake.open311.formats import error_response, format_of_path

    return error_response(format_of_path(request.path), status, message)


def _json_error(status: int, message: str, **extra: Any) -> Any:
    response = jsonify({"error": {"status": status, "message": message, **extra}})
    response.status_code = status
    return response


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        message = _("The form has expired or was not sent from this site. Please try again.")
        return render_template("error.html", status=400, message=message), 400

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> Any:
        message = error.text()
        if is_open311():
            return open311_error(error.status, message)
        if wants_json():
            return _json_error(error.status, message, fields=error.fields())
        if error.back:
            flash(message, "danger" if error.status >= 500 else "warning")
            return redirect(error.back)
        return render_template("error.html", status=error.status, message=message), error.status

    def case_runtime_error(error: Exception) -> Any:
        return domain_error(runtime_error(error))

    for refusal in (Conflict, TaskNotReady, StepFailed):  # CaseNotRunning is a Conflict
        app.register_error_handler(refusal, case_runtime_error)

    @app.errorhandler(BadParameter)
    def bad_parameter(error: BadParameter) -> Any:
        if is_open311():
            return open311_error(400, error.message)
        if wants_json():
            return _json_error(400, error.message, fields=[error.as_field()])
        return render_template("error.html", status=400, message=error.message, parameter=error.field), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        status = error.code or 500
        messages = {
            400: _("The request could not be understood."),
            403: _("You do not have access to this page."),
            404: NotFoundError().text(),
            405: _("This method is not allowed here."),
            409: _("The case was changed meanwhile. Reload and try again."),
            413: _("The request is too large."),
            429: _("Too many requests. Please wait a minute and try again."),
        }
        message = messages.get(status, error.description or _("Something went wrong."))
        if is_open311():
            return open311_error(status, str(message))
        if wants_json():
            return _json_error(status, str(message))
        return render_template("error.html", status=status, message=message), status

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> Any:
        app.logger.exception("unhandled error on %s", request.path)
        message = _("Something went wrong on our side. The error has been recorded.")
        if is_open311():
            return open311_error(500, message)
        if wants_json():
            return _json_error(500, message)
        return render_template("error.html", status=500, message=message), 500
