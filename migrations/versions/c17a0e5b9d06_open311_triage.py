"""open311_triage: Open311 requests waiting for staff to assign their mahalla and category

Revision ID: c17a0e5b9d06
Revises: c17a0e5b9d05
Create Date: 2026-12-03 16:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c17a0e5b9d06"
down_revision = "c17a0e5b9d05"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "open311_triage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=40), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), server_default="pending", nullable=False),
        sa.Column("service_code", sa.String(length=100), server_default="", nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("address", sa.String(length=300), server_default="", nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("applicant_name", sa.String(length=200), server_default="", nullable=False),
        sa.Column("applicant_phone", sa.String(length=40), server_default="", nullable=False),
        sa.Column("applicant_email", sa.String(length=200), server_default="", nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("appeal_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["appeal_id"], ["appeals.id"]),
        sa.ForeignKeyConstraint(["client_id"], ["open311_clients.id"]),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token"),
    )
    with op.batch_alter_table("open311_triage", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_open311_triage_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_open311_triage_status"), ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("open311_triage", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_open311_triage_status"))
        batch_op.drop_index(batch_op.f("ix_open311_triage_client_id"))
    op.drop_table("open311_triage")
