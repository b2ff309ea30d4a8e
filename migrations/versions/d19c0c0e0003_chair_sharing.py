"""the categories of appeals an admin shares with mahalla chairs

Revision ID: d19c0c0e0003
Revises: d16a1e7c4b20
Create Date: 2026-12-03 17:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d19c0c0e0003"
down_revision = "d16a1e7c4b20"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "chair_sharing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "categories",
            sa.String(length=300),
            server_default="social_assistance,utilities,public_safety",
            nullable=False,
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade():
    op.drop_table("chair_sharing")
