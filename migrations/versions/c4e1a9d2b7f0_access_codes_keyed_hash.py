"""citizens' access codes stored as a keyed hash (HMAC with the server secret)

Revision ID: c4e1a9d2b7f0
Revises: c4a7e2d9f013
Create Date: 2026-12-03 13:20:00.000000

Older releases stored SHA-256(number:code), a fast unkeyed hash of ~40 bits that a copied
database lets anyone brute-force. The new value is HMAC-SHA-256(key, that hash), so every stored
row is converted here without knowing the codes, and codes issued before keep working. The key is
ACCESS_CODE_KEY, else derived from SECRET_KEY (webapp.casework.appeals.service.access_code_key,
repeated here as migrations must not change with the code). Downgrading cannot undo the keyed hash:
codes issued before the upgrade stop working on the older release (new codes can be issued).
"""

import hashlib
import hmac

import sqlalchemy as sa
from alembic import op
from flask import current_app

# revision identifiers, used by Alembic.
revision = "c4e1a9d2b7f0"
down_revision = "c4a7e2d9f013"
branch_labels = None
depends_on = None


def _key() -> bytes:
    configured = str(current_app.config.get("ACCESS_CODE_KEY") or "")
    if configured:
        return configured.encode()
    return hmac.new(str(current_app.config["SECRET_KEY"]).encode(), b"mahalla access codes", hashlib.sha256).digest()


def upgrade():
    appeals = sa.table("appeals", sa.column("id", sa.Integer), sa.column("access_code_hash", sa.String))
    connection = op.get_bind()
    key = _key()
    rows = connection.execute(sa.select(appeals.c.id, appeals.c.access_code_hash).where(appeals.c.access_code_hash != ""))
    for appeal_id, plain in rows.fetchall():
        keyed = hmac.new(key, plain.encode(), hashlib.sha256).hexdigest()
        connection.execute(appeals.update().where(appeals.c.id == appeal_id).values(access_code_hash=keyed))


def downgrade():
    pass  # see the module docstring: a keyed hash cannot be turned back
