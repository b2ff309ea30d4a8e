"""The demo's partner organisations in Chilonzor district, and whom each demo partner works for."""

from __future__ import annotations

from webapp.cooperation.partners.models import PartnerKind, PartnerOrganisation
from webapp.extensions import db
from webapp.platform.territory.models import Mahalla

# key: (kind, name, mahalla code or None)
ORGANISATIONS: dict[str, tuple[PartnerKind, str, str | None]] = {
    "chl-police": (PartnerKind.POLICE, "Chilonzor tumani IIB", None),
    "chl-social": (PartnerKind.SOCIAL_PROTECTION, "Chilonzor tumani ijtimoiy himoya bo'limi", None),
    "chl-health": (PartnerKind.HEALTH, "Chilonzor tumani 14-oilaviy poliklinika", None),
    "chl-youth": (PartnerKind.YOUTH_AGENCY, "Yoshlar ishlari agentligi Chilonzor tuman bo'limi", None),
    "chl-women": (PartnerKind.WOMENS_COMMITTEE, "Chilonzor tumani xotin-qizlar qo'mitasi", None),
    "chl-01-assembly": (PartnerKind.MAHALLA_ASSEMBLY, "Bunyodkor MFY fuqarolar yig'ini", "CHL-01"),
}


def seed_partners(mahallas: dict[str, Mahalla]) -> dict[str, PartnerOrganisation]:
    district = mahallas["CHL-01"].district
    made = {}
    for key, (kind, name, mahalla_code) in ORGANISATIONS.items():
        made[key] = PartnerOrganisation(
            district=district,
            kind=kind.value,
            name=name,
            mahalla=mahallas[mahalla_code] if mahalla_code else None,
            email=f"{key}@mahalla.example",
        )
        db.session.add(made[key])
    db.session.flush()
    return made
