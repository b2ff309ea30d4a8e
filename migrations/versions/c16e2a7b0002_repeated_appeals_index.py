"""the repeated appeals of a district by registration day (the monthly report's repeated addresses);
appeal_handlers analysed after its backfill

Revision ID: c16e2a7b0002
Revises: b16d4a5e0001
Create Date: 2026-12-04 16:45:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "c16e2a7b0002"
down_revision = "b16d4a5e0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_appeals_repeated_district_registered",
        "appeals",
        ["district_id", "registered_on"],
        unique=False,
        postgresql_where=sa.text("is_repeated"),
        sqlite_where=sa.text("is_repeated"),
        postgresql_include=["mahalla_id", "address"],
    )
    if op.get_bind().dialect.name == "postgresql":
        # The backfilled links had no statistics: the planner read all of them by a sequential scan
        # for a district's few hundred open appeals (the open-past-deadline count by inspector).
        op.execute("ANALYZE appeal_handlers")


def downgrade():
    op.drop_index("ix_appeals_repeated_district_registered", table_name="appeals")
