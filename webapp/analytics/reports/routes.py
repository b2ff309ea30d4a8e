"""Monthly analytical reports: the page, the PDF (Uzbek, Russian) and the archive (/reports)."""

from __future__ import annotations

import datetime as dt
from typing import Any, NoReturn

from flask import Blueprint, Response, abort, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from pydantic import Field

from webapp.analytics.reports import figures, service
from webapp.analytics.reports.pdf import report_pdf
from webapp.analytics.stats.service import may_use_dashboards
from webapp.platform.query_params import QueryModel, query
from webapp.platform.timeutil import local_today

blueprint = Blueprint("reports", __name__, url_prefix="/reports")


def _guard() -> None:
    if not may_use_dashboards(current_user):
        abort(403)


def _refuse(status: int, message: str) -> NoReturn:
    """Stop the request with the error page and a specific message."""
    abort(make_response(render_template("error.html", status=status, message=message), status))


def _month(raw: str | None) -> dt.date:
    try:
        return service.parse_month(raw)
    except service.ReportInputError as error:
        _refuse(400, str(error.message))


def _report_context(scope: str, code: str, month: str) -> tuple[service.Territory, dt.date]:
    """The territory and the first day of the month of a report URL (400, 403 or 404 otherwise)."""
    _guard()
    first = _month(month)
    place = service.territory(scope, code) if scope in service.SCOPES else None
    if place is None:
        _refuse(404, _("There is no such district or region."))
    if not service.may_view(current_user, place):
        abort(403)
    return place, first


def _pdf_response(data: bytes, filename: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class ReportChoice(QueryModel):
    """The index's form: a month (YYYY-MM) and a territory (``district:<code>`` or ``region:<code>``)."""

    month: str | None = Field(None, pattern=r"^[0-9]{4}-[0-9]{2}$")
    territory: str | None = Field(None, max_length=60, pattern=r"^[a-z]+:[^:]+$")


@blueprint.route("")
@login_required
def index() -> Any:
    """Pick a territory and a month; the archive of monthly reports in the user's scope."""
    _guard()
    places = service.territories_for(current_user)
    default = service.default_territory(current_user)
    last_month = service.previous_month(local_today().replace(day=1))
    args = query(ReportChoice)
    if args.month is not None or args.territory is not None:
        scope, _sep, code = (args.territory or "").partition(":")
        first = _month(args.month)
        return redirect(url_for("reports.report", scope=scope or "x", code=code or "x", month=first.strftime("%Y-%m")))
    return render_template(
        "reports/index.html",
        places=places,
        default=default,
        month=last_month.strftime("%Y-%m"),
        archive=service.archived(current_user),
        report_languages=service.LANGUAGES,
    )


@blueprint.route("/<scope>/<code>/<month>")
@login_required
def report(scope: str, code: str, month: str) -> Any:
    place, first = _report_context(scope, code, month)
    content = service.build(place, first)
    return render_template(
        "reports/report.html",
        content=content,
        place=place,
        key_figures=figures.KEY_FIGURES,
        worse_when_up=figures.WORSE_WHEN_UP,
        format_value=figures.format_value,
        format_change=figures.format_change,
        report_languages=service.LANGUAGES,
        previous=service.previous_month(first).strftime("%Y-%m"),
        following=service.next_month(first).strftime("%Y-%m") if service.next_month(first) <= local_today() else None,
    )


@blueprint.route("/<scope>/<code>/<month>/pdf/<language>")
@login_required
def report_pdf_download(scope: str, code: str, month: str, language: str) -> Any:
    place, first = _report_context(scope, code, month)
    if language not in service.LANGUAGES:
        _refuse(400, _("The report is available in Uzbek (uz) and Russian (ru)."))
    data = report_pdf(service.build(place, first), language)
    return _pdf_response(data, f"hisobot-{place.code}-{first:%Y-%m}-{language}.pdf")


@blueprint.route("/archive/<int:report_id>.pdf")
@login_required
def archived_pdf(report_id: int) -> Any:
    _guard()
    stored = service.archived_report(current_user, report_id)
    if stored is None:
        abort(403 if service.archived_exists(report_id) else 404)
    return _pdf_response(stored.pdf, f"hisobot-{stored.territory_code}-{stored.month}-{stored.language}.pdf")
