"""webhook subscriptions; outbox messages carry webhook deliveries

Revision ID: c17a0e5b9d01
Revises: f83ee9ab8a2d
Create Date: 2026-12-03 13:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c17a0e5b9d01"
down_revision = "f83ee9ab8a2d"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "webhook_subscriptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("secret", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_webhook_subscriptions_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_subscriptions")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("webhook_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_messages_webhook_id"), ["webhook_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_messages_webhook_id_webhook_subscriptions"),
            "webhook_subscriptions",
            ["webhook_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outbox_messages_webhook_id_webhook_subscriptions"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_outbox_messages_webhook_id"))
        batch_op.drop_column("webhook_id")
    op.drop_table("webhook_subscriptions")
