"""The notice's approval around the supervisor: an attachment residents see with the approved notice,
the approval task in the supervisor's inbox, and the reminder when the approval waits past its norm."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import World, csrf_token
from tests.notices.notice_steps import decide, messages_to, write_notice
from webapp.cases.models import Notification
from webapp.cases.notices import notice_text
from webapp.cooperation.notices.models import PreventionNotice
from webapp.cooperation.notices.reminders import remind_notice_approvals
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.timeutil import as_utc

AsUser = Callable[[User], FlaskClient]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOCX_LIKE = b"PK\x03\x04" + b"\x00" * 40  # a zip that is no picture or PDF


def _public(client: FlaskClient, world: World, notice: PreventionNotice) -> str:
    return f"/mahalla/{world.mahalla.code}/ogohlantirishlar/{notice.id}/fayl"


def test_a_notice_carries_one_file_shown_to_staff_and_after_approval_to_residents(
    client: FlaskClient, world: World, as_user: AsUser
) -> None:
    inspector = as_user(world.inspector)
    notice = write_notice(inspector, [world.mahalla.id], attachment=(io.BytesIO(PDF), "varaqa.pdf"))
    assert notice.attachment_name == "varaqa.pdf" and notice.attachment_type == "application/pdf"
    detail = inspector.get(f"/notices/{notice.id}").get_data(as_text=True)
    assert f"/notices/{notice.id}/attachment" in detail and "varaqa.pdf" in detail
    download = inspector.get(f"/notices/{notice.id}/attachment")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert as_user(world.foreign_supervisor).get(f"/notices/{notice.id}/attachment").status_code == 404

    assert client.get(_public(client, world, notice)).status_code == 404  # not approved yet
    assert decide(as_user(world.supervisor), notice, "approve").status_code == 302
    page = client.get(f"/mahalla/{world.mahalla.code}/ogohlantirishlar").get_data(as_text=True)
    assert _public(client, world, notice) in page and "varaqa.pdf" in page
    public = client.get(_public(client, world, notice))
    assert public.status_code == 200 and public.data == PDF
    assert client.get(f"/mahalla/{world.foreign_mahalla.code}/ogohlantirishlar/{notice.id}/fayl").status_code == 404

    plain = write_notice(inspector, [world.mahalla.id], title="Faylsiz xabarnoma")
    assert plain.attachment_key is None
    assert inspector.get(f"/notices/{plain.id}/attachment").status_code == 404


def test_a_file_that_is_no_pdf_or_picture_is_refused_with_a_message(world: World, as_user: AsUser) -> None:
    inspector = as_user(world.inspector)
    page = inspector.get("/notices/new").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'name="attachment"' in page
    response = inspector.post(
        "/notices/new",
        data={
            "csrf_token": csrf_token(page),
            "title": "Fayl bilan",
            "mahallas": [str(world.mahalla.id)],
            "text_uz": "Bank xodimi deb qo'ng'iroq qilishsa, kodni bermang.",
            "text_ru": "Не сообщайте код карты звонящим.",
            "valid_from": dt.date.today().isoformat(),
            "valid_until": dt.date.today().isoformat(),
            "attachment": (io.BytesIO(b"MZ\x90\x00 not a document"), "dastur.exe"),
        },
    )
    assert response.status_code == 422
    assert db.session.scalar(select(PreventionNotice).where(PreventionNotice.title == "Fayl bilan")) is None


def test_the_approval_waits_in_the_supervisors_inbox(world: World, as_user: AsUser) -> None:
    notice = write_notice(as_user(world.inspector), [world.mahalla.id])
    supervisor = as_user(world.supervisor)
    inbox = supervisor.get("/tasks").get_data(as_text=True)
    assert 'id="notice-approvals"' in inbox and f"/notices/{notice.id}#review" in inbox
    assert "Telefon firibgarligi" in inbox
    assert 'id="notice-approvals"' not in as_user(world.foreign_supervisor).get("/tasks").get_data(as_text=True)
    assert 'id="notice-approvals"' not in as_user(world.inspector).get("/tasks").get_data(as_text=True)
    assert decide(supervisor, notice, "approve").status_code == 302
    assert 'id="notice-approvals"' not in supervisor.get("/tasks").get_data(as_text=True)  # done: gone


def test_an_approval_past_its_norm_reminds_the_supervisors_once(world: World, as_user: AsUser) -> None:
    world.supervisor.email = "rahbar@example.uz"
    world.supervisor.language = "ru"
    db.session.commit()
    notice = write_notice(as_user(world.inspector), [world.mahalla.id])
    created = as_utc(notice.created_at)

    assert remind_notice_approvals(now=created + dt.timedelta(hours=12)) == 0  # the norm is one day
    assert remind_notice_approvals(now=created + dt.timedelta(days=1, minutes=1)) == 1
    assert remind_notice_approvals(now=created + dt.timedelta(days=3)) == 0  # once
    db.session.refresh(notice)
    assert notice.reminded_at is not None

    [email] = messages_to("rahbar@example.uz")
    assert email.channel == "email" and "Telefon firibgarligi" in email.body and f"/notices/{notice.id}" in email.body
    assert "ожидает" in email.subject  # in the supervisor's language
    [note] = db.session.scalars(select(Notification).where(Notification.user_id == world.supervisor.id)).all()
    assert note.kind == "notice_approval" and note.link == f"/notices/{notice.id}"
    assert "Telefon firibgarligi" in notice_text(note)
    assert not db.session.scalars(select(Notification).where(Notification.user_id == world.foreign_supervisor.id)).all()

    # An approved notice is never reminded of.
    second = write_notice(as_user(world.inspector), [world.mahalla.id], title="Huquqiy targ'ibot")
    assert decide(as_user(world.supervisor), second, "approve").status_code == 302
    assert remind_notice_approvals(now=as_utc(second.created_at) + dt.timedelta(days=5)) == 0
