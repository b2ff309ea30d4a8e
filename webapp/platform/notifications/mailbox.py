"""The local delivery backend: messages are stored as files in MAIL_DIR, never sent.

The embedded default (no SMTP_HOST, no SMS gateway configured) delivers here, so a fresh machine
needs no mail server: each e-mail is one ``.eml`` file (open it in any mail client), each SMS one
``.txt`` file. The file is the recipient's copy: it holds the message as delivered.
"""

from __future__ import annotations

import datetime as dt
import uuid
from email.message import EmailMessage
from pathlib import Path


def _path(folder: str | Path, suffix: str) -> Path:
    """A new file named by the time of delivery (so a listing is in order) and a random part."""
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S-%f")
    return target / f"{stamp}-{uuid.uuid4().hex[:6]}.{suffix}"


def store_email(folder: str | Path, email: EmailMessage) -> Path:
    path = _path(folder, "eml")
    path.write_bytes(email.as_bytes())
    return path


def store_sms(folder: str | Path, phone: str, text: str) -> Path:
    path = _path(folder, "sms.txt")
    path.write_text(f"To: {phone}\n\n{text}\n", encoding="utf-8")
    return path
