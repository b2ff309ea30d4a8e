"""outbox: secrets substituted at delivery (erased afterwards) and the backend that delivered

Revision ID: c5e1f0a2b3d4
Revises: b7c3e9a1d5f2
Create Date: 2026-12-03 13:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c5e1f0a2b3d4"
down_revision = "b7c3e9a1d5f2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("secrets", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("delivered_via", sa.String(length=30), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("delivered_via")
        batch_op.drop_column("secrets")
