"""The open appeals of a district by deadline, partial and covering: the open-past-deadline counts
read the open appeals only (it replaces the (district_id, is_open, deadline) index)

Revision ID: e16a4d9c0004
Revises: d16f3b8c0003
Create Date: 2026-12-04 22:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "e16a4d9c0004"
down_revision = "d16f3b8c0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_index("ix_appeals_district_open_deadline")
        batch_op.create_index(
            "ix_appeals_open_district_deadline",
            ["district_id", "deadline"],
            unique=False,
            postgresql_where=sa.text("is_open"),
            sqlite_where=sa.text("is_open"),
            postgresql_include=["id", "registered_on", "mahalla_id", "category", "kind", "channel"],
        )


def downgrade():
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_index("ix_appeals_open_district_deadline")
        batch_op.create_index("ix_appeals_district_open_deadline", ["district_id", "is_open", "deadline"], unique=False)
