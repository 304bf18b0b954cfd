"""One engine per process, one session per unit of work, migrations at start.

SQLite runs in WAL mode with foreign keys on and a busy timeout; units of work
that write begin with `BEGIN IMMEDIATE` so that two writers queue on the busy
timeout instead of failing on a lock upgrade. PostgreSQL needs none of that.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
PG_CONNECT_TIMEOUT_S = 5  # seconds to wait for a new PostgreSQL connection
SQLITE_FILE_ERRORS = {8, 10, 14}  # SQLITE_READONLY, SQLITE_IOERR, SQLITE_CANTOPEN (primary result codes)
MIGRATION_LOCK = 7_420_115  # PostgreSQL advisory lock id held while migrating


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str, **kwargs: Any) -> Engine:
    """The process's engine; for SQLite the file's folder is created if needed."""
    u = make_url(url)
    if u.drivername.startswith("sqlite"):
        db = u.database or ""
        if db and db != ":memory:" and not db.startswith("file:"):
            Path(db).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
            pool_pre_ping=False,
            hide_parameters=True,
            **kwargs,
        )
        _sqlite_events(engine)
        return engine
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
        url = u.render_as_string(hide_password=False)
    if u.drivername.startswith("postgresql") and "connect_timeout" not in u.query:
        # A server that stops answering (rather than refusing) would otherwise hold each request,
        # and the worker thread running it, for minutes; this way the person gets the apology.
        kwargs.setdefault("connect_args", {}).setdefault("connect_timeout", PG_CONNECT_TIMEOUT_S)
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, hide_parameters=True, **kwargs)


def _sqlite_events(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    @event.listens_for(engine, "handle_error")
    def _on_error(ctx: Any) -> None:
        # A connection opened while the file could not be written stays read-only for good, and one
        # whose file went away keeps failing: treated as lost, it is dropped with the pool's others,
        # and the next unit of work opens the file afresh (e.g. once its mode is put right).
        code = getattr(ctx.original_exception, "sqlite_errorcode", 0) & 0xFF
        if code in SQLITE_FILE_ERRORS:
            ctx.is_disconnect = True


@contextmanager
def session_scope(engine: Engine, *, write: bool = True) -> Iterator[Session]:
    """A unit of work: committed when the block ends, rolled back if it raises."""
    bind = engine.execution_options(sqlite_immediate=True) if write and is_sqlite(engine) else engine
    with Session(bind=bind, expire_on_commit=False) as session:
        try:
            yield session
            if write:
                session.commit()
            else:
                session.rollback()
        except BaseException:
            session.rollback()
            raise


def ping(engine: Engine) -> None:
    """Raises if the database cannot answer a trivial query."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def alembic_config(engine: Engine | None = None) -> Any:
    from alembic.config import Config

    here = Path(__file__).parent
    cfg = Config()
    cfg.set_main_option("script_location", str(here / "migrations"))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration; safe with several processes starting at once."""
    from alembic import command

    cfg = alembic_config(engine)
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": MIGRATION_LOCK})
            conn.commit()
        try:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
            conn.commit()
        finally:
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": MIGRATION_LOCK})
                conn.commit()
