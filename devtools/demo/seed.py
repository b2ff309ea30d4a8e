"""The demo: Tashkent city, two districts, seven mahallas, users of every role, 44 live appeals
and an archive of closed ones (devtools/demo/history.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from devtools.demo.history import seed_history
from devtools.demo.partners import seed_partners
from devtools.demo.prevention_registry import seed_registry
from devtools.demo.prevention_work import seed_prevention_work
from devtools.demo.texts import APPEALS, NAMES, STREETS
from engine.clock import frozen_at
from webapp.cases.models import PendingTask
from webapp.cases.tasks.service import tasks_of_appeal
from webapp.cases.versions import APPEAL_PROCESS, BUNDLED_LINEAGES, current_version, publish_files
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.runtime import complete_task
from webapp.casework.appeals.service import NewAppeal, register_appeal
from webapp.cooperation.partners import service as partners
from webapp.cooperation.partners.roles import MAHALLA_CHAIR, PARTNER
from webapp.extensions import db
from webapp.platform.auth.models import Role, User
from webapp.platform.auth.service import hash_password
from webapp.platform.staffing import service as staffing
from webapp.platform.territory.models import District, Mahalla, Region
from webapp.platform.timeutil import as_utc, local_today, utcnow

STAFFED_SINCE = dt.date(2025, 1, 1)
DEMO_PASSWORD = "demo"  # noqa: S105 - the documented demo password

TERRITORY = {
    ("TSH", "Toshkent shahri"): {
        ("TSH-CHL", "Chilonzor tumani"): [
            ("CHL-01", "Bunyodkor MFY"),
            ("CHL-02", "Qatortol MFY"),
            ("CHL-03", "Lutfiy MFY"),
            ("CHL-04", "Novza MFY"),
        ],
        ("TSH-YUN", "Yunusobod tumani"): [
            ("YUN-01", "Bodomzor MFY"),
            ("YUN-02", "Minor MFY"),
            ("YUN-03", "Yangi Shahar MFY"),
        ],
    }
}

USERS: list[dict[str, Any]] = [
    {"username": "admin", "full_name": "Tizim administratori", "role": Role.ADMIN},
    {"username": "methodologist", "full_name": "Nilufar Hasanova", "role": Role.METHODOLOGIST},
    {"username": "supervisor", "full_name": "Anvar Qosimov", "role": Role.SUPERVISOR, "district": "TSH-CHL"},
    {"username": "supervisor2", "full_name": "Laziz Rahmonov", "role": Role.SUPERVISOR, "district": "TSH-YUN"},
    {"username": "cityhead", "full_name": "Bahodir Aliyev", "role": Role.SUPERVISOR, "region": "TSH"},
    {"username": "inspector1", "full_name": "Sardor Umarov", "role": Role.INSPECTOR, "mahallas": ["CHL-01", "CHL-02"]},
    {
        "username": "inspector2",
        "full_name": "Kamola Yo'ldosheva",
        "role": Role.INSPECTOR,
        "mahallas": ["CHL-03", "CHL-04"],
    },
    {
        "username": "inspector3",
        "full_name": "Doniyor Hakimov",
        "role": Role.INSPECTOR,
        "mahallas": ["YUN-01", "YUN-02", "YUN-03"],
    },
    {
        "username": "adviser1",
        "full_name": "Malika Saidova",
        "role": Role.YOUTH_ADVISER,
        "mahallas": ["CHL-01", "CHL-02"],
    },
    {"username": "police1", "full_name": "Jasur Toshmatov", "role": PARTNER, "organisation": "chl-police"},
    {"username": "social1", "full_name": "Dilnoza Karimova", "role": PARTNER, "organisation": "chl-social"},
    {"username": "rais1", "full_name": "Abdulla Nazarov", "role": MAHALLA_CHAIR, "mahallas": ["CHL-01"]},
]

DESCRIPTIONS = {
    "admin": "administrator",
    "methodologist": "methodologist (process library)",
    "supervisor": "supervisor, Chilonzor district",
    "supervisor2": "supervisor, Yunusobod district",
    "cityhead": "supervisor, Tashkent city (region)",
    "inspector1": "inspector, Bunyodkor and Qatortol mahallas",
    "inspector2": "inspector, Lutfiy and Novza mahallas",
    "inspector3": "inspector, Yunusobod district mahallas",
    "adviser1": "youth affairs adviser, Bunyodkor and Qatortol mahallas",
    "police1": "partner, Chilonzor district police",
    "social1": "partner, Chilonzor social protection department",
    "rais1": "mahalla chair, Bunyodkor mahalla",
}

# How far each demo appeal gets: the tasks completed in order; it stops at the first task not listed.
SCENARIOS: list[dict[str, Any]] = [
    {"stop": "check_registration"},
    {"anonymous": True, "stop": "approve_conclusion"},
    {"forward": True, "stop": None},
    {"stop": "analyse_appeal"},
    {"crime": True, "stop": "acknowledge_referral"},  # waits in police1's and social1's inboxes
    {"stop": "take_measures"},
    {"social": True, "stop": "prepare_reply"},
    {"stop": "approve_reply"},
    {"stop": "evaluate_effectiveness"},
    {"stop": None},
    {"anonymous": True, "stop": None},
]


def demo_logins() -> list[tuple[str, str]]:
    return [(u["username"], DESCRIPTIONS[u["username"]]) for u in USERS]


def _territory() -> dict[str, Mahalla]:
    mahallas: dict[str, Mahalla] = {}
    for (region_code, region_name), districts in TERRITORY.items():
        region = Region(code=region_code, name=region_name)
        db.session.add(region)
        for (district_code, district_name), items in districts.items():
            district = District(code=district_code, name=district_name, region=region)
            db.session.add(district)
            for code, name in items:
                mahallas[code] = Mahalla(code=code, name=name, district=district)
                db.session.add(mahallas[code])
    db.session.flush()
    return mahallas


def _users(mahallas: dict[str, Mahalla]) -> dict[str, User]:
    password = hash_password(DEMO_PASSWORD)
    organisations = seed_partners(mahallas)
    users = {}
    for spec in USERS:
        user = User(
            username=spec["username"],
            full_name=spec["full_name"],
            role=str(spec["role"]),
            password_hash=password,
            email=f"{spec['username']}@mahalla.example",
        )
        if "district" in spec:
            user.district = db.session.scalar(select(District).where(District.code == spec["district"]))
        if "region" in spec:
            user.region = db.session.scalar(select(Region).where(Region.code == spec["region"]))
        db.session.add(user)
        db.session.flush()
        # Through the staffing service, so the demo has a dated history ("who served Bunyodkor?").
        served = [mahallas[c] for c in spec.get("mahallas", [])]
        staffing.set_mahallas(user, served, on=STAFFED_SINCE, actor_id=None)
        if user.district_id or user.region_id:
            staffing.set_headed_unit(
                user, district_id=user.district_id, region_id=user.region_id, on=STAFFED_SINCE, actor_id=None
            )
        if "organisation" in spec:
            partners.set_organisation(user, organisations[spec["organisation"]].id)
        users[spec["username"]] = user
    db.session.flush()
    return users


def _answer(task_name: str, appeal: Appeal, scenario: dict[str, Any], day: dt.date) -> dict[str, Any]:
    iso = day.isoformat()
    answers: dict[str, dict[str, Any]] = {
        "check_registration": {
            "kind": appeal.kind,
            "category": appeal.category,
            "urgency": appeal.urgency,
            "anonymous": bool(scenario.get("anonymous")),
            "within_competence": not scenario.get("forward"),
            "registration_note": "",
        },
        "write_conclusion": {
            "conclusion_text": "Murojaatda murojaat etuvchining ismi va yashash joyi ko'rsatilmagan, "
            "Qonunning 29-moddasiga ko'ra ko'rmay qoldiriladi."
        },
        "approve_conclusion": {"conclusion_approved": True, "supervisor_comment": "Tasdiqlandi."},
        "forward_appeal": {
            "competent_body": "Tuman hokimligi obodonlashtirish bo'limi",
            "forward_date": iso,
            "forward_letter": "Murojaat vakolatga ko'ra ko'rib chiqish uchun yuborildi.",
            "applicant_notified": True,
        },
        "analyse_appeal": {
            "causes": "Murojaat etuvchi bilan suhbatlashildi, holat joyida o'rganildi.",
            "severity": "high" if appeal.urgency == "urgent" else "medium",
            "crime_related": bool(scenario.get("crime")),
            "social_need": bool(scenario.get("social")),
            "extra_study_needed": appeal.kind == "taklif",
            "related_appeals": "",
        },
        "refer_law_enforcement": {
            "law_enforcement_body": "Tuman ichki ishlar bo'limi",
            "referral_date": iso,
            "referral_number": "12/345",
            "law_also_social_protection": True,  # to the police and social protection at once
        },
        "refer_social_services": {
            "social_service": "social_protection",
            "social_referral_note": "Oilaga ijtimoiy yordam ko'rsatish so'raldi.",
        },
        "evaluate_proposal": {
            "proposal_accepted": True,
            "implementation_plan": "Taklif mahalla yig'inida muhokama qilinib, rejaga kiritildi.",
        },
        "take_measures": {
            "measures": "prevention_talk",
            "measures_description": "Tomonlar bilan profilaktik suhbat o'tkazildi, tushuntirish berildi.",
            "measures_date": iso,
            "personal_data_protected": True,
            "problem_resolved": True,
        },
        "prepare_reply": {
            "reply_text": f"Hurmatli {appeal.applicant_name or 'fuqaro'}, murojaatingiz ko'rib chiqildi "
            "va tegishli choralar ko'rildi.",
            "reply_channel": "letter",
        },
        "approve_reply": {"reply_approved": True, "reply_comment": ""},
        "acknowledge_referral": {"referral_responsible": "Navbatchi xodim"},
        "report_referral_outcome": {
            "referral_outcome": "Murojaat bo'yicha tekshiruv o'tkazildi, oila bilan suhbat qilindi.",
            "referral_outcome_date": iso,
        },
        "review_overdue_referral": {"referral_escalation_decision": "contact_partner_head"},
        "record_result": {"result": "satisfied", "reply_date": iso, "result_note": ""},
        "review_overdue_case": {
            "overdue_decision": "instruct",
            "overdue_instruction": "Murojaatni shu hafta ichida yakunlang va natijani menga ma'lum qiling.",
        },
        "evaluate_effectiveness": {
            "effective": True,
            "effectiveness_score": 4,
            "recurring_issue": False,
            "recommendation": "Mahallada profilaktik suhbatlarni davom ettirish.",
        },
    }
    return answers[task_name]


# Typical hours a task waits before it is done: the bottlenecks page draws them as a heat map.
TASK_HOURS = {
    "check_registration": 4,
    "write_conclusion": 20,
    "approve_conclusion": 30,
    "forward_appeal": 26,
    "analyse_appeal": 54,
    "refer_law_enforcement": 30,
    "refer_social_services": 40,
    "evaluate_proposal": 96,
    "take_measures": 150,
    "prepare_reply": 44,
    "approve_reply": 18,
    "record_result": 8,
    "evaluate_effectiveness": 36,
}


def worker(task: PendingTask, workers: dict[str, User]) -> User:
    """Who completes a demo task: its lane's worker; a partner's task, the staff of its organisation
    (the mahalla's inspector records the answer of a partner that has nobody in the system)."""
    if task.role == "partner" and task.organisation_id is not None:
        staff = partners.staff_of(task.organisation_id)
        if staff:
            return staff[0]
    return workers.get(task.role) or workers["inspector"]


def _drive(appeal: Appeal, scenario: dict[str, Any], workers: dict[str, User], index: int = 0) -> None:
    """Complete the scenario's tasks one after another, each after its typical wait (varied),
    on the clock of the past (engine.clock.frozen_at), never later than now."""
    moment = appeal.received_at
    for step in range(20):
        pending = tasks_of_appeal(appeal.id)
        if not pending or pending[0].name == scenario["stop"]:
            return
        task = pending[0]
        spread = 0.5 + ((index * 7 + step * 3) % 10) / 10
        moment = min(moment + dt.timedelta(hours=TASK_HOURS.get(task.name, 24) * spread), utcnow())
        day = local_today(as_utc(moment))  # dates of things done: the day of the completion
        with frozen_at(moment):
            complete_task(task, worker(task, workers), _answer(task.name, appeal, scenario, day))


def seed() -> bool:
    """Create the demo data unless it exists; return whether anything was created."""
    if db.session.scalar(select(Region).where(Region.code == "TSH")) is not None:
        return False
    mahallas = _territory()
    users = _users(mahallas)
    current_version()
    db.session.commit()
    seed_prevention_work(mahallas, users)
    db.session.commit()
    inspectors = {m.code: u for u in users.values() if u.role == Role.INSPECTOR for m in u.mahallas}
    supervisors = {u.district.code: u for u in users.values() if u.role == Role.SUPERVISOR and u.district}
    codes = sorted(mahallas)
    now = utcnow()
    seed_history(mahallas, inspectors, supervisors, now)  # the archive first: older cases, lower numbers
    for index, (kind, category, urgency, text) in enumerate(APPEALS):
        scenario = SCENARIOS[index % len(SCENARIOS)]
        mahalla = mahallas[codes[index % len(codes)]]
        anonymous = bool(scenario.get("anonymous"))
        new = NewAppeal(
            mahalla=mahalla,
            kind=kind,
            text=text,
            channel=("walk_in", "written", "oral", "api", "web")[index % 5],
            applicant_name="" if anonymous else NAMES[index % len(NAMES)],
            applicant_phone=""
            if anonymous
            else f"+998 90 {100 + index:03d} {10 + index % 90:02d} {20 + index % 80:02d}",
            address=f"{STREETS[index % len(STREETS)]}, {3 + index}-uy",
            anonymous=anonymous,
            category=category,
            urgency=urgency,
        )
        inspector = inspectors[mahalla.code]
        received = now - dt.timedelta(days=(index * 7) % 40, hours=index % 9)
        with frozen_at(received):
            appeal = register_appeal(new, inspector, received_at=received)
        workers = {"inspector": inspector, "supervisor": supervisors[mahalla.district.code]}
        _drive(appeal, scenario, workers, index)
    seed_registry(users)
    _publish_revision(users["methodologist"])
    _draft(users["methodologist"])
    for process_id in sorted(BUNDLED_LINEAGES):  # the decision tables too, so the library lists them all
        current_version(process_id)
    db.session.commit()
    return True


# A methodologist's revision of the analysis step, published after the demo cases started: the
# process pages show what changed, and the running cases that can move to it.
ANALYSIS_REVISION = (
    ('<camunda:property name="norm" value="P3D"/>', '<camunda:property name="norm" value="P2D"/>'),
    ('label="Sabablar va holatlar"', 'label="Muammoning sabablari va holatlari"'),
)


def _publish_revision(methodologist: User) -> None:
    base = current_version()
    files = dict(base.files)
    for old, new in ANALYSIS_REVISION:
        files["appeal_analysis.bpmn"] = files["appeal_analysis.bpmn"].replace(old, new, 1)
    publish_files(base.process_id, files, actor=methodologist, note="Tahlil muddati 2 kunga qisqartirildi")
    db.session.commit()


def _draft(methodologist: User) -> None:
    """The methodologist's draft in the process library: a longer norm for checking a new appeal."""
    from webapp.studio.library.service import start_draft

    draft = start_draft(APPEAL_PROCESS, methodologist)
    files = dict(draft.files)
    registration = files["appeal_registration.bpmn"]
    files["appeal_registration.bpmn"] = registration.replace('name="norm" value="P1D"', 'name="norm" value="P2D"', 1)
    draft.files = files
    db.session.commit()
