"""mahalla boundaries and address register for locating Open311 requests

Revision ID: c17a0e5b9d04
Revises: c17a0e5b9d03
Create Date: 2026-12-03 14:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c17a0e5b9d04"
down_revision = "c17a0e5b9d03"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mahalla_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mahalla_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("rings", sa.JSON(), nullable=True),
        sa.Column("min_lat", sa.Float(), nullable=True),
        sa.Column("max_lat", sa.Float(), nullable=True),
        sa.Column("min_lon", sa.Float(), nullable=True),
        sa.Column("max_lon", sa.Float(), nullable=True),
        sa.Column("address_key", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["mahalla_id"], ["mahallas.id"], name=op.f("fk_mahalla_areas_mahalla_id_mahallas"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mahalla_areas")),
    )
    with op.batch_alter_table("mahalla_areas", schema=None) as batch_op:
        batch_op.create_index("ix_mahalla_areas_address", ["kind", "address_key"], unique=False)
        batch_op.create_index("ix_mahalla_areas_box", ["kind", "min_lat", "max_lat", "min_lon", "max_lon"], unique=False)
        batch_op.create_index(batch_op.f("ix_mahalla_areas_mahalla_id"), ["mahalla_id"], unique=False)


def downgrade():
    op.drop_table("mahalla_areas")
