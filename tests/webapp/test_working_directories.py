"""A fresh clone has no instance/ folder: the app creates every folder it writes to at start-up."""

from __future__ import annotations

from pathlib import Path

from webapp import create_app


def test_the_app_creates_the_database_attachment_export_and_mailbox_folders(tmp_path: Path) -> None:
    root = tmp_path / "fresh-clone" / "instance"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root / 'db' / 'mahalla.sqlite3'}",
            "ATTACHMENTS_DIR": str(root / "attachments"),
            "EXPORTS_DIR": str(root / "exports"),
            "MAIL_DIR": str(root / "mailbox"),
        }
    )
    assert (root / "db").is_dir()
    assert (root / "attachments").is_dir()
    assert (root / "exports").is_dir()
    assert (root / "mailbox").is_dir()
    with app.app_context():
        from webapp.extensions import db

        db.engine.dispose()
