"""version numbers per lineage, rollbacks as new versions, notifications as type and parameters

Revision ID: c4e8f2a7b913
Revises: c4e1a9d2b7f0
Create Date: 2026-12-03 13:30:00.000000

* ``process_versions.number``: v1, v2, … within each lineage (backfilled in publishing order), the
  one number every page shows.
* ``process_versions.content_hash`` is no longer unique: publishing the content of an earlier
  version (a rollback) creates a new version with that content, so new cases start on it.
* ``notifications.params``: a notification is stored as its type (``kind``) and parameters and
  rendered in the reader's language; rows written before keep their text as the fallback, with
  what parameters can be recovered from their appeal.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c4e8f2a7b913"
down_revision = "c4e1a9d2b7f0"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("process_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("number", sa.Integer(), nullable=True))
        batch_op.drop_constraint("uq_process_versions_content_hash", type_="unique")
        batch_op.create_index("ix_process_versions_content_hash", ["content_hash"], unique=False)
    versions = sa.table(
        "process_versions", sa.column("id", sa.Integer), sa.column("process_id", sa.String), sa.column("number", sa.Integer)
    )
    connection = op.get_bind()
    counters = {}
    for version_id, process_id in connection.execute(
        sa.select(versions.c.id, versions.c.process_id).order_by(versions.c.id)
    ).all():
        counters[process_id] = counters.get(process_id, 0) + 1
        connection.execute(versions.update().where(versions.c.id == version_id).values(number=counters[process_id]))

    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("params", sa.JSON(), nullable=True))
    notifications = sa.table(
        "notifications",
        sa.column("id", sa.Integer),
        sa.column("appeal_id", sa.Integer),
        sa.column("kind", sa.String),
        sa.column("params", sa.JSON),
    )
    appeals = sa.table(
        "appeals", sa.column("id", sa.Integer), sa.column("number", sa.String), sa.column("deadline", sa.Date)
    )
    rows = connection.execute(
        sa.select(notifications.c.id, appeals.c.number, appeals.c.deadline)
        .join(appeals, appeals.c.id == notifications.c.appeal_id)
        .where(notifications.c.kind.in_(("reminder", "escalation")))
    ).all()
    for notification_id, number, deadline in rows:
        connection.execute(
            notifications.update()
            .where(notifications.c.id == notification_id)
            .values(params={"number": number, "deadline": str(deadline)})
        )


def downgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("params")
    with op.batch_alter_table("process_versions", schema=None) as batch_op:
        batch_op.drop_index("ix_process_versions_content_hash")
        batch_op.create_unique_constraint("uq_process_versions_content_hash", ["content_hash"])
        batch_op.drop_column("number")
