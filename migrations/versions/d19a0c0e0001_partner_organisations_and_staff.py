"""partner organisations of a district and their staff (partner and mahalla_chair roles)

Revision ID: d19a0c0e0001
Revises: c17a0e5b9d04
Create Date: 2026-12-03 16:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d19a0c0e0001"
down_revision = "c17a0e5b9d04"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "partner_organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("mahalla_id", sa.Integer(), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=30), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["district_id"], ["districts.id"], name=op.f("fk_partner_organisations_district_id_districts")
        ),
        sa.ForeignKeyConstraint(
            ["mahalla_id"], ["mahallas.id"], name=op.f("fk_partner_organisations_mahalla_id_mahallas")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_organisations")),
    )
    with op.batch_alter_table("partner_organisations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partner_organisations_district_id"), ["district_id"], unique=False)
    op.create_table(
        "partner_staff",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["partner_organisations.id"],
            name=op.f("fk_partner_staff_organisation_id_partner_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_partner_staff_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_partner_staff")),
    )
    with op.batch_alter_table("partner_staff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partner_staff_organisation_id"), ["organisation_id"], unique=False)


def downgrade():
    op.drop_table("partner_staff")
    op.drop_table("partner_organisations")
