"""Demo registry: people across the demo mahallas, with plans in every state."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from webapp.casework.appeals.deadlines import add_months
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.platform.auth.models import Role, User
from webapp.platform.territory.models import Mahalla
from webapp.platform.timeutil import local_today
from webapp.prevention.registry.plans import complete_plan_task, open_plan, tasks_of_plan
from webapp.prevention.registry.service import PersonInput, register_person, remove_person

# (full name, birth date, mahalla code, risk group, grounds, how far the plan gets)
PEOPLE: list[tuple[str, dt.date, str, str, str, str]] = [
    (
        "Rustamov Bekzod Alisher o'g'li",
        dt.date(2004, 3, 14),
        "CHL-01",
        "administrative_offences",
        "Bir yil ichida ikki marta mayda bezorilik uchun ma'muriy javobgarlikka tortilgan.",
        "active",
    ),
    (
        "Qodirova Nigora Shavkatovna",
        dt.date(1988, 9, 2),
        "CHL-01",
        "domestic_violence",
        "Oilaviy zo'ravonlik bo'yicha himoya order berilgan, oilada nizolar davom etmoqda.",
        "awaiting_approval",
    ),
    (
        "Ergashev Sanjar Ravshanovich",
        dt.date(2008, 1, 20),
        "CHL-02",
        "juvenile_at_risk",
        "Maktabga bormay qo'ygan, kechalari ko'chada nazoratsiz yuradi.",
        "drafting",
    ),
    (
        "Saidov Otabek Farhodovich",
        dt.date(1995, 6, 30),
        "CHL-03",
        "previously_convicted",
        "O'g'rilik uchun sudlangan, jazoni o'tab qaytgan; ishsiz.",
        "active_long",
    ),
    (
        "Mirzayev Jamshid Ulug'bekovich",
        dt.date(1999, 11, 5),
        "CHL-04",
        "substance_abuse",
        "Spirtli ichimliklarni suiiste'mol qiladi, jamoat joylarida tartibni buzgan.",
        "removed",
    ),
    (
        "Hasanov Dilshod Baxtiyorovich",
        dt.date(2001, 2, 17),
        "YUN-01",
        "harmful_ideas",
        "Ijtimoiy tarmoqlarda zararli g'oyalar tarqatuvchi guruhlarga a'zo bo'lgan.",
        "active",
    ),
    (
        "Yoqubova Madina Erkinovna",
        dt.date(2006, 8, 9),
        "YUN-02",
        "juvenile_at_risk",
        "Oilada nazorat yo'q, voyaga yetmaganlar ishlari bo'yicha komissiya ro'yxatida.",
        "none",
    ),
]

ANSWERS: dict[str, dict[str, Any]] = {
    "draft_plan": {
        "measure_talk": True,
        "measure_youth_adviser": True,
        "measure_employment": True,
        "plan_goals": "Har oy profilaktik suhbat o'tkazish, yoshlar masalalari bo'yicha maslahatchi orqali "
        "ishga joylashtirish va oilasi bilan ishlash.",
        "plan_months": 12,
    },
    "approve_plan": {"plan_approved": True, "supervisor_comment": "Reja tasdiqlandi."},
    "monthly_checkin": {
        "work_done": "Profilaktik suhbat o'tkazildi, ish joyi va oilaviy sharoiti o'rganildi.",
        "person_situation": "improving",
        "situation_note": "Ishga joylashgan, kechqurunlari uyda.",
        "next_steps": "Keyingi oy ish beruvchi bilan uchrashish.",
    },
    "evaluate_quarter": {
        "evaluation_summary": "Chorak davomida huquqbuzarlik qayd etilmadi, ijobiy o'zgarishlar bor.",
        "evaluation_decision": "continue",
    },
}

# The tasks each demo plan completes, in order (the rest waits in an inbox).
STEPS = {
    "drafting": [],
    "awaiting_approval": ["draft_plan"],
    "active": ["draft_plan", "approve_plan", "monthly_checkin", "monthly_checkin"],
    "active_long": ["draft_plan", "approve_plan"]
    + ["monthly_checkin"] * 3
    + ["evaluate_quarter"]
    + ["monthly_checkin"],
    "removed": ["draft_plan", "approve_plan"] + ["monthly_checkin"] * 3 + ["evaluate_quarter:remove"],
}


def _drive(plan: Any, steps: list[str], users: dict[str, User], start: dt.date) -> None:
    day = start
    for entry in steps:
        name, _sep, decision = entry.partition(":")
        (task,) = tasks_of_plan(plan.id)
        assert task.name == name, f"demo plan waits for {task.name}, not {name}"
        answers = dict(ANSWERS[name])
        if name == "monthly_checkin":
            day = task.due_date
            answers["checkin_date"] = day.isoformat()
        if decision:
            answers["evaluation_decision"] = decision
            answers["removal_grounds"] = "Reja bajarildi, uch chorak davomida huquqbuzarlik sodir etmagan."
        complete_plan_task(task, users[task.role], answers, today=day)
        day = day + dt.timedelta(days=2)


def seed_registry(users: dict[str, User]) -> None:
    """Put the demo people on the registry and run their plans (dates in the past year)."""
    today = local_today()
    mahallas = {m.code: m for m in db.session.scalars(select(Mahalla))}
    inspectors = {m.code: u for u in users.values() if u.role == Role.INSPECTOR for m in u.mahallas}
    supervisors = {u.district_id: u for u in users.values() if u.role == Role.SUPERVISOR and u.district_id}
    for index, (name, born, code, risk, grounds, fate) in enumerate(PEOPLE):
        mahalla = mahallas[code]
        inspector = inspectors[code]
        steps = STEPS.get(fate, [])
        checkins = sum(1 for step in steps if step == "monthly_checkin")
        if checkins:
            start = add_months(today, -(checkins + 1)) - dt.timedelta(days=3 + index)
        else:
            start = today - dt.timedelta(days=2 + index)
        person = register_person(
            PersonInput(
                full_name=name,
                birth_date=born,
                passport=f"A{'BCDEFGH'[index]}{4_512_300 + index * 7919:07d}",
                phone=f"+998 9{index % 10} {300 + index * 11:03d} {10 + index:02d} {40 + index:02d}",
                address=f"{mahalla.name.replace(' MFY', '')} ko'chasi, {5 + index * 3}-uy",
                mahalla=mahalla,
                risk_group=risk,
                grounds=grounds,
                responsible_inspector_id=inspector.id,
                registered_on=start,
            ),
            inspector,
        )
        if fate == "none":
            continue
        appeal = db.session.scalar(select(Appeal).where(Appeal.mahalla_id == mahalla.id, Appeal.stage == 3))
        plan = open_plan(person, inspector, appeal=appeal if fate == "active" else None, today=start)
        _drive(plan, steps, {"inspector": inspector, "supervisor": supervisors[mahalla.district_id]}, start)
    _removed_long_ago(users, mahallas, inspectors, today)


def _removed_long_ago(
    users: dict[str, User], mahallas: dict[str, Mahalla], inspectors: dict[str, User], today: dt.date
) -> None:
    """One person removed without a plan (the removal form's path)."""
    mahalla = mahallas["CHL-02"]
    inspector = inspectors["CHL-02"]
    person = register_person(
        PersonInput(
            full_name="Tursunov Aziz Karimovich",
            birth_date=dt.date(1990, 5, 21),
            passport="AA7788990",
            phone="+998 93 555 12 34",
            address="Qatortol ko'chasi, 40-uy",
            mahalla=mahalla,
            risk_group="other",
            grounds="Qo'shnilar bilan doimiy nizolar, tuman hokimligi xabari asosida.",
            responsible_inspector_id=inspector.id,
            registered_on=add_months(today, -8),
        ),
        inspector,
    )
    remove_person(person, inspector, add_months(today, -1), "Nizolar hal qilindi, yangi shikoyatlar kelib tushmagan.")
