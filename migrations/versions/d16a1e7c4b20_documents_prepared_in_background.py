"""reply letters prepared by a background job: documents.status, attempts, last_error, next_attempt_at

Revision ID: d16a1e7c4b20
Revises: d15a7c0e1b01
Create Date: 2026-12-03 16:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d16a1e7c4b20"
down_revision = "d15a7c0e1b01"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("documents") as batch:
        batch.alter_column("pdf", existing_type=sa.LargeBinary(), nullable=True)
        batch.add_column(sa.Column("status", sa.String(length=20), server_default="ready", nullable=False))
        batch.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("last_error", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_documents_preparing", ["status", "next_attempt_at"])


def downgrade():
    with op.batch_alter_table("documents") as batch:
        batch.drop_index("ix_documents_preparing")
        batch.drop_column("next_attempt_at")
        batch.drop_column("last_error")
        batch.drop_column("attempts")
        batch.drop_column("status")
        batch.alter_column("pdf", existing_type=sa.LargeBinary(), nullable=False)
