"""A referral to the mahalla citizens' assembly: rais1, the chair of the appeal's mahalla, finds it
in their inbox (GET /api/v1/tasks), acknowledges it and reports the outcome; the chair of another
mahalla's assembly and the district's partners neither list it nor open nor complete it (404)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import World
from tests.cooperation.test_referrals import Partners, referral_of
from tests.webapp.cases import answers, drive_to, pending_names, register, the_task
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.runtime import complete_task
from webapp.cooperation.partners.models import PartnerKind, PartnerOrganisation
from webapp.cooperation.partners.roles import MAHALLA_CHAIR
from webapp.extensions import db
from webapp.platform.auth.models import User

AsUser = Callable[[User], FlaskClient]
TEXT = "Yolg'iz keksa qo'shnimiz qishda isitishsiz qoldi, yordam kerak."


def _assembly(world: World, mahalla: Any, name: str) -> PartnerOrganisation:
    assembly = PartnerOrganisation(
        name=name, kind=PartnerKind.MAHALLA_ASSEMBLY.value, district_id=world.district.id, mahalla_id=mahalla.id
    )
    db.session.add(assembly)
    db.session.flush()
    return assembly


def _chair(username: str, mahalla: Any) -> User:
    user = User(username=username, full_name=username.title(), role=MAHALLA_CHAIR, password_hash="x")
    user.mahallas = [mahalla]
    db.session.add(user)
    db.session.flush()
    return user


class Assemblies:
    def __init__(self, world: World) -> None:
        self.partners = Partners(world)  # police1, social1 and a foreign police officer
        # The other mahalla's assembly first: the lower id, what a district-wide lookup would pick.
        self.other = _assembly(world, world.second_mahalla, "Qatortol MFY fuqarolar yig'ini")
        self.own = _assembly(world, world.mahalla, "Bunyodkor MFY fuqarolar yig'ini")
        self.rais1 = _chair("rais1", world.mahalla)
        self.rais2 = _chair("rais2", world.second_mahalla)
        db.session.commit()

    def outsiders(self) -> list[User]:
        return [self.rais2, self.partners.police1, self.partners.social1, self.partners.foreign1]


@pytest.fixture
def assemblies(world: World) -> Assemblies:
    return Assemblies(world)


def referred_to_the_assembly(world: World) -> Appeal:
    appeal = register(world, text=TEXT)
    pending = drive_to(world, appeal, "refer_social_services")
    complete_task(pending, world.inspector, answers("refer_social_services", social_service="mahalla_assembly"))
    return appeal


def test_the_referral_goes_to_the_assembly_of_the_appeals_mahalla(world: World, assemblies: Assemblies) -> None:
    appeal = referred_to_the_assembly(world)
    task = the_task(appeal, "acknowledge_referral")
    assert task.role == "partner" and task.organisation_id == assemblies.own.id
    referral = referral_of(appeal)
    assert (referral.partner_kind, referral.organisation_id) == ("mahalla_assembly", assemblies.own.id)


def test_rais1_finds_the_referral_in_the_api_inbox_and_answers_it(
    world: World, assemblies: Assemblies, api: Any
) -> None:
    appeal = referred_to_the_assembly(world)
    rais1 = api(assemblies.rais1)
    listed = rais1("GET", "/tasks").get_json()["tasks"]
    waiting = the_task(appeal, "acknowledge_referral")
    assert [(t["name"], t["id"]) for t in listed] == [("acknowledge_referral", waiting.id)]
    done = rais1("POST", f"/tasks/{listed[0]['id']}/complete", json=answers("acknowledge_referral"))
    assert done.status_code == 200, done.get_json()
    assert "appeal" not in done.get_json()  # nothing of the appeal beyond the form
    (report,) = rais1("GET", "/tasks").get_json()["tasks"]
    assert report["name"] == "report_referral_outcome"
    done = rais1("POST", f"/tasks/{report['id']}/complete", json=answers("report_referral_outcome"))
    assert done.status_code == 200, done.get_json()
    assert rais1("GET", "/tasks").get_json()["tasks"] == []
    assert pending_names(appeal) == ["take_measures"]  # the analysis goes on with the answer
    db.session.expire_all()
    referral = referral_of(appeal)
    assert referral.status == "answered" and referral.acknowledged_in_time and referral.answered_in_time
    assert referral.outcome == answers("report_referral_outcome")["referral_outcome"]


def test_other_chairs_and_partners_can_neither_see_nor_answer_it(
    world: World, assemblies: Assemblies, api: Any, as_user: AsUser
) -> None:
    appeal = referred_to_the_assembly(world)
    for stage in ("acknowledge_referral", "report_referral_outcome"):
        task = the_task(appeal, stage)
        for outsider in assemblies.outsiders():
            call = api(outsider)
            assert call("GET", "/tasks").get_json()["tasks"] == [], (outsider.username, stage)
            page = as_user(outsider).get(f"/tasks/{task.id}")
            assert page.status_code == 404, (outsider.username, stage)
            refused = call("POST", f"/tasks/{task.id}/complete", json=answers(stage))
            assert refused.status_code == 404, (outsider.username, stage)
        assert as_user(assemblies.rais1).get(f"/tasks/{task.id}").status_code == 200
        assert the_task(appeal, stage).id == task.id  # the outsiders changed nothing
        if stage == "acknowledge_referral":
            complete_task(task, assemblies.rais1, answers(stage))
