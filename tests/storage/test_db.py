"""The engine: how it reaches PostgreSQL, and how SQLite connections that can no longer write are let go."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from storage.db import PG_CONNECT_TIMEOUT_S, make_engine


def test_a_postgres_url_keeps_its_password() -> None:
    args = driver_args("postgresql://bot:s3cret@db.internal/bot")
    assert args["password"] == "s3cret" and args["host"] == "db.internal"


class Refused(Exception):
    pass


def driver_args(url: str) -> dict[str, object]:
    """What the driver would be asked to connect with."""
    engine = make_engine(url)
    seen: dict[str, object] = {}

    @event.listens_for(engine, "do_connect")
    def capture(_dialect: object, _record: object, _cargs: object, cparams: dict[str, object]) -> None:
        seen.update(cparams)
        raise Refused

    with pytest.raises(Refused):
        engine.connect()
    engine.dispose()
    return seen


def test_a_postgres_connection_gives_up_waiting_after_a_few_seconds() -> None:
    """A server that stops answering must not hold a request (and its thread) for minutes."""
    assert driver_args("postgresql://bot@db.internal/bot")["connect_timeout"] == PG_CONNECT_TIMEOUT_S
    assert driver_args("postgresql://bot@db.internal/bot?connect_timeout=20")["connect_timeout"] == "20"


def test_a_sqlite_connection_that_cannot_write_is_replaced(tmp_path: Path) -> None:
    """E.g. one opened while the file was read-only: once the file is writable again, so is the bot."""
    engine = make_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    with engine.begin() as c:
        c.execute(text("CREATE TABLE t (x INTEGER)"))
    with engine.connect() as c:
        c.exec_driver_sql("PRAGMA query_only = ON")  # this pooled connection now refuses every write
    with pytest.raises(OperationalError) as failed, engine.begin() as c:
        c.execute(text("INSERT INTO t VALUES (1)"))
    assert failed.value.connection_invalidated
    with engine.begin() as c:  # a fresh connection
        c.execute(text("INSERT INTO t VALUES (2)"))
    with engine.connect() as c:
        assert c.execute(text("SELECT x FROM t")).scalars().all() == [2]
    engine.dispose()
