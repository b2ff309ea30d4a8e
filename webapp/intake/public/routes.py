"""Public pages for citizens, no log-in: file an appeal, track it, rate the answer."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, send_file, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import Field

from webapp.casework.appeals.deadlines import current_calendar
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.runtime import Conflict, StepFailed
from webapp.casework.ratings.service import Outcome, Rating, rate_appeal
from webapp.intake.public.forms import (
    ConfirmCodeForm,
    PublicAppealForm,
    RatingForm,
    RecoverCodeForm,
    TrackForm,
    WithdrawForm,
)
from webapp.intake.public.limits import appeal_form_limit, recovery_limit, tracking_limits
from webapp.intake.public.recovery import confirm_reset, request_reset
from webapp.intake.public.service import (
    CitizenAppeal,
    file_citizen_appeal,
    mahalla_choices,
    mahalla_contact,
    may_rate,
    normalise_number,
    reply_letter_pdf,
    session_token,
    tracked_appeal,
    tracked_by_session_token,
    tracking_view,
)
from webapp.intake.public.withdrawal import withdraw_appeal
from webapp.platform.auth.service import landing_endpoint
from webapp.platform.query_params import QueryModel, query

blueprint = Blueprint("public", __name__)


class MahallaChoice(QueryModel):
    mahalla: str = Field("", max_length=20)  # a mahalla's code (an unknown one shows no contact)


@blueprint.route("/")
def front_door() -> Any:
    """The public front door: file, track, what the law promises, how to reach the inspector.
    Signed-in staff go on to their own start page."""
    if current_user.is_authenticated:
        return redirect(url_for(landing_endpoint(current_user)))
    code = query(MahallaChoice).mahalla
    contact = mahalla_contact(code) if code else None
    return render_template(
        "public/front_door.html", mahallas=mahalla_choices(), chosen=code, contact=contact, calendar=current_calendar()
    )


ISSUED_KEY = "issued_appeal"  # number and code, shown once on the confirmation page
TRACKED_KEY = "tracked"  # number → session_token after a successful look-up (never the code)


@blueprint.route("/murojaat", methods=["GET", "POST"])
@appeal_form_limit
def appeal_form() -> Any:
    form = PublicAppealForm(mahallas=mahalla_choices())
    chosen = query(MahallaChoice).mahalla  # chosen on the front door
    if not form.is_submitted() and chosen:
        form.mahalla.data = chosen
    if form.is_submitted() and form.is_bot:
        abort(400)
    if form.validate_on_submit():
        anonymous = bool(form.anonymous.data)
        data = CitizenAppeal(
            mahalla_code=form.mahalla.data or "",
            kind=form.kind.data or "ariza",
            text=form.text.data or "",
            anonymous=anonymous,
            applicant_name="" if anonymous else form.applicant_name.data or "",
            applicant_phone=form.applicant_phone.data or "",
            applicant_email=form.applicant_email.data or "",
            address=form.address.data or "",
        )
        try:
            appeal = file_citizen_appeal(data)
        except StepFailed:
            flash(
                _("Your appeal could not be registered right now; nothing was saved. Please try again later."), "danger"
            )
        else:
            if appeal is None:
                form.mahalla.errors = [_("Choose your mahalla.")]
            else:
                session[ISSUED_KEY] = {"number": appeal.number, "code": appeal.issued_access_code}
                _remember(appeal)
                return redirect(url_for("public.appeal_sent"))
    elif form.is_submitted():
        flash(_("Please correct the highlighted fields."), "danger")
    return render_template("public/appeal_form.html", form=form)


@blueprint.route("/murojaat/yuborildi")
def appeal_sent() -> Any:
    issued = session.pop(ISSUED_KEY, None)
    if not issued:
        return redirect(url_for("public.track"))
    return render_template("public/appeal_sent.html", number=issued["number"], code=issued["code"])


def _remember(appeal: Appeal) -> None:
    tracked = dict(session.get(TRACKED_KEY) or {})
    tracked[appeal.number] = session_token(appeal)
    session[TRACKED_KEY] = dict(list(tracked.items())[-10:])  # a few appeals per browser


def _not_found(form: TrackForm) -> Any:
    """The one answer for an unknown number and a wrong code."""
    form.number.data = ""
    form.code.data = ""
    return render_template("public/track.html", form=form, not_found=True), 404


@blueprint.route("/kuzatish")
def track() -> Any:
    return render_template("public/track.html", form=TrackForm(), not_found=False)


@blueprint.route("/kuzatish", methods=["POST"])
@tracking_limits
def lookup() -> Any:
    form = TrackForm()
    if not form.validate():
        return render_template("public/track.html", form=form, not_found=False), 422
    number = normalise_number(form.number.data or "")
    appeal = tracked_appeal(number, form.code.data or "")
    if appeal is None:
        return _not_found(form)
    _remember(appeal)
    return redirect(url_for("public.status", number=appeal.number))


def _tracked_or_none(number: str) -> Appeal | None:
    token = (session.get(TRACKED_KEY) or {}).get(number)
    return tracked_by_session_token(number, token) if isinstance(token, str) else None


@blueprint.route("/kuzatish/<number>")
def status(number: str) -> Any:
    appeal = _tracked_or_none(number)
    if appeal is None:
        return redirect(url_for("public.track"))
    return render_template(
        "public/status.html", view=tracking_view(appeal), form=RatingForm(), withdraw_form=WithdrawForm()
    )


@blueprint.route("/kuzatish/<number>/javob.pdf")
def reply_letter(number: str) -> Any:
    appeal = _tracked_or_none(number)
    pdf = reply_letter_pdf(appeal) if appeal is not None else None
    if appeal is None or pdf is None:
        abort(404)
    response = send_file(BytesIO(pdf), mimetype="application/pdf", download_name=f"javob-{appeal.number}.pdf")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blueprint.route("/kuzatish/<number>/qaytarib-olish", methods=["POST"])
def withdraw(number: str) -> Any:
    """The citizen withdraws the appeal: its case closes at whatever stage it is."""
    appeal = _tracked_or_none(number)
    if appeal is None:
        return redirect(url_for("public.track"))
    form = WithdrawForm()
    if not form.validate_on_submit():
        flash(_("Please correct the highlighted fields."), "danger")
        page = render_template("public/status.html", view=tracking_view(appeal), form=RatingForm(), withdraw_form=form)
        return page, 422
    try:
        withdrawn = withdraw_appeal(appeal, form.reason.data or "")
    except (Conflict, StepFailed):
        withdrawn = False
    if withdrawn:
        flash(_("Your appeal has been withdrawn and its case is closed."), "success")
    else:
        flash(_("This appeal is already closed; it cannot be withdrawn."), "warning")
    return redirect(url_for("public.status", number=appeal.number))


@blueprint.route("/kuzatish/<number>/baho", methods=["POST"])
def rate(number: str) -> Any:
    appeal = _tracked_or_none(number)
    if appeal is None:
        return redirect(url_for("public.track"))
    form = RatingForm()
    if not may_rate(appeal):
        flash(_("This appeal cannot be rated now."), "warning")
        return redirect(url_for("public.status", number=appeal.number))
    if not form.validate_on_submit():
        flash(_("Please correct the highlighted fields."), "danger")
        page = render_template(
            "public/status.html", view=tracking_view(appeal), form=form, withdraw_form=WithdrawForm()
        )
        return page, 422
    rating = Rating(
        score=int(form.score.data or 0), resolved=form.resolved.data == "yes", comment=(form.comment.data or "").strip()
    )
    try:
        result = rate_appeal(appeal, rating)
    except (Conflict, StepFailed):
        flash(_("Your rating could not be saved right now. Please try again."), "danger")
        return redirect(url_for("public.status", number=appeal.number))
    messages = {
        Outcome.RECORDED: _("Thank you for your rating."),
        Outcome.REOPENED: _("Thank you. Your appeal has been reopened and the supervisor has been informed."),
        Outcome.ESCALATED: _("Thank you. The supervisor has been informed and will review your appeal."),
        Outcome.NEW_APPEAL: _(
            "Thank you. Your appeal was closed, so a new appeal was registered and the supervisor was informed."
        ),
    }
    flash(messages[result.outcome], "success")
    if result.new_appeal is not None:
        new = result.new_appeal
        _remember(new)
        return render_template(
            "public/appeal_sent.html", number=result.new_appeal.number, code=result.new_appeal.issued_access_code
        )
    return redirect(url_for("public.status", number=appeal.number))


RESET_KEY = "code_reset"  # the token of this browser's lost-code request


@blueprint.route("/kuzatish/kod", methods=["GET", "POST"])
@recovery_limit
def recover_code() -> Any:
    """Lost my code: the number and phone; the same answer whether or not they match."""
    form = RecoverCodeForm()
    if form.validate_on_submit():
        session[RESET_KEY] = request_reset(normalise_number(form.number.data or ""), form.phone.data or "")
        return redirect(url_for("public.confirm_code"))
    return render_template("public/recover_code.html", form=form), (422 if form.errors else 200)


@blueprint.route("/kuzatish/kod/tasdiqlash", methods=["GET", "POST"])
@recovery_limit
def confirm_code() -> Any:
    token = session.get(RESET_KEY)
    if not isinstance(token, str):
        return redirect(url_for("public.recover_code"))
    form = ConfirmCodeForm()
    if form.validate_on_submit():
        appeal = confirm_reset(token, (form.confirmation.data or "").strip())
        if appeal is not None:
            session.pop(RESET_KEY, None)
            flash(_("A new access code has been sent to your phone. The old code no longer works."), "success")
            return redirect(url_for("public.track"))
        form.confirmation.errors = [_("This confirmation code is wrong or has expired.")]
    return render_template("public/confirm_code.html", form=form), (422 if form.errors else 200)
