"""People pages: /people (list, search, filters), create, edit, deactivate, and the admin's actions
on an account (reset the password, lift a lockout, issue and revoke API tokens)."""

from __future__ import annotations

from typing import Any, Literal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import Field, field_validator
from wtforms import SelectChoice

from webapp.admin.people import service
from webapp.admin.people.forms import DeactivateForm, PersonForm, UserActionForm
from webapp.admin.people.messages import refusal_message
from webapp.cases.assignment.service import team, user_by_id
from webapp.cooperation.partners import service as partners
from webapp.platform.auth import lockout, password_service, tokens
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.forms import TokenForm
from webapp.platform.auth.models import Role, User
from webapp.platform.auth.roles import roles
from webapp.platform.query_params import Id, Page, QueryModel, one_of, query
from webapp.platform.staffing.service import history_rows

blueprint = Blueprint("people", __name__)
MANAGERS = (Role.ADMIN.value, Role.SUPERVISOR.value)


def _person_or_404(user_id: int) -> User:
    user = service.person_for(current_user, user_id)
    if user is None:
        abort(404)
    return user


class PeopleArgs(QueryModel):
    q: str = Field("", max_length=80)
    role: str = ""
    district: Id | None = None
    status: Literal["active", "inactive", "all"] = "active"
    page: Page = 1

    @field_validator("role")
    @classmethod
    def _known_role(cls, value: str) -> str:
        return one_of("role", value, [info.name for info in roles()])

    def people_filter(self) -> service.PeopleFilter:
        return service.PeopleFilter(q=self.q, role=self.role, district_id=self.district, status=self.status)


@blueprint.route("/people")
@roles_required(*MANAGERS)
def index() -> Any:
    args = query(PeopleArgs)
    people = args.people_filter()
    page = service.list_people(current_user, people, args.page)
    return render_template(
        "people/index.html",
        page=page,
        filters=people,
        roles=service.assignable_roles(current_user),
        districts=service.districts() if current_user.role == Role.ADMIN else [],
        query=args.link_args("page"),
    )


def _person_form(user: User | None = None) -> PersonForm:
    form = (
        PersonForm(obj=None)
        if user is None
        else PersonForm(
            data={
                "username": user.username,
                "full_name": user.full_name,
                "role": user.role,
                "email": user.email or "",
                "mahallas": [m.id for m in user.mahallas],
                "district": user.district_id or 0,
                "region": user.region_id or 0,
                "sso_subject": user.sso_subject or "",
                "organisation": partners.organisation_id_of(user) or 0,
            }
            if request.method == "GET"
            else None
        )
    )
    form.role.choices = [SelectChoice(r.name, str(r.label)) for r in service.assignable_roles(current_user)]
    form.mahallas.choices = [
        SelectChoice(m.id, f"{m.name} ({m.code})") for m in service.assignable_mahallas(current_user)
    ]
    none = [SelectChoice(0, "—")]
    if current_user.role == Role.ADMIN:
        form.district.choices = none + [SelectChoice(d.id, f"{d.name} ({d.code})") for d in service.districts()]
        form.region.choices = none + [SelectChoice(r.id, f"{r.name} ({r.code})") for r in service.regions()]
    else:
        form.district.choices = none
        form.region.choices = none
    form.organisation.choices = none + [
        SelectChoice(o.id, f"{o.name} ({o.district.name})") for o in partners.organisations(active_only=True)
    ]
    return form


def _data(form: PersonForm, username: str) -> service.PersonData:
    return service.PersonData(
        username=username,
        full_name=form.full_name.data or "",
        role=form.role.data or "",
        email=form.email.data or "",
        mahalla_ids=[int(i) for i in form.mahallas.data or []],
        district_id=form.district.data or None,
        region_id=form.region.data or None,
        starts_on=form.starts_on.data,
        sso_subject=form.sso_subject.data or "",
        organisation_id=form.organisation.data or None,
    )


def _show_refusal(form: PersonForm, refused: service.PeopleRefused) -> None:
    target = getattr(form, refused.field, None) or form.username
    target.errors = [refusal_message(refused.code)]


@blueprint.route("/people/new", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def create() -> Any:
    form = _person_form()
    if form.validate_on_submit():
        try:
            user, link = service.create_person(current_user, _data(form, form.username.data or ""))
        except service.PeopleRefused as refused:
            _show_refusal(form, refused)
        else:
            if user.email:
                flash(
                    _(
                        "%(name)s was created; a set-password link was sent to %(email)s.",
                        name=user.full_name,
                        email=user.email,
                    ),
                    "success",
                )
            else:
                flash(
                    _(
                        "%(name)s was created. Give them this one-time set-password link: %(link)s",
                        name=user.full_name,
                        link=url_for("account.set_password", token=link, _external=True),
                    ),
                    "warning",
                )
            return redirect(url_for("people.edit", user_id=user.id))
    elif form.is_submitted():
        flash(_("Please correct the highlighted fields."), "danger")
    return render_template("people/form.html", form=form, person=None)


@blueprint.route("/people/<int:user_id>", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def edit(user_id: int) -> Any:
    person = _person_or_404(user_id)
    form = _person_form(person)
    if form.validate_on_submit():
        try:
            service.update_person(current_user, person, _data(form, person.username))
        except service.PeopleRefused as refused:
            _show_refusal(form, refused)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("people.edit", user_id=person.id))
    elif form.is_submitted():
        flash(_("Please correct the highlighted fields."), "danger")
    return _edit_page(person, form)


def _edit_page(person: User, form: PersonForm, new_token: str | None = None) -> Any:
    is_admin = current_user.role == Role.ADMIN
    return render_template(
        "people/form.html",
        form=form,
        person=person,
        history=history_rows(person),
        unit_kind_labels={"mahalla": _("Mahalla"), "district": _("District"), "region": _("Region")},
        action=UserActionForm(),
        tokens=tokens.tokens_of(person) if is_admin else [],
        token_form=TokenForm(formdata=None),
        revoke_form=UserActionForm(),
        new_token=new_token,
        locked=lockout.lock_of(person.username, "").locked if is_admin else False,
    )


@blueprint.route("/people/<int:user_id>/deactivate", methods=["GET", "POST"])
@roles_required(*MANAGERS)
def deactivate(user_id: int) -> Any:
    """Ask where the open work goes, then deactivate."""
    person = _person_or_404(user_id)
    form = DeactivateForm()
    colleagues = [u for u in team(current_user) if u.id != person.id and u.role == person.role]
    form.hand_to.choices = [SelectChoice(0, _("Nobody: back to the common inbox of the mahalla"))] + [
        SelectChoice(u.id, f"{u.full_name} ({u.username})") for u in colleagues
    ]
    if form.validate_on_submit():
        try:
            moved = service.deactivate(
                current_user,
                person,
                hand_to=user_by_id(form.hand_to.data) if form.hand_to.data else None,
                reason=form.reason.data or "",
            )
        except service.PeopleRefused as refused:
            form.hand_to.errors = [refusal_message(refused.code)]
        else:
            flash(
                _("%(name)s was deactivated; %(num)d open tasks handed over.", name=person.full_name, num=moved),
                "success",
            )
            return redirect(url_for("people.edit", user_id=person.id))
    return render_template("people/deactivate.html", form=form, person=person, tasks=service.open_tasks(person))


@blueprint.route("/people/<int:user_id>/reactivate", methods=["POST"])
@roles_required(*MANAGERS)
def reactivate(user_id: int) -> Any:
    person = _person_or_404(user_id)
    if not UserActionForm().validate_on_submit():
        abort(400)
    service.reactivate(current_user, person)
    flash(_("The account is active again; choose what they serve."), "success")
    return redirect(url_for("people.edit", user_id=person.id))


@blueprint.route("/people/<int:user_id>/reset-password", methods=["POST"])
@roles_required(Role.ADMIN.value)
def reset_password(user_id: int) -> Any:
    person = _person_or_404(user_id)
    if not UserActionForm().validate_on_submit():
        abort(400)
    token = password_service.reset_password(person, current_user)
    if person.email:
        flash(_("The password was reset; a set-password link was sent to %(email)s.", email=person.email), "success")
    else:
        flash(
            _(
                "The password was reset. Give them this one-time set-password link: %(link)s",
                link=url_for("account.set_password", token=token, _external=True),
            ),
            "warning",
        )
    return redirect(url_for("people.edit", user_id=person.id))


@blueprint.route("/people/<int:user_id>/unlock", methods=["POST"])
@roles_required(Role.ADMIN.value)
def unlock(user_id: int) -> Any:
    person = _person_or_404(user_id)
    if not UserActionForm().validate_on_submit():
        abort(400)
    lockout.lift(person.username)
    from webapp.platform.audit.service import record_now

    record_now("lockout_lifted", "user", person.username, actor_id=current_user.id)
    flash(_("The lockout was lifted."), "success")
    return redirect(url_for("people.edit", user_id=person.id))


@blueprint.route("/people/<int:user_id>/tokens", methods=["POST"])
@roles_required(Role.ADMIN.value)
def issue_token(user_id: int) -> Any:
    person = _person_or_404(user_id)
    form = TokenForm()
    if not form.validate_on_submit():
        flash(_("Please correct the highlighted fields."), "danger")
        return redirect(url_for("people.edit", user_id=person.id))
    from webapp.platform.auth.account import end_of_day

    token = tokens.issue(
        person,
        form.name.data or "",
        scope=form.scope.data or "full",
        expires_at=end_of_day(form.expires_on.data),
        actor=current_user,
    )
    flash(_("Copy the token now: it is shown only once."), "warning")
    return _edit_page(person, _person_form(person), new_token=token)


@blueprint.route("/people/<int:user_id>/tokens/<int:token_id>/revoke", methods=["POST"])
@roles_required(Role.ADMIN.value)
def revoke_token(user_id: int, token_id: int) -> Any:
    person = _person_or_404(user_id)
    token = tokens.token_of(person, token_id)
    if token is None:
        abort(404)
    tokens.revoke(token, current_user)
    flash(_("The token was revoked."), "success")
    return redirect(url_for("people.edit", user_id=person.id))
