"""task_timings of every subject kind: subject_kind and subject_id, appeal_id only for appeals
(the bottlenecks of prevention plans and notices' approvals)

Revision ID: f15a1c2e0007
Revises: f15a1c2e0006
Create Date: 2026-12-04 03:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

from webapp.analytics.rollups import ddl

revision = "f15a1c2e0007"
down_revision = "f15a1c2e0006"
branch_labels = None
depends_on = None


def _without_rollup_triggers(change):
    """SQLite's batch mode copies task_timings, which drops its triggers: set them up again."""
    dialect = op.get_bind().dialect.name
    for statement in ddl.drop(dialect):
        op.execute(statement)
    change()
    for statement in ddl.triggers(dialect):
        op.execute(statement)


def upgrade():
    def change():
        with op.batch_alter_table("task_timings", schema=None) as batch_op:
            batch_op.add_column(sa.Column("subject_kind", sa.String(length=30), server_default="appeal", nullable=False))
            batch_op.add_column(sa.Column("subject_id", sa.Integer(), nullable=True))
            batch_op.alter_column("appeal_id", existing_type=sa.Integer(), nullable=True)
        op.execute("UPDATE task_timings SET subject_id = appeal_id")

    _without_rollup_triggers(change)


def downgrade():
    def change():
        op.execute("DELETE FROM task_timings WHERE appeal_id IS NULL")
        with op.batch_alter_table("task_timings", schema=None) as batch_op:
            batch_op.alter_column("appeal_id", existing_type=sa.Integer(), nullable=False)
            batch_op.drop_column("subject_id")
            batch_op.drop_column("subject_kind")

    _without_rollup_triggers(change)
