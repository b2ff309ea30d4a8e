"""The search structures the ORM does not declare (dialect-specific), created with the appeals table
and by the migrations: on PostgreSQL a trigram GIN index on ``appeals.search_text`` and a stored
``tsvector`` of it (a generated column, so every write keeps it current) with its GIN index; on
SQLite an FTS5 trigram table kept in step by triggers. The schema comparison skips these names."""

from __future__ import annotations

FTS_TABLE = "appeals_search"
PG_TRGM_INDEX = "ix_appeals_search_text_trgm"
PG_TSV_COLUMN = "search_tsv"
PG_TSV_INDEX = "ix_appeals_search_tsv"
PG_OLD_TSV_INDEX = "ix_appeals_search_text_tsv"  # the expression index before the stored column

POSTGRESQL = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public",
    f"CREATE INDEX IF NOT EXISTS {PG_TRGM_INDEX} ON appeals USING gin (search_text public.gin_trgm_ops)",
    f"DROP INDEX IF EXISTS {PG_OLD_TSV_INDEX}",
    f"ALTER TABLE appeals ADD COLUMN IF NOT EXISTS {PG_TSV_COLUMN} tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, coalesce(search_text, ''))) STORED",
    f"CREATE INDEX IF NOT EXISTS {PG_TSV_INDEX} ON appeals USING gin ({PG_TSV_COLUMN})",
)
SQLITE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS appeals_search USING fts5("
    "search_text, content='appeals', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS appeals_search_ai AFTER INSERT ON appeals BEGIN "
    "INSERT INTO appeals_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS appeals_search_ad AFTER DELETE ON appeals BEGIN "
    "INSERT INTO appeals_search(appeals_search, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS appeals_search_au AFTER UPDATE OF search_text ON appeals BEGIN "
    "INSERT INTO appeals_search(appeals_search, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO appeals_search(rowid, search_text) VALUES (new.id, new.search_text); END",
)
SQLITE_DROP = (f"DROP TABLE IF EXISTS {FTS_TABLE}",)
POSTGRESQL_DROP = (
    f"DROP INDEX IF EXISTS {PG_TRGM_INDEX}",
    f"DROP INDEX IF EXISTS {PG_OLD_TSV_INDEX}",
    f"DROP INDEX IF EXISTS {PG_TSV_INDEX}",
    f"ALTER TABLE appeals DROP COLUMN IF EXISTS {PG_TSV_COLUMN}",
)


def is_unmanaged(name: str | None) -> bool:
    """Names the schema comparison leaves alone (created here, not declared on the models)."""
    managed_here = (PG_TRGM_INDEX, PG_TSV_INDEX, PG_OLD_TSV_INDEX, PG_TSV_COLUMN)
    return bool(name) and (name in managed_here or str(name).startswith(FTS_TABLE))
