"""queued BPMN signals, delivered by a job to the waiting cases of the thrower's district

Revision ID: 5a7e2c91b4d0
Revises: 3c3153ee1b7c
Create Date: 2026-12-03 22:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "5a7e2c91b4d0"
down_revision = "3c3153ee1b7c"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "queued_signals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("origin_instance_id", sa.Integer(), nullable=True),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("rounds", sa.Integer(), nullable=False),
        sa.Column("last_case_id", sa.Integer(), nullable=False),
        sa.Column("delivered", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_queued_signals_actor_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["district_id"], ["districts.id"], name=op.f("fk_queued_signals_district_id_districts")),
        sa.ForeignKeyConstraint(
            ["origin_instance_id"],
            ["process_instances.id"],
            name=op.f("fk_queued_signals_origin_instance_id_process_instances"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queued_signals")),
    )
    with op.batch_alter_table("queued_signals", schema=None) as batch_op:
        batch_op.create_index("ix_queued_signals_pending", ["delivered_at", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("queued_signals", schema=None) as batch_op:
        batch_op.drop_index("ix_queued_signals_pending")
    op.drop_table("queued_signals")
