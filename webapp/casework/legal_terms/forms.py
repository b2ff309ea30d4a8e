"""The supervisor's extension form, and the words for every refusal (shared with the API)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, TextAreaField
from wtforms.validators import InputRequired, Length

from webapp.casework.appeals.deadlines import extension_range
from webapp.casework.appeals.models import Appeal
from webapp.casework.legal_terms.service import REASON_MAX, REASON_MIN
from webapp.platform.formats import short_date


class ExtendDeadlineForm(FlaskForm):
    """Muddatni uzaytirish: the new date (within the allowed range) and the reason."""

    until = DateField(
        _l("New deadline"),
        validators=[InputRequired(_l("Choose the new deadline."))],
        format="%Y-%m-%d",
    )
    reason = TextAreaField(
        _l("Reason for the extension"),
        validators=[
            InputRequired(_l("Give the reason for the extension.")),
            Length(min=REASON_MIN, max=REASON_MAX, message=_l("The reason must be 10 to 1000 characters long.")),
        ],
        render_kw={"rows": 3},
    )

    def __init__(self, *args: object, appeal: Appeal, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        earliest, latest = extension_range(appeal.registered_on, appeal.deadline)
        self.until.render_kw = {"min": earliest.isoformat(), "max": latest.isoformat()}
        self.until.description = _(
            "From %(earliest)s to %(latest)s: at most one month beyond the deadline, two months from registration.",
            earliest=short_date(earliest),
            latest=short_date(latest),
        )


def refusal_message(code: str, appeal: Appeal) -> str:
    """Why the extension was refused, for the person who asked."""
    earliest, latest = extension_range(appeal.registered_on, appeal.deadline)
    bounds = {"earliest": short_date(earliest), "latest": short_date(latest)}
    messages = {
        "closed": _("The case is closed; its deadline can no longer be extended."),
        "already_extended": _("The deadline has already been extended once; the law allows only one extension."),
        "changed": _("The case was changed meanwhile. Reload and try again."),
        "too_short": _("The new deadline must be later than the current one (%(earliest)s at the earliest).", **bounds),
        "too_long": _(
            "The deadline may be extended by at most one month, and to two months from registration at most "
            "(%(latest)s at the latest).",
            **bounds,
        ),
        "until_or_months": _("Give the new deadline."),
        "reason_short": _("The reason must be 10 to 1000 characters long."),
        "reason_long": _("The reason must be 10 to 1000 characters long."),
    }
    return messages.get(code, _("The deadline cannot be extended."))
