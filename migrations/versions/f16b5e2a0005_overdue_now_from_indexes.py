"""The country's overdue-now count: the open appeals by deadline carry their id, so those not yet due
are matched to the late tasks from the index alone

Revision ID: f16b5e2a0005
Revises: e16a4d9c0004
Create Date: 2026-12-05 08:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "f16b5e2a0005"
down_revision = "e16a4d9c0004"
branch_labels = None
depends_on = None


def _open_deadline(include: list[str]) -> None:
    op.create_index(
        "ix_appeals_open_deadline",
        "appeals",
        ["deadline"],
        unique=False,
        postgresql_where=sa.text("is_open"),
        sqlite_where=sa.text("is_open"),
        postgresql_include=include,
    )


def upgrade():
    op.drop_index("ix_appeals_open_deadline", table_name="appeals")
    _open_deadline(["registered_on", "district_id", "id"])


def downgrade():
    op.drop_index("ix_appeals_open_deadline", table_name="appeals")
    _open_deadline(["registered_on", "district_id"])
