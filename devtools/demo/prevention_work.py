"""Demo data of prevention work: youth with referrals, two patrol groups with a schedule and
reports (one with an incident), advocacy events planned and held, joint plans with items."""

from __future__ import annotations

import datetime as dt

from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.territory.models import Mahalla
from webapp.platform.timeutil import local_today
from webapp.prevention.work.models import (
    AdvocacyEvent,
    JointPlan,
    JointPlanItem,
    PatrolGroup,
    PatrolIncident,
    PatrolMember,
    PatrolReport,
    PlannedPatrol,
    YoungPerson,
    YouthActivity,
    YouthReferral,
)

# (mahalla, name, age, status, address, phone, referrals: (kind, to, days ago, outcome, outcome days ago))
YOUTH: list[tuple[str, str, int, str, str, str, list[tuple[str, str, int, str, int | None]]]] = [
    (
        "CHL-01",
        "Jasurbek Toshpoʻlatov",
        19,
        "neither",
        "Bunyodkor koʻchasi, 12-uy",
        "+998 90 311 22 41",
        [("employment", "“Chilonzor Textile” MChJ", 40, "placed", 25)],
    ),
    (
        "CHL-01",
        "Dilnoza Qurbonova",
        17,
        "neither",
        "Muqimiy koʻchasi, 5-uy",
        "+998 93 402 18 77",
        [("vocational", "Chilonzor tuman kasb-hunar markazi", 20, "pending", None)],
    ),
    (
        "CHL-01",
        "Sherzod Mirzayev",
        22,
        "neither",
        "Qatortol koʻchasi, 40-uy",
        "+998 97 145 60 12",
        [
            ("employment", "Tuman bandlikka koʻmaklashish markazi", 35, "no_show", 28),
            ("employment", "“Oqtepa Lavash” filiali", 10, "pending", None),
        ],
    ),
    (
        "CHL-02",
        "Madina Ergasheva",
        18,
        "studying",
        "Lutfiy koʻchasi, 3-uy",
        "+998 99 870 33 10",
        [("education", "Toshkent axborot texnologiyalari texnikumi", 90, "placed", 70)],
    ),
    (
        "CHL-02",
        "Bekzod Rahimov",
        24,
        "neither",
        "Gavhar koʻchasi, 18-uy",
        "",
        [("employment", "“Toshkent metropoliteni” DUK", 15, "refused", 12)],
    ),
    (
        "CHL-03",
        "Oybek Nurmatov",
        20,
        "working",
        "Novza koʻchasi, 27-uy",
        "+998 90 918 44 02",
        [("employment", "“Korzinka” supermarketi", 60, "placed", 50)],
    ),
    ("CHL-04", "Sevara Xolmatova", 16, "neither", "Bunyodkor shoh koʻchasi, 9-uy", "+998 94 233 71 90", []),
    (
        "YUN-01",
        "Azizbek Yusupov",
        21,
        "neither",
        "Bodomzor yoʻli, 14-uy",
        "+998 91 555 20 30",
        [("vocational", "Yunusobod tuman monomarkazi", 25, "placed", 5)],
    ),
    ("YUN-02", "Gulnoza Abdullayeva", 19, "neither", "Minor koʻchasi, 2-uy", "+998 93 700 61 15", []),
]
ACTIVITIES = [
    ("conversation", 30, "Kasb tanlash boʻyicha suhbat oʻtkazildi, bandlik markaziga yoʻllanma taklif etildi."),
    ("sport", 14, "Mahalla mini-futbol musobaqasida ishtirok etdi."),
    ("training", 7, "“Yoshlar daftari” boʻyicha kompyuter savodxonligi kursiga yozildi."),
]
GROUPS = [
    (
        "CHL-01",
        "“Fidokor Yoshlar” — Bunyodkor",
        "Otabek Karimov",
        "+998 90 123 45 67",
        ["Sardorbek Aliyev", "Islom Xudoyberdiyev", "Javohir Sobirov", "Ulugʻbek Norqulov", "Nodir Ismoilov"],
    ),
    (
        "YUN-01",
        "“Fidokor Yoshlar” — Bodomzor",
        "Shohruh Tursunov",
        "+998 93 765 43 21",
        ["Abdulloh Rustamov", "Behruz Qodirov", "Temur Saidov", "Zafar Olimov"],
    ),
]
ROUTES = [
    "Bunyodkor koʻchasi — maktab № 112 — bozor atrofi",
    "Muqimiy koʻchasi — bolalar maydonchasi — avtobus bekati",
    "Mahalla guzari — sport maydoni — yer osti yoʻlagi",
]
EVENTS: list[tuple[str, str, str, str, str, int, str, int, int | None]] = [
    (
        "CHL-01",
        "Voyaga yetmaganlar oʻrtasida huquqbuzarliklarning oldini olish",
        "school",
        "112-maktab",
        "Tuman xalq taʼlimi boʻlimi",
        -20,
        "held",
        120,
        134,
    ),
    (
        "CHL-02",
        "Oilaviy zoʻravonlikdan himoya: ayollar huquqlari",
        "women",
        "Mahalla guzari",
        "“Oila” ilmiy-amaliy markazi",
        -12,
        "held",
        40,
        36,
    ),
    (
        "CHL-03",
        "Kiberxavfsizlik va internet firibgarligidan saqlanish",
        "college",
        "Chilonzor texnikumi",
        "Yoshlar ishlari agentligi",
        -5,
        "held",
        80,
        92,
    ),
    (
        "YUN-01",
        "Ota-onalar masʼuliyati va farzand tarbiyasi",
        "parents",
        "Mahalla yigʻini zali",
        "Tuman adliya boʻlimi",
        -30,
        "held",
        50,
        47,
    ),
    (
        "CHL-01",
        "Giyohvandlikka qarshi kurash: yoshlar bilan ochiq muloqot",
        "juveniles",
        "Mahalla sport zali",
        "Tuman IIB, “Yoshlar ittifoqi”",
        7,
        "planned",
        60,
        None,
    ),
    (
        "YUN-02",
        "Fuqarolarning murojaat qilish huquqi",
        "residents",
        "Mahalla guzari",
        "Tuman hokimligi",
        14,
        "planned",
        70,
        None,
    ),
]
PLAN_ITEMS: list[tuple[str, str, int, str, str]] = [
    (
        "Mahallalarda “Fidokor Yoshlar” guruhlari bilan tungi reydlar oʻtkazish",
        "Profilaktika inspektorlari, Yoshlar ittifoqi",
        -40,
        "done",
        "Har hafta 2 marta reyd oʻtkazildi, 3 ta huquqbuzarlik aniqlandi.",
    ),
    (
        "Nomaqbul oilalar roʻyxatini xotin-qizlar faollari bilan birga aniqlashtirish",
        "Xotin-qizlar faoli, inspektor",
        -20,
        "done",
        "Roʻyxat yangilandi: 14 oila, har biriga biriktirilgan masʼul.",
    ),
    (
        "Uyushmagan yoshlarni kasb-hunar kurslariga jalb etish",
        "Yoshlar masalalari boʻyicha maslahatchi, bandlik markazi",
        -5,
        "in_progress",
        "",
    ),
    ("Maktablarda huquqiy targʻibot haftaligini tashkil etish", "Tuman xalq taʼlimi boʻlimi", -3, "planned", ""),
    (
        "Koʻcha yoritilishi zaif joylarni xatlovdan oʻtkazish va hokimlikka taqdim etish",
        "Mahalla raisi, tuman hokimligi",
        15,
        "planned",
        "",
    ),
    ("Yarim yillik natijalarni tuman kengashida muhokama qilish", "Tuman IIB profilaktika boʻlimi", 60, "planned", ""),
]


def _born(today: dt.date, age: int, index: int) -> dt.date:
    return dt.date(today.year - age, 1 + index % 12, 1 + (index * 7) % 27)


def seed_prevention_work(mahallas: dict[str, Mahalla], users: dict[str, User]) -> None:
    """Add the demo records (the caller commits)."""
    today = local_today()
    adviser = users.get("adviser1")
    inspectors = {m.code: u for u in users.values() if u.role == "inspector" for m in u.mahallas}

    for index, (code, name, age, status, address, phone, referrals) in enumerate(YOUTH):
        mahalla = mahallas[code]
        person = YoungPerson(
            mahalla_id=mahalla.id,
            district_id=mahalla.district_id,
            full_name=name,
            birth_date=_born(today, age, index),
            phone=phone,
            address=address,
            status=status,
            created_by_id=adviser.id if adviser else None,
        )
        db.session.add(person)
        db.session.flush()
        for kind, to, days_ago, outcome, outcome_ago in referrals:
            db.session.add(
                YouthReferral(
                    person_id=person.id,
                    kind=kind,
                    referred_to=to,
                    referred_on=today - dt.timedelta(days=days_ago),
                    outcome=outcome,
                    outcome_on=today - dt.timedelta(days=outcome_ago) if outcome_ago is not None else None,
                    created_by_id=adviser.id if adviser else None,
                )
            )
        for kind, days_ago, note in ACTIVITIES[: 1 + index % 3]:
            author = adviser if adviser and code in {m.code for m in adviser.mahallas} else inspectors[code]
            db.session.add(
                YouthActivity(
                    person_id=person.id,
                    kind=kind,
                    occurred_on=today - dt.timedelta(days=days_ago + index),
                    note=note,
                    author_id=author.id,
                )
            )

    for code, name, leader, phone, member_names in GROUPS:
        mahalla = mahallas[code]
        group = PatrolGroup(
            mahalla_id=mahalla.id,
            district_id=mahalla.district_id,
            name=name,
            leader_name=leader,
            leader_phone=phone,
            members=[PatrolMember(full_name=m, phone=f"+998 9{i} 4{i}0 1{i} 2{i}") for i, m in enumerate(member_names)],
        )
        db.session.add(group)
        db.session.flush()
        inspector = inspectors[code]
        for week, days in enumerate((-21, -14, -7, -2, 3, 10)):
            day = today + dt.timedelta(days=days)
            patrol = PlannedPatrol(
                group_id=group.id,
                mahalla_id=mahalla.id,
                district_id=mahalla.district_id,
                patrol_date=day,
                starts_at=dt.time(20, 0),
                ends_at=dt.time(23, 0),
                route=ROUTES[week % len(ROUTES)],
                created_by_id=inspector.id,
            )
            db.session.add(patrol)
            db.session.flush()
            if days >= 0 or days == -2:
                continue  # the future, and one patrol still waiting for its report
            report = PatrolReport(
                group_id=group.id,
                planned_patrol_id=patrol.id,
                mahalla_id=mahalla.id,
                district_id=mahalla.district_id,
                report_date=day,
                route=patrol.route,
                author_id=inspector.id,
                observations="Koʻchalar tinch, bolalar maydonchasida yoritish yetarli emas."
                if week % 2
                else "Yoshlar guruhlari bilan suhbat oʻtkazildi, tartibbuzarlik kuzatilmadi.",
                members_present=group.members[: 3 + week % 2],
            )
            if week == 1:
                report.incidents.append(
                    PatrolIncident(
                        mahalla_id=mahalla.id,
                        district_id=mahalla.district_id,
                        occurred_on=day,
                        description="Soat 22:30 da avtobus bekati yonida voyaga yetmagan ikki oʻsmir spirtli ichimlik "
                        "isteʼmol qilayotgani aniqlandi, ota-onalariga xabar berildi.",
                        place=ROUTES[1].split(" — ")[-1],
                    )
                )
            db.session.add(report)

    for code, topic, audience, venue, partner, days, status, planned, actual in EVENTS:
        mahalla = mahallas[code]
        db.session.add(
            AdvocacyEvent(
                mahalla_id=mahalla.id,
                district_id=mahalla.district_id,
                topic=topic,
                audience=audience,
                venue=venue,
                partner=partner,
                event_date=today + dt.timedelta(days=days),
                status=status,
                planned_attendance=planned,
                actual_attendance=actual,
                created_by_id=inspectors[code].id,
            )
        )

    chilonzor = mahallas["CHL-01"].district_id
    plan = JointPlan(
        title="Chilonzor tumanida huquqbuzarliklar profilaktikasi boʻyicha hamkorlikdagi joriy reja",
        kind="current",
        period_start=today - dt.timedelta(days=60),
        period_end=today + dt.timedelta(days=120),
        district_id=chilonzor,
        partners="Tuman hokimligi, Yoshlar ishlari agentligi, “Mahalla” xayriya jamoat fondi, xotin-qizlar qoʻmitasi",
        created_by_id=users["supervisor"].id,
        items=[
            JointPlanItem(
                activity=activity,
                responsible=responsible,
                due_on=today + dt.timedelta(days=days),
                status=status,
                report=report,
                done_on=today + dt.timedelta(days=days + 2) if status == "done" else None,
            )
            for activity, responsible, days, status, report in PLAN_ITEMS
        ],
    )
    db.session.add(plan)
    db.session.add(
        JointPlan(
            title="Bunyodkor mahallasida “Xavfsiz mahalla” uzoq muddatli rejasi",
            kind="long_term",
            period_start=today.replace(month=1, day=1),
            period_end=today.replace(month=12, day=31),
            district_id=chilonzor,
            mahalla_id=mahallas["CHL-01"].id,
            partners="Mahalla yigʻini, 112-maktab, tuman IIB",
            created_by_id=inspectors["CHL-01"].id,
            items=[
                JointPlanItem(
                    activity="Har chorakda ota-onalar bilan huquqiy targʻibot uchrashuvi",
                    responsible="Inspektor",
                    due_on=today + dt.timedelta(days=30),
                    status="planned",
                ),
                JointPlanItem(
                    activity="Videokuzatuv kameralarini bekat va maktab oldiga oʻrnatish",
                    responsible="Mahalla raisi, tuman hokimligi",
                    due_on=today - dt.timedelta(days=10),
                    status="in_progress",
                ),
            ],
        )
    )
