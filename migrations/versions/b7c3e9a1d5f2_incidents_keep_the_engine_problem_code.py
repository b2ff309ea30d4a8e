"""incidents keep the engine's problem code and parameters

Revision ID: b7c3e9a1d5f2
Revises: 4d5dd7cfdc1e
Create Date: 2026-12-01 10:00:00.000000

An incident recorded before this revision holds only the engine's English text: it becomes the
detail of the generic code ``engine.unknown`` so that every incident renders in any language.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7c3e9a1d5f2"
down_revision = "4d5dd7cfdc1e"
branch_labels = None
depends_on = None

UNKNOWN = "engine.unknown"


def upgrade():
    with op.batch_alter_table("process_instances", schema=None) as batch_op:
        batch_op.add_column(sa.Column("incident_code", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("incident_params", sa.JSON(), nullable=True))
    instances = sa.table(
        "process_instances",
        sa.column("id", sa.Integer),
        sa.column("incident_error", sa.Text),
        sa.column("incident_code", sa.String),
        sa.column("incident_params", sa.JSON),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(instances.c.id, instances.c.incident_error).where(instances.c.incident_error != "")
    ).all()
    for instance_id, error in rows:
        connection.execute(
            instances.update()
            .where(instances.c.id == instance_id)
            .values(incident_code=UNKNOWN, incident_params={"detail": error})
        )


def downgrade():
    with op.batch_alter_table("process_instances", schema=None) as batch_op:
        batch_op.drop_column("incident_params")
        batch_op.drop_column("incident_code")
