"""waiting_task_counts: the tasks waiting now per process version, district and task, kept by
triggers on pending_tasks and process_instances (the bottleneck page's waiting column), backfilled

Revision ID: d16f3b8c0003
Revises: c16e2a7b0002
Create Date: 2026-12-04 19:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

from webapp.analytics.rollups import ddl

revision = "d16f3b8c0003"
down_revision = "c16e2a7b0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "waiting_task_counts",
        sa.Column("process_version_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("district_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("task_name", sa.String(length=100), nullable=False),
        sa.Column("n", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint(
            "process_version_id", "district_id", "task_name", name=op.f("pk_waiting_task_counts")
        ),
    )
    dialect = op.get_bind().dialect.name
    for statement in ddl.waiting_triggers(dialect):
        op.execute(sa.text(statement))
    for statement in ddl.waiting_rebuild():
        op.execute(sa.text(statement))


def downgrade():
    for statement in ddl.waiting_drop(op.get_bind().dialect.name):
        op.execute(sa.text(statement))
    op.drop_table("waiting_task_counts")
