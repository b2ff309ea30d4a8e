"""Prevention notice pages for staff (/notices): write, list with delivery figures, approve."""

from __future__ import annotations

import io
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from webapp.cooperation.notices import approval, service
from webapp.cooperation.notices.delivery import delivery_figures
from webapp.cooperation.notices.forms import NOTICE_FILE_TYPES, NoticeForm, ReviewForm
from webapp.cooperation.notices.models import PreventionNotice
from webapp.intake.attachments.files import Upload, UploadRefused, read_uploads
from webapp.intake.attachments.service import stored_file
from webapp.platform.auth.access import roles_required
from webapp.platform.auth.models import Role
from webapp.platform.pagination import paginate
from webapp.platform.query_params import PageArgs, query
from webapp.prevention.work.scope import mahallas_in_scope

blueprint = Blueprint("notices", __name__)

VIEW_ROLES = (*service.AUTHOR_ROLES, Role.ADMIN.value)


@blueprint.app_context_processor
def notice_helpers() -> dict[str, Any]:
    def notices_to_approve() -> list[service.ApprovalLine]:
        """The inbox panel: notices waiting for this supervisor's approval."""
        return service.approvals_for(current_user) if current_user.is_authenticated else []

    return {"notices_to_approve": notices_to_approve}


@blueprint.route("/notices")
@roles_required(*VIEW_ROLES)
def notice_list() -> Any:
    page = paginate(service.notices_query(current_user), query(PageArgs).page)
    figures = delivery_figures([notice.id for notice in page.items])
    return render_template("notices/list.html", page=page, figures=figures)


def _attachment(form: NoticeForm) -> tuple[bool, Upload | None]:
    """(whether the file field is valid, its checked file or None); the reason goes to its errors."""
    try:
        uploads = read_uploads(request.files.getlist(form.attachment.name))
        if len(uploads) > 1:
            raise UploadRefused(_("Attach one file."))
        if uploads and uploads[0].content_type not in NOTICE_FILE_TYPES:
            raise UploadRefused(_("Attach a PDF or a picture (JPEG, PNG, WebP)."))
    except UploadRefused as refused:
        form.attachment.errors = [str(refused)]
        return False, None
    return True, (uploads[0] if uploads else None)


def attachment_response(notice: PreventionNotice) -> Response:
    """The notice's file as a download (no sniffing, not cached); 404 when it has none."""
    path = stored_file(notice.attachment_key) if notice.attachment_key else None
    if path is None or not path.is_file():
        abort(404)
    response = send_file(
        io.BytesIO(path.read_bytes()),  # at most 5 MB
        mimetype=notice.attachment_type,
        as_attachment=True,
        download_name=notice.attachment_name,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blueprint.route("/notices/new", methods=["GET", "POST"])
@roles_required(*service.AUTHOR_ROLES)
def notice_form() -> Any:
    mahallas = mahallas_in_scope(current_user)
    form = NoticeForm()
    form.mahallas.choices = [(m.id, f"{m.name} ({m.district.name})") for m in mahallas]
    if form.validate_on_submit():
        chosen = [m for m in mahallas if m.id in set(form.mahallas.data or [])]
        file_valid, attachment = _attachment(form)
        if len({m.district_id for m in chosen}) != 1:
            form.mahallas.errors = [_("Choose mahallas of one district.")]
        elif file_valid:
            assert form.valid_from.data is not None and form.valid_until.data is not None
            data = service.NoticeData(
                title=(form.title.data or "").strip(),
                text_uz=(form.text_uz.data or "").strip(),
                text_ru=(form.text_ru.data or "").strip(),
                valid_from=form.valid_from.data,
                valid_until=form.valid_until.data,
            )
            try:
                notice = service.create_notice(current_user, chosen, data, attachment)
            except service.NoticeConflict:
                flash(_("The notice could not be saved right now; nothing was saved. Please try again."), "danger")
            else:
                flash(_("The notice is saved and waits for the supervisor's approval."), "success")
                return redirect(url_for("notices.notice_detail", notice_id=notice.id))
    if form.is_submitted():
        flash(_("Please correct the highlighted fields."), "danger")
    page = render_template(
        "prevention/shared/form.html",
        form=form,
        title=_("New prevention notice"),
        back=url_for("notices.notice_list"),
        multipart=True,
    )
    return page, (422 if form.errors else 200)


def _found(notice_id: int) -> Any:
    notice = service.notice_for(current_user, notice_id)
    if notice is None:
        abort(404)  # outside the territory answers like a missing notice
    return notice


@blueprint.route("/notices/<int:notice_id>")
@roles_required(*VIEW_ROLES)
def notice_detail(notice_id: int) -> Any:
    notice = _found(notice_id)
    return _detail(notice, ReviewForm())


@blueprint.route("/notices/<int:notice_id>/attachment")
@roles_required(*VIEW_ROLES)
def notice_attachment(notice_id: int) -> Any:
    return attachment_response(_found(notice_id))


def _detail(notice: Any, form: ReviewForm, status: int = 200) -> Any:
    return (
        render_template(
            "notices/detail.html",
            notice=notice,
            figures=delivery_figures([notice.id])[notice.id],
            form=form,
            may_review=service.may_review(current_user, notice),
        ),
        status,
    )


@blueprint.route("/notices/<int:notice_id>/review", methods=["POST"])
@roles_required(Role.SUPERVISOR.value)
def review(notice_id: int) -> Any:
    notice = _found(notice_id)
    form = ReviewForm()
    if not service.may_review(current_user, notice):
        flash(_("This notice has already been reviewed."), "warning")
        return redirect(url_for("notices.notice_detail", notice_id=notice.id))
    if not form.validate_on_submit():
        flash(_("Please correct the highlighted fields."), "danger")
        return _detail(notice, form, 422)
    try:
        queued = service.review_notice(notice, current_user, form.decision.data == "approve", form.comment.data or "")
    except service.NoticeConflict:
        flash(_("This notice has already been reviewed."), "warning")
    else:
        if form.decision.data == "approve":
            flash(_("The notice is approved; %(count)s messages are queued.", count=queued), "success")
        else:
            flash(_("The notice is returned to its author."), "success")
    return redirect(url_for("notices.notice_detail", notice_id=notice.id))


@blueprint.route("/notices/approvals/<task_id>")
@roles_required(Role.SUPERVISOR.value)
def approval_task(task_id: str) -> Any:
    """The approval task's page (the shared task page hands it here): the notice's review form."""
    pending = approval.approval_task_for(current_user, task_id)
    if pending is None:
        abort(404)
    return redirect(url_for("notices.notice_detail", notice_id=pending.subject_id, _anchor="review"))
