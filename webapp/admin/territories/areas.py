"""/admin/territories/areas: an admin uploads mahalla boundaries (GeoJSON) or an address register
(CSV) — the import behind the ``import-mahalla-*`` commands — and sees what was imported; generic
Open311 clients' locations are then placed in those mahallas."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.exceptions import RequestEntityTooLarge

from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role
from webapp.platform.territory import area_import
from webapp.platform.territory.area_messages import refusal_message

blueprint = Blueprint("territory_areas", __name__)

IMPORTS = {"boundaries": area_import.import_boundaries, "addresses": area_import.import_addresses}
LABELS = {"boundaries": _l("GeoJSON file (.geojson, .json)"), "addresses": _l("CSV file (UTF-8)")}


class AreaFileForm(FlaskForm):
    file = FileField(validators=[FileRequired(_l("Choose a file."))])


def _forms(posted: bool = False) -> dict[str, AreaFileForm]:
    """The two upload forms; ``posted``: read the request's (a fresh page otherwise)."""
    forms = {kind: AreaFileForm(prefix=kind, **({} if posted else {"formdata": None})) for kind in IMPORTS}
    for kind, form in forms.items():
        form.file.label.text = str(LABELS[kind])
    return forms


def _page(forms: dict[str, AreaFileForm], **context: Any) -> str:
    return render_template(
        "admin/territory_areas.html",
        forms=forms,
        loaded=area_import.loaded(),
        limit_mb=area_import.MAX_FILE_BYTES // (1024 * 1024),
        **context,
    )


@blueprint.route("/admin/territories/areas")
@roles_required(Role.ADMIN.value)
def page() -> Any:
    return _page(_forms())


@blueprint.route("/admin/territories/areas/<kind>", methods=["POST"])
@roles_required(Role.ADMIN.value)
def upload(kind: str) -> Any:
    """Import the uploaded file at once (it is checked whole first: a refusal changes nothing)."""
    if kind not in IMPORTS:
        abort(404)
    forms = _forms(posted=True)
    form = forms[kind]
    if not form.validate_on_submit():
        return _page(forms, failed=kind), 422
    data = form.file.data.stream.read(area_import.MAX_FILE_BYTES + 1)
    try:
        imported = IMPORTS[kind](area_import.decode(data), current_user)
    except area_import.ImportRefused as refused:
        form.file.errors = [refusal_message(refused)]
        return _page(forms, failed=kind), 422
    return _page(_forms(), imported=imported, filename=form.file.data.filename)


@blueprint.errorhandler(RequestEntityTooLarge)
def too_large(_error: RequestEntityTooLarge) -> Any:
    """A request over the server's limit is refused before the form is read: say so on the page."""
    if not current_user.is_authenticated or not current_user.has_role(Role.ADMIN.value):
        return render_template("error.html", status=413, message=_("The request is too large.")), 413
    refused = area_import.ImportRefused("too_large", limit=area_import.MAX_FILE_BYTES // (1024 * 1024))
    return _page(_forms(), too_large=refusal_message(refused)), 413
