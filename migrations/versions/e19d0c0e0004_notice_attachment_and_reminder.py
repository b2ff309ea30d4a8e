"""prevention notices: an optional attachment and the approval reminder

Revision ID: e19d0c0e0004
Revises: 5a7e2c91b4d0
Create Date: 2026-12-03 21:50:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "e19d0c0e0004"
down_revision = "5a7e2c91b4d0"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("prevention_notices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("attachment_key", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("attachment_name", sa.String(length=255), server_default="", nullable=False))
        batch_op.add_column(sa.Column("attachment_type", sa.String(length=100), server_default="", nullable=False))
        batch_op.add_column(sa.Column("attachment_size", sa.Integer(), server_default="0", nullable=False))


def downgrade():
    with op.batch_alter_table("prevention_notices", schema=None) as batch_op:
        batch_op.drop_column("attachment_size")
        batch_op.drop_column("attachment_type")
        batch_op.drop_column("attachment_name")
        batch_op.drop_column("attachment_key")
        batch_op.drop_column("reminded_at")
