"""The citizen's access code reaches them: by SMS to the phone and by e-mail when given, through
the outbox, in the same transaction as the registration or the recovery that made the code."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from webapp.casework.appeals.models import Appeal
from webapp.platform.notifications.service import queue_message


def _tracking_url() -> str:
    return url_for("public.track", _external=True) if has_request_context() else ""


def send_access_code(appeal: Appeal, code: str, *, recovered: bool = False) -> int:
    """Queue the number and code to the applicant's phone and e-mail; how many messages were queued.
    In the citizen's language on the web, else in the deployment's first language."""
    with citizen_locale():
        return _queue(appeal, code, recovered)


@contextmanager
def citizen_locale() -> Iterator[None]:
    """The web request's language (the citizen's), else the deployment's first language."""
    if has_request_context():
        yield
        return
    with force_locale(current_app.config["LANGUAGES"][0]):
        yield


def _queue(appeal: Appeal, code: str, recovered: bool) -> int:
    if recovered:
        text = _("Appeal %(number)s: your new access code is %(code)s.", number=appeal.number, code=code)
    else:
        text = _("Your appeal %(number)s is registered. Access code: %(code)s.", number=appeal.number, code=code)
    url = _tracking_url()
    body = f"{text} {url}".strip()
    subject = _("Appeal %(number)s: access code", number=appeal.number)
    queued = [
        # The code travels as a secret: masked on the outbox page, erased once delivered.
        queue_message(appeal, "sms", appeal.applicant_phone, body, subject=subject, secrets={"access_code": code}),
        queue_message(appeal, "email", appeal.applicant_email, body, subject=subject, secrets={"access_code": code}),
    ]
    return len([m for m in queued if m is not None])
