"""appeals.search_text: normalised searchable text; pg_trgm and full-text indexes, or SQLite FTS5

Revision ID: c17a0e5b9d03
Revises: c17a0e5b9d02
Create Date: 2026-12-03 13:40:00.000000

Existing appeals get their search text computed here (their newest reply letter included).
"""

import sqlalchemy as sa
from alembic import op

from webapp.casework.appeals import search_ddl
from webapp.casework.appeals.normalise import search_document

# revision identifiers, used by Alembic.
revision = "c17a0e5b9d03"
down_revision = "c17a0e5b9d02"
branch_labels = None
depends_on = None

BATCH = 1000


def _fill() -> None:
    bind = op.get_bind()
    appeals = sa.table(
        "appeals",
        sa.column("id", sa.Integer),
        sa.column("number", sa.String),
        sa.column("applicant_name", sa.String),
        sa.column("applicant_phone", sa.String),
        sa.column("address", sa.String),
        sa.column("text", sa.Text),
        sa.column("search_text", sa.Text),
    )
    documents = sa.table(
        "documents", sa.column("id", sa.Integer), sa.column("appeal_id", sa.Integer), sa.column("kind", sa.String),
        sa.column("text", sa.Text),
    )  # fmt: skip
    last = 0
    while True:
        rows = bind.execute(
            sa.select(appeals.c.id, appeals.c.number, appeals.c.applicant_name, appeals.c.applicant_phone,
                      appeals.c.address, appeals.c.text)
            .where(appeals.c.id > last).order_by(appeals.c.id).limit(BATCH)
        ).all()  # fmt: skip
        if not rows:
            return
        for id_, number, name, phone, address, body in rows:
            reply = bind.execute(
                sa.select(documents.c.text)
                .where(documents.c.appeal_id == id_, documents.c.kind == "reply_letter")
                .order_by(documents.c.id.desc())
                .limit(1)
            ).scalar()
            value = search_document(number, name or "", address or "", body or "", reply or "", phone=phone or "")
            bind.execute(sa.update(appeals).where(appeals.c.id == id_).values(search_text=value))
        last = rows[-1][0]


def upgrade():
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=False, server_default=""))
    _fill()
    dialect = op.get_bind().dialect.name
    for statement in search_ddl.POSTGRESQL if dialect == "postgresql" else search_ddl.SQLITE:
        op.execute(statement)
    if dialect == "sqlite":
        op.execute("INSERT INTO appeals_search(appeals_search) VALUES ('rebuild')")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("appeals_search_ai", "appeals_search_ad", "appeals_search_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for statement in search_ddl.SQLITE_DROP:
            op.execute(statement)
    else:
        for statement in search_ddl.POSTGRESQL_DROP:
            op.execute(statement)
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_column("search_text")
