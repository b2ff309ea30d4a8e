"""one-time confirmations of lost-access-code requests

Revision ID: c17a0e5b9d02
Revises: c17a0e5b9d01
Create Date: 2026-12-03 13:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c17a0e5b9d02"
down_revision = "c17a0e5b9d01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "access_code_resets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appeal_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("confirmation_hash", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["appeal_id"], ["appeals.id"], name=op.f("fk_access_code_resets_appeal_id_appeals"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_code_resets")),
        sa.UniqueConstraint("token", name=op.f("uq_access_code_resets_token")),
    )
    with op.batch_alter_table("access_code_resets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_code_resets_appeal_id"), ["appeal_id"], unique=False)


def downgrade():
    with op.batch_alter_table("access_code_resets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_access_code_resets_appeal_id"))
    op.drop_table("access_code_resets")
