"""Files with a partner's answer, in a real browser: police1 picks a program disguised as a PDF on
the outcome report's file input and is told in Uzbek that this kind of file is not accepted;
then attaches a real PDF and answers; the partner's page lists what they sent; the inspector
finds the file on the case's timeline and downloads it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sqlalchemy import select

from tests.conftest import World
from tests.cooperation.test_referrals import Partners, referred
from tests.e2e.conftest import screenshot
from tests.e2e.test_lifecycle import answers, fill, log_in
from tests.intake.conftest import EXE, PDF
from tests.webapp.cases import answers as task_answers
from tests.webapp.cases import the_task
from webapp.casework.appeals.models import Attachment
from webapp.casework.appeals.runtime import complete_task
from webapp.extensions import db

INPUT = "main input[type=file][name=referral_attachments]"


def test_police1_attaches_a_pdf_to_the_answer_and_the_inspector_downloads_it(
    new_page: Any, world: World, tmp_path: Path
) -> None:
    orgs = Partners(world)
    orgs.police1.password_hash = world.inspector.password_hash
    appeal = referred(world)
    complete_task(the_task(appeal, "acknowledge_referral"), orgs.police1, task_answers("acknowledge_referral"))
    task = the_task(appeal, "report_referral_outcome")
    db.session.commit()

    police = new_page()
    log_in(police, orgs.police1.username, lands_on="/partner")
    police.goto(f"/tasks/{task.id}")
    file_input = police.locator(INPUT)
    assert file_input.get_attribute("multiple") is not None
    assert file_input.get_attribute("accept") == ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"
    assert "10 MB" in police.locator("main form[enctype]").inner_text()  # the field's limit, shown beside it

    fill(police, answers("report_referral_outcome"))
    file_input.set_input_files([{"name": "dalolatnoma.pdf", "mimeType": "application/pdf", "buffer": EXE}])
    police.click("main form[enctype] button[type=submit]")
    police.wait_for_selector("main .invalid-feedback")
    assert "Bu turdagi fayl bu yerda qabul qilinmaydi" in police.locator("main form[enctype]").inner_text()
    screenshot(police, "partner-report-wrong-file")
    db.session.expire_all()
    assert db.session.scalars(select(Attachment)).all() == []

    fill(police, answers("report_referral_outcome"))
    police.locator(INPUT).set_input_files(
        [{"name": "Dalolatnoma 12.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    police.click("main form[enctype] button[type=submit]")
    police.wait_for_url(re.compile(r"/tasks$"), timeout=30_000)
    assert police.locator(".alert-success").count() == 1
    police.goto("/partner")
    sent = police.locator("#sent-files")
    assert "Dalolatnoma 12.pdf" in sent.inner_text() and appeal.number in sent.inner_text()
    screenshot(police, "partner-sent-files")

    inspector = new_page()
    log_in(inspector, world.inspector.username)
    inspector.goto(f"/appeals/{appeal.number}")
    link = inspector.locator(".timeline a.form-file", has_text="Dalolatnoma 12.pdf")
    assert link.count() == 1
    with inspector.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "Dalolatnoma 12.pdf"
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == PDF
