"""Fill the reply-letter templates (Uzbek, Russian) with a case's data.

Case data is passed to Jinja as plain values (never compiled as template source), so text typed by
citizens or inspectors cannot run template code; autoescaping is off because the output is text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

LANGUAGES = ("uz", "ru")
DEFAULT_LANGUAGE = "uz"
TEMPLATE_DIR = Path(__file__).resolve().parent / "letters"

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_UZBEK_CYRILLIC = re.compile(r"[ўғқҳЎҒҚҲ]")
_RUSSIAN_ONLY = re.compile(r"[ыщЫЩ]")


def detect_language(text: str) -> str:
    """Crude: Russian when the text is mostly Cyrillic without the Uzbek letters ў ғ қ ҳ, else Uzbek.

    Uzbek Cyrillic uses ў ғ қ ҳ and never ы or щ, so those letters decide a Cyrillic text.
    """
    letters = [ch for ch in text if ch.isalpha()]
    cyrillic = sum(1 for ch in letters if _CYRILLIC.match(ch))
    if not letters or cyrillic * 2 < len(letters):
        return DEFAULT_LANGUAGE
    uzbek_marks = len(_UZBEK_CYRILLIC.findall(text))
    russian_marks = len(_RUSSIAN_ONLY.findall(text))
    return "ru" if russian_marks >= uzbek_marks and (russian_marks or not uzbek_marks) else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class ReferralAnswer:
    """One partner organisation's answer to a referral of the appeal."""

    partner: str
    partner_kind: str
    outcome: str
    outcome_date: str = ""


@dataclass(frozen=True)
class LetterData:
    """Everything a reply letter shows, as plain values."""

    number: str
    received: dt.date
    applicant_name: str
    address: str
    mahalla: str
    district: str
    region: str
    inspector_name: str
    today: dt.date
    measures: str = ""
    measures_description: str = ""
    measures_date: str = ""
    problem_resolved: bool | None = None
    proposal_accepted: bool | None = None
    implementation_plan: str = ""
    # What the partner organisation a referral went to reported (empty when not its competence).
    referral_outcome: str = ""
    referral_outcome_date: str = ""
    # Each partner's answer when the referral went to one or several partners (the referrals'
    # records); when given, the letter lists these instead of the single outcome above.
    referrals: tuple[ReferralAnswer, ...] = ()


def case_fields(case_data: Mapping[str, Any]) -> dict[str, Any]:
    """The LetterData fields taken from the case's process data (stages 2 and 3)."""

    def text(name: str) -> str:
        value = case_data.get(name)
        return str(value).strip() if value not in (None, "") else ""

    def flag(name: str) -> bool | None:
        value = case_data.get(name)
        return bool(value) if isinstance(value, bool) else None

    return {
        "measures": text("measures"),
        "measures_description": text("measures_description"),
        "measures_date": _date_text(text("measures_date")),
        "problem_resolved": flag("problem_resolved"),
        "proposal_accepted": flag("proposal_accepted"),
        "implementation_plan": text("implementation_plan"),
        "referral_outcome": "" if case_data.get("not_our_competence") is True else text("referral_outcome"),
        "referral_outcome_date": _date_text(text("referral_outcome_date")),
    }


def referral_answer(partner: str, partner_kind: str, outcome: str, outcome_date: dt.date | None) -> ReferralAnswer:
    return ReferralAnswer(
        partner=partner.strip(),
        partner_kind=partner_kind,
        outcome=outcome.strip(),
        outcome_date=outcome_date.strftime("%d.%m.%Y") if outcome_date else "",
    )


def _date_text(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).strftime("%d.%m.%Y")
    except ValueError:
        return value


@cache
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=False,  # noqa: S701 - plain text letters, not HTML
        undefined=StrictUndefined,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_letter(data: LetterData, language: str) -> str:
    """The letter text in ``language`` (uz or ru)."""
    if language not in LANGUAGES:
        raise ValueError(f"no reply letter template for language {language!r}")
    values = asdict(data)
    values["received"] = data.received.strftime("%d.%m.%Y")
    values["today"] = data.today.strftime("%d.%m.%Y")
    text = _environment().get_template(f"reply_{language}.txt.j2").render(**values)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def render_notice(number: str, language: str, *, attached: bool) -> tuple[str, str]:
    """The cover note telling the applicant the reply is ready: (subject, text)."""
    if language not in LANGUAGES:
        raise ValueError(f"no notice template for language {language!r}")
    rendered = _environment().get_template(f"notice_{language}.txt.j2").render(number=number, attached=attached)
    subject, _newline, text = rendered.strip().partition("\n")
    return subject.strip(), text.strip()
