"""A resident on a phone subscribes to the inspector's prevention notices from the front door,
confirms the code from the SMS, receives the approved notice and unsubscribes with its link;
screenshots of the form at 390×844 and 1280×800."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import Flask

from tests.conftest import World
from tests.e2e.conftest import screenshot
from tests.e2e.test_citizen_front_door import desktop, fits_the_screen, phone, sms_to  # noqa: F401  (fixtures)
from webapp.cooperation.notices.service import NoticeData, create_notice, review_notice
from webapp.platform.timeutil import local_today

NUMBER = "+998 93 222 33 44"


def test_a_resident_on_a_phone_subscribes_and_unsubscribes(
    app: Flask,
    phone: Any,  # noqa: F811
    desktop: Any,  # noqa: F811
    world: World,
) -> None:
    desktop.goto("/ogohlantirishlar/obuna")
    assert fits_the_screen(desktop)
    screenshot(desktop, "notice-subscribe-desktop")

    page = phone
    page.goto("/")
    page.click("#subscribe-link")
    page.wait_for_url(re.compile(r"/ogohlantirishlar/obuna$"))
    assert fits_the_screen(page)
    page.click("#subscribe button[type=submit]")  # nothing filled in: clear messages, no 500
    assert page.locator(".invalid-feedback").count() >= 2
    page.fill("input[name=phone]", NUMBER)
    page.select_option("select[name=mahallas]", [world.mahalla.code, world.second_mahalla.code])
    screenshot(page, "notice-subscribe-phone")
    page.click("#subscribe button[type=submit]")
    page.wait_for_url(re.compile(r"/ogohlantirishlar/obuna/tasdiqlash$"))
    code = re.findall(r"\b\d{6}\b", sms_to(NUMBER)[-1])[0]
    page.fill("input[name=confirmation]", code)
    page.click("#confirm button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))
    assert "Bunyodkor MFY" in page.inner_text(".alert-success")

    today = local_today()
    text = NoticeData(
        "Bedarak yo'qolgan bola",
        "Qatortol mahallasida 9 yoshli bola yo'qoldi; ko'rganlar 102 ga qo'ng'iroq qilsin.",
        "В махалле Катартал пропал ребёнок 9 лет; видевших просим звонить 102.",
        today,
        today + dt.timedelta(days=3),
    )
    notice = create_notice(world.inspector, [world.second_mahalla], text)
    with app.test_request_context():  # the approval happens in the supervisor's request
        review_notice(notice, world.supervisor, True, "")
    sms = sms_to(NUMBER)[-1]
    assert "yo'qolgan bola" in sms
    link = re.search(r"https?://\S+(/ogohlantirishlar/bekor/\S+)", sms)
    assert link, sms

    page.goto(link.group(1))
    assert fits_the_screen(page)
    page.click("#unsubscribe button[type=submit]")
    assert page.locator("#unsubscribed").is_visible()
    screenshot(page, "notice-unsubscribed-phone")
