"""The roles registry: every role with its label and the territory it works in.

Areas that add a role (a partner body, a mahalla chair) call ``register_role`` when imported;
the people pages, the import and the eligibility rules read the registry, not a fixed list.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from webapp.platform import labels
from webapp.platform.auth.models import Role


class Territory:
    MAHALLAS = "mahallas"  # serves one or more mahallas
    DISTRICT = "district"  # heads a district, or a region
    NATIONWIDE = "nationwide"
    ORGANISATION = "organisation"  # works for one partner organisation of a district


@dataclass(frozen=True)
class RoleInfo:
    name: str
    label: LazyString
    territory: str
    # Roles a supervisor may manage within their territory (admins manage every role).
    managed_by_supervisor: bool = False
    # At most this many mahallas (a mahalla chair serves one); None: no limit.
    max_mahallas: int | None = None


_ROLES: dict[str, RoleInfo] = {}


def register_role(
    name: str,
    label: LazyString,
    territory: str,
    *,
    managed_by_supervisor: bool = False,
    max_mahallas: int | None = None,
) -> RoleInfo:
    if territory not in (Territory.MAHALLAS, Territory.DISTRICT, Territory.NATIONWIDE, Territory.ORGANISATION):
        raise ValueError(f"unknown territory kind {territory!r}")
    info = RoleInfo(name, label, territory, managed_by_supervisor, max_mahallas)
    _ROLES[name] = info
    return info


def role(name: str) -> RoleInfo | None:
    return _ROLES.get(name)


def role_label(name: str) -> str:
    """A role's label in the reader's language: the registry's, else the base labels, else the code."""
    info = _ROLES.get(name)
    return str(info.label) if info is not None else labels.label(labels.ROLE, name)


def roles() -> list[RoleInfo]:
    return list(_ROLES.values())


def serves_mahallas(name: str) -> bool:
    info = _ROLES.get(name)
    return info is not None and info.territory == Territory.MAHALLAS


def works_for_organisation(name: str) -> bool:
    info = _ROLES.get(name)
    return info is not None and info.territory == Territory.ORGANISATION


def heads_territory(name: str) -> bool:
    info = _ROLES.get(name)
    return info is not None and info.territory == Territory.DISTRICT


register_role(Role.INSPECTOR.value, _l("Prevention inspector"), Territory.MAHALLAS, managed_by_supervisor=True)
register_role(Role.YOUTH_ADVISER.value, _l("Youth affairs adviser"), Territory.MAHALLAS, managed_by_supervisor=True)
register_role(Role.SUPERVISOR.value, _l("Supervisor"), Territory.DISTRICT)
register_role(Role.METHODOLOGIST.value, _l("Methodologist"), Territory.NATIONWIDE)
register_role(Role.ADMIN.value, _l("Administrator"), Territory.NATIONWIDE)
