"""referrals to partner organisations; pending tasks carry the organisation they are addressed to

Revision ID: d19b7e5a0002
Revises: e19d0c0e0004
Create Date: 2026-12-03 22:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d19b7e5a0002"
down_revision = "e19d0c0e0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appeal_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=False),
        sa.Column("mahalla_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("partner_kind", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("acknowledge_due", sa.Date(), nullable=False),
        sa.Column("answer_due", sa.Date(), nullable=False),
        sa.Column("acknowledged_on", sa.Date(), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("responsible", sa.String(length=200), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("outcome_date", sa.Date(), nullable=True),
        sa.Column("not_our_competence", sa.Boolean(), nullable=False),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["appeal_id"], ["appeals.id"], name=op.f("fk_referrals_appeal_id_appeals")),
        sa.ForeignKeyConstraint(["district_id"], ["districts.id"], name=op.f("fk_referrals_district_id_districts")),
        sa.ForeignKeyConstraint(["mahalla_id"], ["mahallas.id"], name=op.f("fk_referrals_mahalla_id_mahallas")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["partner_organisations.id"],
            name=op.f("fk_referrals_organisation_id_partner_organisations"),
        ),
        sa.ForeignKeyConstraint(["closed_by_id"], ["users.id"], name=op.f("fk_referrals_closed_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referrals_appeal_id"), ["appeal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referrals_district_id"), ["district_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referrals_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referrals_status"), ["status"], unique=False)
    with op.batch_alter_table("pending_tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_pending_tasks_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_pending_tasks_organisation_id_partner_organisations"),
            "partner_organisations",
            ["organisation_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("pending_tasks", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_pending_tasks_organisation_id_partner_organisations"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_pending_tasks_organisation_id"))
        batch_op.drop_column("organisation_id")
    op.drop_table("referrals")
