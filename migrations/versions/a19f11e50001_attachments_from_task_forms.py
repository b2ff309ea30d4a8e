"""attachments from task forms: the task and the file field an attachment was given in

Revision ID: a19f11e50001
Revises: f15a1c2e0007
Create Date: 2026-12-04 03:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a19f11e50001"
down_revision = "f15a1c2e0007"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("task_name", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("form_field", sa.String(length=100), nullable=True))
        batch_op.create_index("ix_attachments_uploaded_by_id", ["uploaded_by_id"], unique=False)


def downgrade():
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index("ix_attachments_uploaded_by_id")
        batch_op.drop_column("form_field")
        batch_op.drop_column("task_name")
