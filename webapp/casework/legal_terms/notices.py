"""Texts of the notices the law requires us to send the applicant (subject, body).

They are letters in the state language, Uzbek, whatever language the official's screen is in.
"""

from __future__ import annotations

import datetime as dt

from webapp.casework.appeals.models import Appeal


def _date(value: dt.date) -> str:
    return value.strftime("%d.%m.%Y")


def _greeting(appeal: Appeal) -> str:
    return f"Hurmatli {appeal.applicant_name}," if appeal.applicant_name else "Hurmatli murojaat etuvchi,"


def extension(appeal: Appeal) -> tuple[str, str]:
    """Art. 28: the applicant is told that the head of the body extended the term."""
    assert appeal.extended_until is not None
    subject = f"{appeal.number}-sonli murojaat: koʻrib chiqish muddati uzaytirildi"
    body = (
        f"{_greeting(appeal)} {appeal.number}-sonli murojaatingizni koʻrib chiqish muddati "
        f"{_date(appeal.extended_until)} gacha uzaytirildi. Sababi: {appeal.extension_reason}"
    )
    return subject, body


def proposal_study(appeal: Appeal) -> tuple[str, str]:
    """Art. 28: a proposal that needs more study — the applicant is told within 10 days."""
    subject = f"{appeal.number}-sonli taklif: qoʻshimcha oʻrganish"
    body = (
        f"{_greeting(appeal)} {appeal.number}-sonli taklifingiz qoʻshimcha oʻrganishni talab etadi. "
        f"Javob bir oy ichida, {_date(appeal.deadline)} gacha beriladi."
    )
    return subject, body


def forwarding(appeal: Appeal, body_name: str) -> tuple[str, str]:
    """Outside our competence: forwarded to the competent body within 5 days, and the applicant told."""
    subject = f"{appeal.number}-sonli murojaat vakolatli organga yuborildi"
    body = (
        f"{_greeting(appeal)} {appeal.number}-sonli murojaatingiz koʻrib chiqish uchun vakolatli organga — "
        f"{body_name} — yuborildi. Murojaatingiz boʻyicha javobni ushbu organ beradi."
    )
    return subject, body
