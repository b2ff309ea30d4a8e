"""trained categoriser: model versions, reviewed corrections, the suggestion's confidence

Revision ID: c4a7e2d9f013
Revises: c5e1f0a2b3d4
Create Date: 2026-12-03 13:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c4a7e2d9f013"
down_revision = "c5e1f0a2b3d4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "categoriser_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("trained_on", sa.Integer(), nullable=False),
        sa.Column("corrections", sa.Integer(), nullable=False),
        sa.Column("corpus_hash", sa.String(length=64), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("blob", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_categoriser_models_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_categoriser_models")),
        sa.UniqueConstraint("version", name=op.f("uq_categoriser_models_version")),
    )
    with op.batch_alter_table("categoriser_models", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_categoriser_models_is_active"), ["is_active"], unique=False)
    op.create_table(
        "categoriser_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appeal_id", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["appeal_id"], ["appeals.id"], name=op.f("fk_categoriser_corrections_appeal_id_appeals")),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["users.id"], name=op.f("fk_categoriser_corrections_reviewed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_categoriser_corrections")),
        sa.UniqueConstraint("appeal_id", name=op.f("uq_categoriser_corrections_appeal_id")),
    )
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("suggested_confidence", sa.Double(), nullable=True))
        batch_op.add_column(sa.Column("suggestion_review", sa.String(length=20), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("categoriser_version", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_column("categoriser_version")
        batch_op.drop_column("suggestion_review")
        batch_op.drop_column("suggested_confidence")
    op.drop_table("categoriser_corrections")
    with op.batch_alter_table("categoriser_models", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_categoriser_models_is_active"))
    op.drop_table("categoriser_models")
