"""Partners as users in a real browser: the admin adds a partner organisation and a staff member on
the people page; the staff member signs in and lands on their organisation's page (laptop and phone)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tests.conftest import PASSWORD, World, make_user
from tests.e2e.conftest import screenshot
from tests.e2e.test_administration import LAPTOP, PHONE, fits, log_in_admin
from webapp.cooperation.partners import service as partners
from webapp.cooperation.partners.models import PartnerOrganisation
from webapp.extensions import db
from webapp.platform.auth.models import Role, User


def test_admin_adds_a_police_unit_and_its_officer_who_signs_in(new_page: Any, world: World) -> None:
    admin = new_page()
    errors: list[str] = []
    admin.on("pageerror", lambda error: errors.append(str(error)))
    log_in_admin(admin)
    admin.goto("/admin/partners/new")
    admin.fill("main [name=name]", "Chilonzor tumani IIB")
    admin.select_option("main [name=kind]", "police")
    admin.select_option("main [name=district]", str(world.district.id))
    admin.click("main form.partner-form button[type=submit]")
    admin.wait_for_selector(".alert-success")
    police = db.session.scalar(select(PartnerOrganisation).where(PartnerOrganisation.name == "Chilonzor tumani IIB"))
    assert police is not None and police.active

    admin.goto("/people/new")
    admin.fill("main [name=username]", "police7")
    admin.fill("main [name=full_name]", "Jasur Toshmatov")
    admin.select_option("main [name=role]", "partner")
    admin.select_option("main [name=organisation]", str(police.id))
    admin.click("main form.person-form button[type=submit]")
    admin.wait_for_selector(".alert-warning")  # no e-mail: the set-password link is shown to hand over
    created = db.session.scalar(select(User).where(User.username == "police7"))
    assert created is not None and partners.organisation_id_of(created) == police.id
    for size, label in ((LAPTOP, "laptop"), (PHONE, "phone")):
        admin.set_viewport_size(size)
        admin.goto("/admin/partners")
        screenshot(admin, f"admin-partners-{label}")
        assert fits(admin), label

    officer = make_user("police1", Role.INSPECTOR)  # a known password; the role set below
    officer.role = "partner"
    db.session.flush()
    partners.set_organisation(officer, police.id)
    db.session.commit()
    page = new_page()
    page.goto("/login")
    page.fill("input[name=username]", "police1")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: url.endswith("/partner"))
    assert "Chilonzor tumani IIB" in page.locator("main").inner_text()
    for size, label in ((LAPTOP, "laptop"), (PHONE, "phone")):
        page.set_viewport_size(size)
        screenshot(page, f"partner-home-{label}")
        assert fits(page), label
    assert page.goto("/appeals").status == 404  # a page the role may not use answers like a missing one
    assert page.goto("/tasks").status == 200  # their inbox: the referrals addressed to the organisation
    assert errors == []
