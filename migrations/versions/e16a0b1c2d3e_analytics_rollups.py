"""analytics rollups: appeal_rollups and task_rollups, kept by triggers, backfilled

Revision ID: e16a0b1c2d3e
Revises: c17a0e5b9d06
Create Date: 2026-12-03 16:15:00.000000
"""

import sqlalchemy as sa
from alembic import op

from webapp.analytics.rollups import ddl

# revision identifiers, used by Alembic.
revision = "e16a0b1c2d3e"
down_revision = "c17a0e5b9d06"
branch_labels = None
depends_on = None

def _key():
    return [
        sa.Column("grain", sa.String(length=1), nullable=False),
        sa.Column("scope", sa.String(length=1), nullable=False),
        sa.Column("scope_id", sa.Integer(), autoincrement=False, nullable=False),
    ]


def _counter(name):
    return sa.Column(name, sa.Integer(), server_default="0", nullable=False)


def upgrade():
    op.create_table(
        "appeal_rollups",
        *_key(),
        sa.Column("dim", sa.String(length=10), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("value", sa.String(length=40), nullable=False),
        sa.Column("bucket", sa.SmallInteger(), autoincrement=False, nullable=False),
        *[_counter(name) for name in ddl.APPEAL_MEASURES],
        sa.PrimaryKeyConstraint(*ddl.APPEAL_KEY, name=op.f("pk_appeal_rollups")),
    )
    op.create_table(
        "task_rollups",
        *_key(),
        sa.Column("process_version_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("task_name", sa.String(length=100), nullable=False),
        sa.Column("bucket", sa.SmallInteger(), autoincrement=False, nullable=False),
        _counter("completed"),
        sa.PrimaryKeyConstraint(*ddl.TASK_KEY, name=op.f("pk_task_rollups")),
    )
    bind = op.get_bind()
    for statement in ddl.triggers(bind.dialect.name):
        op.execute(sa.text(statement))
    for statement in ddl.rebuild(bind.dialect.name):
        op.execute(sa.text(statement))
    if bind.dialect.name == "postgresql":
        op.execute(sa.text("ANALYZE appeal_rollups"))
        op.execute(sa.text("ANALYZE task_rollups"))


def downgrade():
    for statement in ddl.drop(op.get_bind().dialect.name):
        op.execute(sa.text(statement))
    op.drop_table("task_rollups")
    op.drop_table("appeal_rollups")
