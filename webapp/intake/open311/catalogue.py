"""The Open311 service list: one service per appeal category, with its texts for citizens."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from webapp.casework.appeals.models import CATEGORIES, AppealKind
from webapp.platform import labels


@dataclass(frozen=True)
class ServiceText:
    description: LazyString
    keywords: LazyString
    group: LazyString


_SAFETY = _l("Safety")
_FAMILY = _l("Family and youth")
_SOCIAL = _l("Social and communal")
_OTHER = _l("Other")

SERVICE_TEXTS: dict[str, ServiceText] = {
    "crime_prevention": ServiceText(
        _l("Offences, threats, suspicious activity in the mahalla that the prevention inspector should prevent."),
        _l("offence,theft,threat,hooliganism,prevention"),
        _SAFETY,
    ),
    "public_safety": ServiceText(
        _l("Public order and safety: dark streets, dangerous places, noise at night, gatherings."),
        _l("public order,street lighting,noise,danger"),
        _SAFETY,
    ),
    "family_conflict": ServiceText(
        _l("Conflicts in a family or between neighbours, domestic violence."),
        _l("family,neighbours,domestic violence,conflict"),
        _FAMILY,
    ),
    "minors_youth": ServiceText(
        _l("Problems with minors and young people: truancy, non-organised youth, harmful influence."),
        _l("minors,youth,school,employment"),
        _FAMILY,
    ),
    "social_assistance": ServiceText(
        _l("People in need of social help: the elderly, disabled people, low-income families."),
        _l("social help,elderly,disability,low income"),
        _SOCIAL,
    ),
    "utilities": ServiceText(
        _l("Utilities and improvement of the mahalla: water, electricity, gas, roads, rubbish."),
        _l("water,electricity,gas,road,rubbish"),
        _SOCIAL,
    ),
    "other": ServiceText(_l("Any other appeal to the prevention inspector."), _l("other"), _OTHER),
}

SERVICE_CODES: tuple[str, ...] = CATEGORIES
KINDS: tuple[str, ...] = tuple(kind.value for kind in AppealKind)
DEFAULT_KIND = AppealKind.SHIKOYAT.value


def service_name(code: str) -> str:
    return labels.label(labels.CATEGORY, code)


def kind_name(code: str) -> str:
    return labels.label(labels.KIND, code)
