"""appeals.search_tsv: the full-text vector stored (generated column with a GIN index) on PostgreSQL

Revision ID: c17a0e5b9d05
Revises: d19a0c0e0001
Create Date: 2026-12-03 16:20:00.000000

Replaces the expression index on to_tsvector(search_text): the search and its ranking read the
stored vector instead of parsing the text of every candidate row. Nothing changes on SQLite.
"""

from alembic import op

from webapp.casework.appeals import search_ddl

# revision identifiers, used by Alembic.
revision = "c17a0e5b9d05"
down_revision = "d19a0c0e0001"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        for statement in search_ddl.POSTGRESQL:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {search_ddl.PG_TSV_INDEX}")
        op.execute(f"ALTER TABLE appeals DROP COLUMN IF EXISTS {search_ddl.PG_TSV_COLUMN}")
        op.execute(
            f"CREATE INDEX IF NOT EXISTS {search_ddl.PG_OLD_TSV_INDEX} "
            "ON appeals USING gin (to_tsvector('simple', search_text))"
        )
