"""Attachment files: recognising the type by magic bytes, limits, safe names and the file store.

Nothing here touches the database; ``webapp.intake.attachments.service`` writes the rows.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_FILES_PER_APPEAL = 10
MAX_TOTAL_BYTES = 25 * 1024 * 1024
MAX_DOCX_ENTRIES = 2000

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSIONS = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    DOCX_TYPE: ".docx",
    XLSX_TYPE: ".xlsx",
}


class UploadRefused(ValueError):
    """A file that may not be attached; the message is shown to the user."""


@dataclass(frozen=True)
class Upload:
    """A checked file: its sanitised name, the type recognised from its bytes, and the bytes."""

    filename: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _office_kind(data: bytes) -> str | None:
    """A Word document (word/document.xml) or an Excel workbook (xl/workbook.xml): a zip archive
    whose entry names are read, nothing extracted."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_DOCX_ENTRIES:
                return None
            names = {info.filename for info in infos}
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX_TYPE
    return XLSX_TYPE if "xl/workbook.xml" in names else None


def recognise(data: bytes) -> str | None:
    """The content type recognised from the file's bytes (what any upload may be), or None."""
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    return sniff(data)


def sniff(data: bytes) -> str | None:
    """The content type of an appeal's attachment recognised from the file's first bytes, or None
    when not allowed (photos, PDF and Word documents)."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"PK\x03\x04") and _office_kind(data) == DOCX_TYPE:
        return DOCX_TYPE
    return None


_UNSAFE = re.compile(r"[^\w.\- ]+")


def safe_filename(name: str, content_type: str) -> str:
    """A name safe to show and to offer for download: no path, no control characters, our extension."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = _UNSAFE.sub("_", stem).strip(" ._")[:100] or "file"
    return stem + EXTENSIONS[content_type]


def check_upload(name: str, data: bytes) -> Upload:
    """Accept the file or raise UploadRefused saying why."""
    if not data:
        raise UploadRefused(_l("The file %(name)s is empty.", name=name))
    if len(data) > MAX_FILE_BYTES:
        raise UploadRefused(_l("The file %(name)s is larger than 5 MB.", name=name))
    content_type = sniff(data)
    if content_type is None:
        raise UploadRefused(
            _l("The file %(name)s is not a JPEG, PNG or WebP photo, a PDF or a Word (DOCX) document.", name=name)
        )
    return Upload(filename=safe_filename(name, content_type), content_type=content_type, data=data)


def check_batch(uploads: list[Upload], *, existing_count: int = 0, existing_bytes: int = 0) -> None:
    """The limits per appeal: at most 10 files and 25 MB in all."""
    if existing_count + len(uploads) > MAX_FILES_PER_APPEAL:
        raise UploadRefused(_l("An appeal may have at most %(count)d attachments.", count=MAX_FILES_PER_APPEAL))
    if existing_bytes + sum(u.size for u in uploads) > MAX_TOTAL_BYTES:
        raise UploadRefused(_l("The attachments of an appeal may not exceed 25 MB in all."))


def new_storage_key() -> str:
    return uuid.uuid4().hex


def stored_path(root: str | Path, storage_key: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}", storage_key):
        raise ValueError("bad storage key")
    return Path(root) / storage_key[:2] / storage_key


def write_file(root: str | Path, storage_key: str, data: bytes) -> Path:
    path = stored_path(root, storage_key)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb") as handle:
        handle.write(data)
    return path


def read_uploads(storages: list[FileStorage]) -> list[Upload]:
    """Check the files of a multipart request (empty file inputs are skipped)."""
    uploads: list[Upload] = []
    for storage in storages:
        if not storage or not storage.filename:
            continue
        data = storage.stream.read(MAX_FILE_BYTES + 1)
        uploads.append(check_upload(storage.filename, data))
    check_batch(uploads)
    return uploads
