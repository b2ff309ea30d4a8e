"""Writes sent together (webapp.platform.write_batch): one statement on PostgreSQL, the same effect
as the writes one by one on every database, reads that see what the block wrote, nothing left after
a rollback. Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import delete, event, func, insert, select, update

from tests.conftest import World
from tests.webapp.cases import register
from webapp.cases.models import Notification
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.platform.auth.models import User
from webapp.platform.statements import built_count
from webapp.platform.timeutil import as_utc, utcnow
from webapp.platform.transaction import transaction
from webapp.platform.write_batch import (
    batched_writes,
    delete_rows,
    insert_rows,
    pending,
    update_guarded,
    update_row,
    write,
)

TABLE = Notification.__table__


@contextmanager
def counted() -> Iterator[list[str]]:
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def postgres() -> bool:
    return db.engine.dialect.name == "postgresql"


def texts(user: User) -> list[str]:
    return list(db.session.scalars(select(Notification.text).where(Notification.user_id == user.id).order_by("id")))


def note(user: User, text: str) -> dict[str, Any]:
    return {"user_id": user.id, "appeal_id": None, "kind": "assigned", "params": {}, "text": text}


def test_the_writes_of_a_block_go_out_together_at_its_end(world: World) -> None:
    db.session.commit()
    with counted() as statements, transaction():
        with batched_writes():
            insert_rows(TABLE, [note(world.inspector, "one"), note(world.inspector, "two")])
            insert_rows(TABLE, [note(world.supervisor, "three")])
            update_row(User.__table__, world.inspector.id, {"full_name": "Renamed"})
            assert pending() == 3
            assert statements == []  # nothing sent yet
        assert pending() == 0
    writes = [s for s in statements if not s.startswith(("COMMIT", "BEGIN"))]
    assert len(writes) == (1 if postgres() else 3), writes
    if postgres():
        assert writes[0].startswith("WITH ")
    db.session.expire_all()
    assert texts(world.inspector) == ["one", "two"]
    assert texts(world.supervisor) == ["three"]
    # serial keys follow the order the rows were written in (the case history sorts by them)
    assert list(db.session.scalars(select(Notification.text).order_by(Notification.id))) == ["one", "two", "three"]
    assert db.session.get(User, world.inspector.id).full_name == "Renamed"  # type: ignore[union-attr]


def test_the_python_side_defaults_are_filled_in(world: World) -> None:
    with transaction(), batched_writes():
        insert_rows(TABLE, [note(world.inspector, "a"), note(world.inspector, "b")])
    found = db.session.execute(
        select(Notification.link, Notification.created_at).where(Notification.user_id == world.inspector.id)
    ).all()
    assert len(found) == 2 and all(link == "" and created is not None for link, created in found)


def test_a_read_of_a_written_table_sees_the_writes_and_a_read_of_another_does_not_send_them(world: World) -> None:
    db.session.commit()
    with transaction(), batched_writes():
        insert_rows(TABLE, [note(world.inspector, "seen")])
        assert db.session.scalar(select(func.count()).select_from(User)) >= 1  # another table: still waiting
        assert pending() == 1
        assert texts(world.inspector) == ["seen"]  # this table: sent first
        assert pending() == 0
        # a correlated subquery counts as reading its table too
        insert_rows(TABLE, [note(world.inspector, "again")])
        counts = select(func.count(Notification.id)).where(Notification.user_id == User.id).correlate(User)
        assert db.session.scalar(select(counts.scalar_subquery()).where(User.id == world.inspector.id)) == 2


def test_changes_of_one_row_merge_and_a_second_change_of_a_written_table_goes_after_the_first(world: World) -> None:
    db.session.commit()
    with transaction(), batched_writes():
        update_row(User.__table__, world.inspector.id, {"full_name": "First"})
        update_row(User.__table__, world.inspector.id, {"email": "first@example.uz"})
        assert pending() == 1
        insert_rows(TABLE, [note(world.inspector, "x"), note(world.inspector, "y")])
        # a DELETE of a table the batch writes cannot share its statement: the batch goes first
        write(delete(TABLE).where(Notification.text == "x"))
        write(update(TABLE).where(Notification.text == "y").values(text="z"))
    db.session.expire_all()
    user = db.session.get(User, world.inspector.id)
    assert user is not None and (user.full_name, user.email) == ("First", "first@example.uz")
    assert texts(world.inspector) == ["z"]


def test_a_rollback_drops_what_waits_and_an_error_in_the_block_sends_nothing(world: World) -> None:
    db.session.commit()
    with pytest.raises(RuntimeError), transaction(), batched_writes():
        insert_rows(TABLE, [note(world.inspector, "lost")])
        raise RuntimeError("the action failed")
    assert pending() == 0
    assert texts(world.inspector) == []
    with transaction(), batched_writes():
        insert_rows(TABLE, [note(world.inspector, "kept")])
    assert texts(world.inspector) == ["kept"]


class ChangedMeanwhile(Exception):
    """The test's refusal of a guarded update."""


def guarded_email(user: User, name_read: str, email: str) -> None:
    """The user's e-mail changed only if their name is still the one read."""
    update_guarded(User.__table__, user.id, {"full_name": name_read}, {"email": email}, ChangedMeanwhile)


def test_a_guarded_update_goes_out_with_the_other_writes_when_its_row_still_matches(world: World) -> None:
    db.session.commit()
    name = world.inspector.full_name
    with counted() as statements, transaction(), batched_writes():
        insert_rows(TABLE, [note(world.inspector, "before")])
        guarded_email(world.inspector, name, "guarded@example.uz")
        insert_rows(TABLE, [note(world.inspector, "after"), note(world.supervisor, "third")])
        assert statements == []
    writes = [s for s in statements if not s.startswith(("COMMIT", "BEGIN"))]
    assert len(writes) == (1 if postgres() else 3), writes
    db.session.expire_all()
    assert db.session.get(User, world.inspector.id).email == "guarded@example.uz"  # type: ignore[union-attr]
    assert list(db.session.scalars(select(Notification.text).order_by(Notification.id))) == ["before", "after", "third"]


def test_a_guarded_update_whose_row_changed_refuses_and_the_rest_of_its_statement_writes_nothing(
    world: World,
) -> None:
    """A racing action's rows would collide with the winner's (a duplicate key here): on PostgreSQL
    the parts of the same statement run only if the guard matched, so the refusal is what is seen."""
    db.session.commit()
    email, taken = world.inspector.email, world.supervisor.username
    with pytest.raises(ChangedMeanwhile), transaction(), batched_writes():
        insert_rows(TABLE, [note(world.inspector, "lost")])
        guarded_email(world.inspector, "a name read before someone renamed them", "lost@example.uz")
        insert_rows(User.__table__, [{"username": taken, "full_name": "A duplicate", "password_hash": "x"}])
        assert pending() == 3  # nothing refused yet: the batch has not gone out
    assert pending() == 0
    db.session.expire_all()
    assert db.session.get(User, world.inspector.id).email == email  # type: ignore[union-attr]
    assert db.session.scalar(select(func.count()).select_from(User).where(User.username == taken)) == 1
    assert texts(world.inspector) == []


def test_with_a_statement_sent_as_it_is_the_guard_goes_first_on_its_own(world: World) -> None:
    db.session.commit()
    with counted() as statements, pytest.raises(ChangedMeanwhile), transaction(), batched_writes():
        guarded_email(world.inspector, "someone else", "x@example.uz")
        write(insert(TABLE).values(note(world.supervisor, "never") | {"link": "", "created_at": utcnow()}))
    assert [s for s in statements if s.startswith("INSERT")] == []
    assert texts(world.supervisor) == []
    with transaction(), batched_writes():
        guarded_email(world.inspector, world.inspector.full_name, "y@example.uz")
        write(insert(TABLE).values(note(world.supervisor, "kept") | {"link": "", "created_at": utcnow()}))
    assert texts(world.supervisor) == ["kept"]


def test_a_guarded_update_refuses_at_the_read_that_sends_its_batch(world: World) -> None:
    db.session.commit()
    with pytest.raises(ChangedMeanwhile), transaction(), batched_writes():
        guarded_email(world.inspector, "someone else", "x@example.uz")
        db.session.scalar(select(User.email).where(User.id == world.inspector.id))  # reads the row: sent first


def test_outside_a_block_a_guarded_update_goes_out_and_refuses_at_once(world: World) -> None:
    db.session.commit()
    with counted() as statements:
        guarded_email(world.inspector, world.inspector.full_name, "now@example.uz")
        assert len([s for s in statements if s.startswith("UPDATE")]) == 1
        with pytest.raises(ChangedMeanwhile):
            guarded_email(world.inspector, "someone else", "never@example.uz")
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(User, world.inspector.id).email == "now@example.uz"  # type: ignore[union-attr]


def test_outside_a_block_a_write_goes_out_at_once(world: World) -> None:
    db.session.commit()
    with counted() as statements:
        insert_rows(TABLE, [note(world.inspector, "now")])
        assert [s for s in statements if s.startswith("INSERT")]
    assert pending() == 0
    db.session.commit()
    assert texts(world.inspector) == ["now"]


def test_a_columns_update_default_is_set_as_the_orm_would(world: World) -> None:
    """``updated_at`` (onupdate) is filled in by the batch: inside a WITH nobody else would."""
    appeal = register(world, kind="shikoyat")
    before = appeal.updated_at
    db.session.commit()
    with transaction(), batched_writes():
        insert_rows(TABLE, [note(world.inspector, "before")])  # so that PostgreSQL gets one WITH
        update_row(Appeal.__table__, appeal.id, {"categorisation_overridden": True})
        insert_rows(TABLE, [note(world.inspector, "after")])
    db.session.expire_all()
    found = db.session.get(Appeal, appeal.id)
    assert found is not None and found.categorisation_overridden
    assert found.updated_at is not None and as_utc(found.updated_at) >= as_utc(before)


def ids_of(user: User) -> list[int]:
    return list(db.session.scalars(select(Notification.id).where(Notification.user_id == user.id).order_by("id")))


def test_rows_deleted_by_id_go_with_the_other_writes_in_order(world: World) -> None:
    with transaction():
        insert_rows(TABLE, [note(world.inspector, t) for t in ("old", "older", "kept")])
    old, older, _kept = ids_of(world.inspector)
    with counted() as statements, transaction(), batched_writes():
        delete_rows(TABLE, [old, older])
        insert_rows(TABLE, [note(world.inspector, "new")])
        delete_rows(User.__table__, [])  # nothing to delete: nothing joins the batch
        assert pending() == 2
    writes = [s for s in statements if not s.startswith(("COMMIT", "BEGIN"))]
    assert len(writes) == (1 if postgres() else 2), writes
    assert texts(world.inspector) == ["kept", "new"]
    # a deletion from a table the batch already writes goes after what waits (it could meet its rows)
    with transaction(), batched_writes():
        insert_rows(TABLE, [note(world.inspector, "brief")])
        delete_rows(TABLE, ids_of(world.inspector)[:1])
    assert texts(world.inspector) == ["new", "brief"]


def test_a_shape_of_writes_is_built_once_and_sent_with_each_time_its_own_values(world: World) -> None:
    """The same writes with other values: the same statements (SQLAlchemy neither builds nor keys them
    again); each time the values of that time, types converted (a JSON column, a datetime)."""

    def block(text: str, name: str) -> list[str]:
        with counted() as statements, transaction(), batched_writes():
            insert_rows(TABLE, [{**note(world.inspector, text), "params": {"n": text}}])
            update_row(User.__table__, world.inspector.id, {"full_name": name})
            insert_rows(TABLE, [note(world.supervisor, text)])
        return [s for s in statements if not s.startswith(("COMMIT", "BEGIN"))]

    first = block("one", "First")
    built = built_count()
    second = block("two", "Second")
    assert second == first  # the same statement texts, values as parameters
    assert built_count() == built  # nothing built the second time
    db.session.expire_all()
    assert texts(world.inspector) == ["one", "two"] and texts(world.supervisor) == ["one", "two"]
    params = db.session.scalars(select(Notification.params).where(Notification.user_id == world.inspector.id))
    assert list(params) == [{"n": "one"}, {"n": "two"}]
    user = db.session.get(User, world.inspector.id)
    assert user is not None and user.full_name == "Second"
