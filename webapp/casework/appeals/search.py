"""Finding appeals by what a user types: the number, applicant, phone, address, text or reply.

Everything searchable is kept normalised in ``appeals.search_text`` (one script, no apostrophes:
webapp.casework.appeals.normalise) and the query is normalised the same way, so either Uzbek
script, both apostrophe spellings and Russian find each other. Every word must occur (as a part
of a word: Uzbek suffixes, phone digits).

* PostgreSQL: words as prefixes of words against the stored ``appeals.search_tsv`` (a generated
  ``tsvector`` of the search text with a GIN index, 'simple' configuration); short numbers (a house,
  a flat) as whole numbers — as a prefix "17" would find every number beginning so, thousands of
  index entries at a million appeals, and 170 is not house 17; long digit strings (phone tails) by
  ``LIKE '%digits%'`` through a pg_trgm GIN index; ranked by ``ts_rank_cd`` on the stored vector
  (no per-row parsing).
* SQLite: an FTS5 table with the trigram tokenizer (words of 3+ characters; shorter ones by LIKE);
  ranked by bm25.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, and_, column, func, literal, literal_column, select, table, true
from sqlalchemy.dialects.postgresql import REGCONFIG, TSVECTOR

from webapp.casework.appeals.models import Appeal
from webapp.casework.appeals.normalise import search_document, terms
from webapp.casework.appeals.search_ddl import FTS_TABLE, PG_TSV_COLUMN
from webapp.extensions import db

MAX_QUERY = 100
NUMBER = re.compile(r"\d{4}-\d{6,7}")
_FTS = table(FTS_TABLE, column("rowid"))
# The stored vector exists on PostgreSQL only (search_ddl), so the model does not declare it.
_VECTOR = literal_column(f"{Appeal.__tablename__}.{PG_TSV_COLUMN}", TSVECTOR)


def _dialect() -> str:
    return str(db.engine.dialect.name)


def _contains(word: str) -> ColumnElement[bool]:
    # Normalised words are letters and digits only: nothing to escape.
    return Appeal.search_text.like(f"%{word}%")


def _fts_query(words: list[str]) -> str:
    return " ".join(f'"{word}"' for word in words)


def _is_number(q: str) -> bool:
    return bool(NUMBER.fullmatch(q.strip()))


def _lexeme(word: str) -> str:
    """A word of a tsquery: a number as itself, any other word as the beginning of a word."""
    return word if word.isdigit() else f"{word}:*"


def _tsquery(words: list[str], operator: str = "&") -> Any:
    return func.to_tsquery(literal("simple", REGCONFIG), f" {operator} ".join(_lexeme(w) for w in words))


def search_condition(q: str) -> ColumnElement[bool]:
    """Appeals whose searchable fields contain every word of the query (a registration number
    finds exactly that appeal)."""
    if _is_number(q):
        return Appeal.number == q.strip()
    words = terms(q[:MAX_QUERY])
    if not words:
        return true()
    if _dialect() == "sqlite":
        long = [w for w in words if len(w) >= 3]
        parts = [_contains(w) for w in words if len(w) < 3]
        if long:
            matching: Any = select(_FTS.c.rowid).where(literal_column(FTS_TABLE).op("MATCH")(_fts_query(long)))
            parts.append(Appeal.id.in_(matching))
        return and_(*parts)
    if _dialect() == "postgresql":
        # Words as prefixes of words (the full-text GIN index: Uzbek suffixes follow the stem);
        # digits anywhere inside (the trigram index: a phone number's tail).
        digit_terms = [w for w in words if w.isdigit() and len(w) >= 5]
        word_terms = [w for w in words if w not in digit_terms]
        parts = [_contains(w) for w in digit_terms]
        if word_terms:
            parts.append(_VECTOR.op("@@")(_tsquery(word_terms)))
        return and_(*parts)
    return and_(*(_contains(w) for w in words))


def search_rank(q: str) -> Any:
    """How well an appeal matches (higher first); only meaningful with ``search_condition``."""
    words = terms(q[:MAX_QUERY])
    if not words:
        return literal(0.0)
    if _dialect() == "postgresql":
        return func.ts_rank_cd(_VECTOR, _tsquery(words, "|"))
    if _dialect() == "sqlite":
        long = [w for w in words if len(w) >= 3]
        if not long:
            return literal(0.0)
        bm25 = (
            select(-func.bm25(literal_column(FTS_TABLE)))
            .select_from(_FTS)
            .where(_FTS.c.rowid == Appeal.id, literal_column(FTS_TABLE).op("MATCH")(_fts_query(long)))
            .scalar_subquery()
        )
        return func.coalesce(bm25, 0.0)
    return literal(0.0)


def appeal_search_text(appeal: Appeal, reply_text: str = "") -> str:
    """What is stored for an appeal: its number, applicant, address, text, reply and phone digits."""
    return search_document(
        appeal.number, appeal.applicant_name, appeal.address, appeal.text, reply_text, phone=appeal.applicant_phone
    )
