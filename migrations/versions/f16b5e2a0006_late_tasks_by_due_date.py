"""The overdue-now count reads the appeals' late tasks from an index of the pending tasks by due date
that carries their appeal (partial: appeal tasks only, so no inbox walks it)

Revision ID: f16b5e2a0006
Revises: f16b5e2a0005
Create Date: 2026-12-05 10:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "f16b5e2a0006"
down_revision = "f16b5e2a0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_pending_tasks_late",
        "pending_tasks",
        ["due_date"],
        unique=False,
        postgresql_include=["appeal_id"],
        postgresql_where=sa.text("appeal_id IS NOT NULL"),
        sqlite_where=sa.text("appeal_id IS NOT NULL"),
    )


def downgrade():
    op.drop_index("ix_pending_tasks_late", table_name="pending_tasks")
