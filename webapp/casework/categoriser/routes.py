"""The categoriser page (/categoriser) for methodologists: review corrections, retrain, publish, roll back.

Methodologists only (national: no territory). Every action is a CSRF-protected form and one
transaction in the service; a refused model shows both figures and publishes nothing.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length

from engine import MODEL_CATEGORIES, CorpusError
from webapp.casework.categoriser import service
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role

blueprint = Blueprint("categoriser", __name__, url_prefix="/categoriser")
METHODOLOGISTS = (Role.METHODOLOGIST.value,)


class ActionForm(FlaskForm):
    """A button (activate): CSRF only."""


class ReviewForm(FlaskForm):
    decision = StringField(validators=[DataRequired(), AnyOf(["accept", "reject"])])


class TrainForm(FlaskForm):
    note = TextAreaField(validators=[DataRequired(), Length(max=2000)])


def _page(train_form: TrainForm | None = None, refused: service.ModelRefused | None = None, status: int = 200) -> Any:
    serving, _model = service.serving_model()
    return (
        render_template(
            "categoriser/page.html",
            versions=service.versions(),
            serving=serving,
            pending=service.pending_corrections(),
            accepted=service.accepted_count(),
            categories=MODEL_CATEGORIES,
            form=ActionForm(),
            review_form=ReviewForm(),
            train_form=train_form or TrainForm(),
            refused=refused,
        ),
        status,
    )


@blueprint.get("")
@roles_required(*METHODOLOGISTS)
def page() -> Any:
    return _page()


@blueprint.post("/train")
@roles_required(*METHODOLOGISTS)
def train() -> Any:
    form = TrainForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    try:
        row = service.train_and_publish(current_user, form.note.data or "")
    except service.ModelRefused as refused:
        return _page(form, refused=refused, status=409)
    except (OSError, CorpusError, ValueError) as exc:
        flash(_("The categoriser could not be trained: %(reason)s", reason=str(exc)), "danger")
        return redirect(url_for("categoriser.page"))
    flash(_("Categoriser version %(version)s is published and active.", version=row.version), "success")
    return redirect(url_for("categoriser.page"))


@blueprint.post("/versions/<int:version>/activate")
@roles_required(*METHODOLOGISTS)
def activate(version: int) -> Any:
    if not ActionForm().validate_on_submit():
        abort(400)
    if service.activate(version) is None:
        abort(404)
    flash(_("Categoriser version %(version)s is active again.", version=version), "success")
    return redirect(url_for("categoriser.page"))


@blueprint.post("/corrections/<int:appeal_id>")
@roles_required(*METHODOLOGISTS)
def review(appeal_id: int) -> Any:
    form = ReviewForm()
    if not form.validate_on_submit():
        abort(400)
    accept = form.decision.data == "accept"
    if not service.review_correction(appeal_id, accept, current_user):
        abort(404)
    flash(_("Correction accepted into the corpus.") if accept else _("Correction rejected."), "success")
    return redirect(url_for("categoriser.page") + "#corrections")
