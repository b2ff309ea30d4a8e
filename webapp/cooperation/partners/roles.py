"""The roles of cooperation, registered with the roles registry when this area is imported."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from webapp.platform.auth.roles import Territory, register_role

PARTNER = "partner"  # staff of a partner organisation: works for that organisation only
MAHALLA_CHAIR = "mahalla_chair"  # chair of a mahalla's citizens' assembly (mahalla raisi)

register_role(PARTNER, _l("Partner organisation staff"), Territory.ORGANISATION)
register_role(MAHALLA_CHAIR, _l("Mahalla chair"), Territory.MAHALLAS, managed_by_supervisor=True, max_mahallas=1)
