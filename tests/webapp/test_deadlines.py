"""Legal time (webapp/casework/appeals/deadlines.py): pure functions, no database."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask

from webapp.casework.appeals.deadlines import (
    DEFAULT_CALENDAR,
    ExtensionRefused,
    WorkingCalendar,
    add_months,
    add_term,
    calendar_from_config,
    check_extension,
    consideration_deadline,
    consideration_term,
    current_calendar,
    days_left,
    effective_deadline,
    extension_range,
    extension_target,
    forwarding_due,
    parse_holidays,
    parse_working_hours,
    proposal_notice_due,
    registration_date,
    task_due_date,
)
from webapp.platform.timeutil import TASHKENT

D = dt.date.fromisoformat
UTC = dt.UTC


def tashkent(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso).replace(tzinfo=TASHKENT)


# --- month arithmetic ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("2026-01-15", 1, "2026-02-15"),
        ("2026-01-31", 1, "2026-02-28"),
        ("2028-01-31", 1, "2028-02-29"),  # leap year
        ("2028-02-29", 1, "2028-03-29"),
        ("2028-02-29", 12, "2029-02-28"),
        ("2026-03-31", 1, "2026-04-30"),
        ("2026-12-15", 1, "2027-01-15"),  # year end
        ("2026-12-31", 2, "2027-02-28"),
        ("2026-11-30", 3, "2027-02-28"),
        ("2026-05-31", 0, "2026-05-31"),
    ],
)
def test_add_months(start: str, months: int, expected: str) -> None:
    assert add_months(D(start), months) == D(expected)


@pytest.mark.parametrize(
    ("start", "term", "expected"),
    [
        ("2026-01-01", "P15D", "2026-01-16"),
        ("2026-12-20", "P15D", "2027-01-04"),
        ("2028-02-20", "P15D", "2028-03-06"),  # through 29 Feb
        ("2026-02-20", "P15D", "2026-03-07"),
        ("2026-01-31", "P1M", "2026-02-28"),
        ("2028-01-31", "p1m", "2028-02-29"),
        ("2026-01-01", "P2W", "2026-01-15"),
        ("2026-01-31", "P1M1D", "2026-03-01"),
    ],
)
def test_add_term(start: str, term: str, expected: str) -> None:
    assert add_term(D(start), term) == D(expected)


@pytest.mark.parametrize("term", ["", "P", "15D", "P1Y", "PT5H", "P-1D"])
def test_add_term_rejects_unsupported_terms(term: str) -> None:
    with pytest.raises(ValueError, match="unsupported deadline term"):
        add_term(D("2026-01-01"), term)


def test_days_left_counts_calendar_days_and_goes_negative() -> None:
    assert days_left(D("2026-03-01"), D("2026-02-27")) == 2
    assert days_left(D("2028-03-01"), D("2028-02-27")) == 3
    assert days_left(D("2026-01-10"), D("2026-01-10")) == 0
    assert days_left(D("2026-01-10"), D("2026-01-12")) == -2


# --- the working calendar and registration (Art. 23) -----------------------------------------


@pytest.mark.parametrize(
    ("received", "registered"),
    [
        ("2026-11-18 10:00", "2026-11-18"),  # Wednesday within hours
        ("2026-11-18 08:00", "2026-11-18"),  # before opening → that day
        ("2026-11-18 17:59", "2026-11-18"),
        ("2026-11-18 18:00", "2026-11-19"),  # closing time → next working day
        ("2026-11-20 19:00", "2026-11-23"),  # Friday evening → Monday
        ("2026-11-21 11:00", "2026-11-23"),  # Saturday → Monday
        ("2026-11-22 23:59", "2026-11-23"),  # Sunday → Monday
        ("2026-12-07 20:00", "2026-12-09"),  # Monday evening, Tuesday 8 Dec is Constitution Day
        ("2026-12-31 18:30", "2027-01-04"),  # year end: 1 Jan (Fri) holiday, weekend
        ("2026-03-06 18:01", "2026-03-09"),  # Friday evening before 8 Mar (Sunday)
        ("2026-03-20 12:00", "2026-03-20"),
        ("2026-08-31 18:00", "2026-09-02"),  # 1 Sep Independence Day
        ("2026-05-08 21:00", "2026-05-11"),
        ("2028-02-28 19:00", "2028-02-29"),  # leap day is a working Tuesday
    ],
)
def test_registration_date(received: str, registered: str) -> None:
    assert DEFAULT_CALENDAR.registration_date(tashkent(received)) == D(registered)


@pytest.mark.parametrize(
    ("received_utc", "registered"),
    [
        ("2026-11-17 23:30", "2026-11-18"),  # 23:30 UTC is 04:30 next day in Tashkent (before opening)
        ("2026-11-18 12:59", "2026-11-18"),  # 17:59 Tashkent
        ("2026-11-18 13:00", "2026-11-19"),  # 18:00 Tashkent
        ("2026-11-20 18:59", "2026-11-23"),  # Friday 23:59 Tashkent
        ("2026-06-15 03:00", "2026-06-15"),  # summer: still UTC+5, Tashkent has no DST
        ("2026-01-15 03:00", "2026-01-15"),
    ],
)
def test_registration_date_converts_from_utc(received_utc: str, registered: str) -> None:
    aware = dt.datetime.fromisoformat(received_utc).replace(tzinfo=UTC)
    assert registration_date(aware, DEFAULT_CALENDAR) == D(registered)
    naive = dt.datetime.fromisoformat(received_utc)  # as SQLite returns it: UTC
    assert registration_date(naive, DEFAULT_CALENDAR) == D(registered)


def test_tashkent_offset_is_five_hours_all_year() -> None:
    offsets = {dt.datetime(2026, month, 15, 12, tzinfo=TASHKENT).utcoffset() for month in range(1, 13)}
    assert offsets == {dt.timedelta(hours=5)}


def test_movable_holidays_and_hours_come_from_config() -> None:
    working = calendar_from_config({"WORKING_HOURS": "08:30-17:00", "HOLIDAYS": "2026-03-20, 2026-05-27"})
    assert (working.opens, working.closes) == (dt.time(8, 30), dt.time(17, 0))
    assert working.registration_date(tashkent("2026-11-18 17:30")) == D("2026-11-19")
    assert working.registration_date(tashkent("2026-03-20 10:00")) == D("2026-03-23")  # Ramazon hayit
    assert working.registration_date(tashkent("2026-05-26 19:00")) == D("2026-05-28")  # Qurbon hayit
    assert not working.is_working_day(D("2026-05-27"))
    assert DEFAULT_CALENDAR.is_working_day(D("2026-05-27"))


def test_config_accepts_lists_and_pairs() -> None:
    assert parse_holidays([D("2026-03-20"), "2026-05-27"]) == frozenset({D("2026-03-20"), D("2026-05-27")})
    assert parse_holidays("") == frozenset()
    assert parse_working_hours(("09:00", dt.time(18))) == (dt.time(9), dt.time(18))
    assert calendar_from_config({}) == DEFAULT_CALENDAR


@pytest.mark.parametrize("hours", ["9-18", "18:00-09:00", "09:00-09:00", "nine to six"])
def test_bad_working_hours_are_refused(hours: str) -> None:
    with pytest.raises(ValueError, match="WORKING_HOURS"):
        parse_working_hours(hours)


def test_a_calendar_without_working_days_is_refused() -> None:
    with pytest.raises(ValueError, match="no working days"):
        WorkingCalendar(workdays=frozenset()).next_working_day(D("2026-01-01"))


def test_current_calendar_reads_the_app_config(app: Flask) -> None:
    original = (app.config.get("WORKING_HOURS"), app.config.get("HOLIDAYS"))
    app.config.update(WORKING_HOURS="10:00-16:00", HOLIDAYS=["2026-03-20"])
    try:
        working = current_calendar()
        assert (working.opens, working.closes, working.holidays) == (
            dt.time(10),
            dt.time(16),
            frozenset({D("2026-03-20")}),
        )
        assert registration_date(tashkent("2026-11-18 16:30")) == D("2026-11-19")
    finally:
        app.config.update(WORKING_HOURS=original[0], HOLIDAYS=original[1])


# --- terms (Art. 28) -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "extra", "term", "deadline"),
    [
        ("ariza", False, "P15D", "2026-02-15"),
        ("shikoyat", False, "P15D", "2026-02-15"),
        ("ariza", True, "P1M", "2026-02-28"),
        ("shikoyat", True, "P1M", "2026-02-28"),
        ("taklif", False, "P1M", "2026-02-28"),
        ("taklif", True, "P1M", "2026-02-28"),
    ],
)
def test_consideration_terms(kind: str, extra: bool, term: str, deadline: str) -> None:
    assert consideration_term(kind, extra_study=extra) == term
    assert consideration_deadline(kind, D("2026-01-31"), extra_study=extra) == D(deadline)


def test_forwarding_and_proposal_notice_dates() -> None:
    assert forwarding_due(D("2026-12-29")) == D("2027-01-03")
    assert forwarding_due(D("2028-02-26")) == D("2028-03-02")
    assert proposal_notice_due(D("2028-02-25")) == D("2028-03-06")
    assert proposal_notice_due(D("2026-12-25")) == D("2027-01-04")


class _Appeal:
    def __init__(self, registered_on: str, deadline: str) -> None:
        self.registered_on = D(registered_on)
        self.deadline = D(deadline)


def test_task_due_date() -> None:
    appeal = _Appeal("2026-01-10", "2026-01-25")
    assert task_due_date("forward_appeal", appeal) == D("2026-01-15")
    assert task_due_date("check_registration", appeal) == D("2026-01-25")
    assert task_due_date("analyse_appeal", appeal) == D("2026-01-25")


def test_task_due_date_with_a_norm_from_the_diagram() -> None:
    appeal = _Appeal("2026-01-10", "2026-01-25")
    created = D("2026-01-12")
    assert task_due_date("analyse_appeal", appeal, norm="P3D", created_on=created) == D("2026-01-15")
    assert task_due_date("take_measures", appeal, norm="P1M", created_on=created) == D("2026-01-25")  # the law wins
    assert task_due_date("forward_appeal", appeal, norm="P5D", created_on=created) == D("2026-01-15")
    assert task_due_date("analyse_appeal", appeal, norm="soon", created_on=created) == D("2026-01-25")


def test_effective_deadline() -> None:
    assert effective_deadline(D("2026-01-25"), None) == D("2026-01-25")
    assert effective_deadline(D("2026-01-25"), D("2026-02-20")) == D("2026-02-20")
    # a longer term decided later (extra study) is never cut short by an earlier extension
    assert effective_deadline(D("2026-02-28"), D("2026-02-20")) == D("2026-02-28")


# --- extension (Art. 28) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("registered", "deadline", "earliest", "latest"),
    [
        ("2026-01-10", "2026-01-25", "2026-01-26", "2026-02-25"),  # 15-day term: +1 month
        ("2026-01-31", "2026-02-28", "2026-03-01", "2026-03-28"),  # month end
        ("2026-01-30", "2026-03-02", "2026-03-03", "2026-03-30"),  # capped at 2 months from registration
        ("2028-01-31", "2028-02-29", "2028-03-01", "2028-03-29"),  # leap year
        ("2026-12-20", "2027-01-04", "2027-01-05", "2027-02-04"),  # year end
    ],
)
def test_extension_range(registered: str, deadline: str, earliest: str, latest: str) -> None:
    assert extension_range(D(registered), D(deadline)) == (D(earliest), D(latest))


def test_check_extension_accepts_the_bounds() -> None:
    for day in ("2026-01-26", "2026-02-10", "2026-02-25"):
        assert check_extension(D("2026-01-10"), D("2026-01-25"), D(day), already_extended=False) == D(day)


@pytest.mark.parametrize(
    ("new_date", "already", "code"),
    [
        ("2026-01-25", False, "too_short"),
        ("2026-01-01", False, "too_short"),
        ("2026-02-26", False, "too_long"),
        ("2026-04-01", False, "too_long"),
        ("2026-02-01", True, "already_extended"),
    ],
)
def test_check_extension_refuses(new_date: str, already: bool, code: str) -> None:
    with pytest.raises(ExtensionRefused) as refused:
        check_extension(D("2026-01-10"), D("2026-01-25"), D(new_date), already_extended=already)
    assert refused.value.code == code


def test_two_months_from_registration_is_the_ceiling() -> None:
    registered, deadline = D("2026-01-31"), D("2026-03-15")
    assert extension_range(registered, deadline)[1] == D("2026-03-31")
    with pytest.raises(ExtensionRefused, match="too_long"):
        check_extension(registered, deadline, D("2026-04-01"), already_extended=False)


def test_extension_target() -> None:
    assert extension_target(D("2026-01-31"), months=1) == D("2026-02-28")
    assert extension_target(D("2026-01-31"), until=D("2026-02-10")) == D("2026-02-10")
    with pytest.raises(ExtensionRefused, match="until_or_months"):
        extension_target(D("2026-01-31"))
    with pytest.raises(ExtensionRefused, match="until_or_months"):
        extension_target(D("2026-01-31"), until=D("2026-02-10"), months=1)
    with pytest.raises(ExtensionRefused, match="too_short"):
        extension_target(D("2026-01-31"), months=0)
