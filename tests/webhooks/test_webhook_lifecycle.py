"""The webhook events the main path does not pass: forwarding to the competent body, a deadline
passed (the timer job with injected time escalates the case), a reopening (the citizen's low
rating of a running case, or of a closed one: a new linked appeal) and the close of a case — each
delivered, signed, to a real HTTP server, carrying what happened."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from tests.conftest import World
from tests.webapp.cases import appeal_by_number, complete, drive_to, pending_names, register
from tests.webhooks.conftest import Api, Receiver, send_webhooks, signed_payloads, subscribe
from webapp.cases.timer_service import fire_due_timers
from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.reminders import ESCALATION_TASK
from webapp.casework.appeals.timer_data import overdue_at
from webapp.casework.ratings.service import Outcome, Rating, rate_appeal
from webapp.platform.auth.models import User


def of_type(payloads: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [p for p in payloads if p["type"] == kind]


def subscribed(bearer_api: Callable[[User], Api], world: World, receiver: Receiver, events: list[str]) -> str:
    """Subscribe the receiver to ``events``; the subscription's secret."""
    return str(subscribe(bearer_api, world, receiver.url, events)["secret"])


def test_forwarding_to_the_competent_body_is_delivered(
    bearer_api: Callable[[User], Api], world: World, receiver: Receiver
) -> None:
    secret = subscribed(bearer_api, world, receiver, ["appeal.forwarded"])
    appeal = register(world)
    drive_to(world, appeal, "forward_appeal")
    send_webhooks()
    assert receiver.requests == []  # nothing forwarded yet
    complete(world, appeal, "forward_appeal", competent_body="Tuman soliq inspeksiyasi")
    send_webhooks()
    [forwarded] = signed_payloads(receiver, secret)
    assert forwarded["type"] == "appeal.forwarded"
    assert forwarded["data"] == {"competent_body": "Tuman soliq inspeksiyasi"}
    assert forwarded["appeal"]["number"] == appeal.number
    assert forwarded["appeal"]["status"] == appeal_by_number(appeal.number).status == "forwarded"


def test_a_passed_deadline_is_delivered_once_as_overdue(
    bearer_api: Callable[[User], Api], world: World, receiver: Receiver
) -> None:
    secret = subscribed(bearer_api, world, receiver, ["appeal.overdue"])
    appeal = register(world)
    drive_to(world, appeal, "analyse_appeal")
    fire_due_timers(now=overdue_at(appeal.deadline) - dt.timedelta(hours=1))  # not yet
    send_webhooks()
    assert receiver.requests == []
    later = overdue_at(appeal.deadline) + dt.timedelta(hours=1)
    fire_due_timers(now=later)
    fire_due_timers(now=later + dt.timedelta(days=1))  # the job runs again: no second delivery
    assert ESCALATION_TASK in pending_names(appeal)
    send_webhooks()
    [overdue] = signed_payloads(receiver, secret)
    assert overdue["type"] == "appeal.overdue"
    assert overdue["appeal"]["number"] == appeal.number
    assert overdue["appeal"]["deadline"] == appeal.deadline.isoformat()
    assert dt.datetime.fromisoformat(overdue["occurred_at"]).tzinfo is not None


def answered(world: World) -> Appeal:
    appeal = register(world, applicant_phone="+998 91 555 44 33")
    drive_to(world, appeal, "evaluate_effectiveness")
    return appeal


def test_a_low_rating_of_a_running_case_is_delivered_as_reopened(
    bearer_api: Callable[[User], Api], world: World, receiver: Receiver
) -> None:
    appeal = answered(world)
    secret = subscribed(bearer_api, world, receiver, ["appeal.reopened", "appeal.stage_changed"])
    result = rate_appeal(appeal, Rating(score=1, resolved=False, comment="Hech narsa o'zgarmadi."))
    assert result.outcome == Outcome.REOPENED
    send_webhooks()
    payloads = signed_payloads(receiver, secret)
    [reopened] = of_type(payloads, "appeal.reopened")
    assert reopened["appeal"]["number"] == appeal.number
    assert reopened["appeal"]["is_open"] is True
    assert reopened["data"] == {}  # the citizen's comment is not published
    assert "Hech narsa" not in str(payloads)
    [moved] = of_type(payloads, "appeal.stage_changed")
    assert (moved["data"]["from_stage"], moved["data"]["to_stage"]) == (5, 3)


def test_closing_is_delivered_and_a_low_rating_afterwards_reopens_as_a_new_appeal(
    bearer_api: Callable[[User], Api], world: World, receiver: Receiver
) -> None:
    appeal = answered(world)
    secret = subscribed(bearer_api, world, receiver, ["appeal.closed", "appeal.reopened", "appeal.registered"])
    complete(world, appeal, "evaluate_effectiveness")
    send_webhooks()
    [closed] = signed_payloads(receiver, secret)
    assert closed["type"] == "appeal.closed"
    assert closed["appeal"]["number"] == appeal.number
    assert closed["appeal"]["is_open"] is False
    assert closed["data"] == {}

    result = rate_appeal(appeal_by_number(appeal.number), Rating(score=2, resolved=False))
    assert result.outcome == Outcome.NEW_APPEAL and result.new_appeal is not None
    send_webhooks()
    later = signed_payloads(receiver, secret)[1:]
    assert sorted(p["type"] for p in later) == ["appeal.registered", "appeal.reopened"]
    [reopened] = of_type(later, "appeal.reopened")
    assert reopened["appeal"]["number"] == appeal.number
    assert reopened["data"] == {"appeal": result.new_appeal.number}
    [registered] = of_type(later, "appeal.registered")
    assert registered["appeal"]["number"] == result.new_appeal.number
