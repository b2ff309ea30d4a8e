"""appeal_handlers: who worked on each appeal (completed a task or holds one), kept by triggers; the
rollups' breakdown by inspector (dim inspector) kept from them, both backfilled; the open appeals by
deadline (the country's open-past-deadline count)

Revision ID: b16d4a5e0001
Revises: a19f11e50001
Create Date: 2026-12-04 12:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

from webapp.analytics.rollups import ddl

revision = "b16d4a5e0001"
down_revision = "a19f11e50001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "appeal_handlers",
        sa.Column("appeal_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("n", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("appeal_id", "user_id", name=op.f("pk_appeal_handlers")),
    )
    op.create_index(
        "ix_appeals_open_deadline",
        "appeals",
        ["deadline"],
        unique=False,
        postgresql_where=sa.text("is_open"),
        sqlite_where=sa.text("is_open"),
        postgresql_include=["registered_on", "district_id"],
    )
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(sa.text("SET LOCAL work_mem = '256MB'"))
    for statement in ddl.inspector_triggers(dialect):
        op.execute(sa.text(statement))
    for statement in ddl.inspector_rebuild(dialect):
        op.execute(sa.text(statement))
    if dialect == "postgresql":
        op.execute(sa.text("ANALYZE appeal_handlers"))
        op.execute(sa.text("ANALYZE appeal_rollups"))


def downgrade():
    dialect = op.get_bind().dialect.name
    for statement in ddl.inspector_drop(dialect):
        op.execute(sa.text(statement))
    op.execute(sa.text(f"DELETE FROM appeal_rollups WHERE dim = '{ddl.INSPECTOR_DIM}'"))
    op.drop_table("appeal_handlers")
    op.drop_index("ix_appeals_open_deadline", table_name="appeals")
