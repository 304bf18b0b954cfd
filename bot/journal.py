"""The command journal: no acknowledged slash command vanishes in a stop or a crash.

1. Before a command's listener runs (and so before its ack goes back to Slack), a `pending_command`
   row is written: one short insert, from the event loop (see `Journal`), so it never queues behind
   the work of earlier commands. A command answered by its ack alone (help, bad input) has its row
   deleted like the others, once its listener ends.
2. The unit of work that carries the command out marks its row `done`, with the answer, in the
   same transaction (`within`), so a command that was done is never reported as not done.
3. Once the command is answered, its row is deleted (a moment later, with the others answered by then).
4. Rows left by a stopped process (its owner is a dead process on this host, or the row is older
   than the lease: another host's instance) are taken over at start and by the sweep, and their
   authors told by DM, through the delivery ledger so that nobody is told twice: a `done` command
   with its answer, any other that it was not done and should be sent again.

`/feedback` with `anon`, or alone (its form can make it anonymous), is not journaled: the author
of anonymous feedback is never stored (each front end says which of its commands are journaled).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.database import DB_DOWN, Database
from bot.delivery import INSTANCE, Deliverer, Envelope, dead_local_owners
from bot.errors import Unavailable
from storage import clock
from storage.db import BUSY_TIMEOUT_MS, PG_CONNECT_TIMEOUT_S, is_sqlite, make_engine, session_scope
from storage.models_rhythm import PendingCommand
from storage.repositories import commands as repo

log = logging.getLogger(__name__)
T = TypeVar("T")
LEASE = timedelta(minutes=10)  # no command takes this long: a row this old was left by a stopped process
CLOSE_AFTER_S = 0.5
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # as SQLAlchemy stores a DateTime in SQLite (UTC)
COLUMNS = ("team_id", "user_id", "channel_id", "command", "text", "status", "owner", "received_at")
INSERT = (f"INSERT INTO pending_command ({', '.join(COLUMNS)}) "
          f"VALUES ({', '.join(':' + c for c in COLUMNS)})")
PG_INSERT = (f"INSERT INTO pending_command ({', '.join(COLUMNS)}) "
             f"VALUES ({', '.join(f'%({c})s' for c in COLUMNS)}) RETURNING id")
SHOWN_TEXT = 300  # characters of a command's text quoted back to its author
# How long an ack may wait for its journal row. Slack wants the ack within 3 s; a database that takes
# connections but never answers must not hold it, so the command goes on unjournaled (and logged).
WRITE_TIMEOUT_S = 1.0

# The journal row of the command the current task is carrying out (contextvars follow it into the
# database threads, see `bot.database.Database`).
CURRENT: ContextVar[int | None] = ContextVar("pending_command", default=None)


SIDECAR_TABLE = """CREATE TABLE IF NOT EXISTS pending_command (
    id INTEGER PRIMARY KEY AUTOINCREMENT, team_id VARCHAR(32) NOT NULL, user_id VARCHAR(32) NOT NULL,
    channel_id VARCHAR(32), command VARCHAR(32) NOT NULL, text TEXT NOT NULL, status VARCHAR(16) NOT NULL,
    reply TEXT, owner VARCHAR(96) NOT NULL, received_at DATETIME NOT NULL)"""


def sidecar_path(engine: Engine) -> Path:
    side = Path(engine.url.database or "")
    return side.with_name(f"{side.stem}.commands{side.suffix}")


def sidecar_engine(engine: Engine) -> Engine | None:
    """With SQLite, the journal's rows live in a file of their own beside the database's
    (`bot.db` -> `bot.commands.db`): the database takes one writer at a time, and an ack must not
    wait for the work of the commands before it to commit. Its ids never repeat (AUTOINCREMENT),
    since the done marks in the database refer to them. None for an in-memory database."""
    path = engine.url.database or ""
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    store = make_engine(str(engine.url.set(database=str(sidecar_path(engine)))))
    with store.begin() as conn:
        conn.exec_driver_sql(SIDECAR_TABLE)
    return store


class Journal:
    """Rows are written from the event loop itself, never through a thread: an insert takes a
    fraction of a millisecond there (the SQLite file of its own, or PostgreSQL over a connection of
    the journal's own), less than handing it to a thread busy with other work and back."""

    def __init__(self, engine: Engine, *, owner: str = INSTANCE, lease: timedelta = LEASE,
                 describe: Callable[[Any], str] | None = None) -> None:
        # The answer a finished command's author is told after a crash, as core text: each front
        # end says how its views read as text (a view kept as such would not survive a restart).
        self.describe = describe
        self.main = engine
        self.owner = owner
        self.lease = lease
        self.split = is_sqlite(engine)  # the done marks are in the database, the rows in their own file
        self.engine = engine  # where the rows are
        self.enabled = engine.dialect.name == "postgresql"
        self._closing: list[int] = []
        self._close_due = False
        self._closer: asyncio.Task[None] | None = None
        self._waiting: list[tuple[dict[str, Any], asyncio.Future[int]]] = []
        self._writer: asyncio.Task[None] | None = None
        self._thread: ThreadPoolExecutor | None = None
        self._local: sqlite3.Connection | None = None
        self._remote: tuple[asyncio.AbstractEventLoop, Any] | None = None  # (loop, psycopg.AsyncConnection)
        store = sidecar_engine(engine) if self.split else None
        if store is not None:
            self.engine, self.enabled = store, True
            self._local = sqlite3.connect(sidecar_path(engine), isolation_level=None, check_same_thread=False,
                                          timeout=BUSY_TIMEOUT_MS / 1000)
            for pragma in ("journal_mode=WAL", "synchronous=NORMAL", f"busy_timeout={BUSY_TIMEOUT_MS}"):
                self._local.execute(f"PRAGMA {pragma}")

    def _pool(self) -> ThreadPoolExecutor:
        if self._thread is None:
            self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="journal")
        return self._thread

    async def open(self, body: dict[str, Any]) -> int:
        """Journal a command (its slash-command payload); returns the row's id once committed."""
        row = {"team_id": str(body.get("team_id") or ""), "user_id": str(body["user_id"]),
               "channel_id": body.get("channel_id"), "command": str(body["command"])[:32],
               "text": str(body.get("text") or ""), "status": "pending", "owner": self.owner,
               "received_at": clock.now()}
        if self._local is not None:
            row["received_at"] = clock.now().astimezone(UTC).strftime(SQLITE_TIME)
            try:
                return int(self._local.execute(INSERT, row).lastrowid or 0)
            except sqlite3.Error as e:
                raise Unavailable(str(e)) from e
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiting.append((row, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.ensure_future(self._write_waiting())
        try:
            return await asyncio.wait_for(asyncio.shield(done), WRITE_TIMEOUT_S)
        except TimeoutError as e:
            raise Unavailable("the journal did not answer in time") from e

    async def _write_waiting(self) -> None:
        """PostgreSQL: the rows of the commands waiting, in one round trip (a pipeline of inserts)."""
        while self._waiting:
            batch, self._waiting = self._waiting, []
            conn = None
            try:
                conn = await asyncio.wait_for(self._connection(), WRITE_TIMEOUT_S)
                got = await asyncio.wait_for(self._insert(conn, [row for row, _ in batch]), WRITE_TIMEOUT_S)
                if len(got) != len(batch):
                    raise RuntimeError("journal: a row id is missing")
                outcome: list[tuple[int | None, BaseException | None]] = [(i, None) for i in got]
            except Exception as e:  # noqa: BLE001 - handed to each command waiting
                if conn is not None:
                    self._drop(conn)
                outcome = [(None, Unavailable(type(e).__name__))] * len(batch)
            for (_, fut), (command_id, error) in zip(batch, outcome, strict=True):
                if fut.done():
                    continue
                if error is not None:
                    fut.set_exception(error)
                else:
                    fut.set_result(int(command_id or 0))

    @staticmethod
    async def _insert(conn: Any, rows: list[dict[str, Any]]) -> list[int]:
        async with conn.cursor() as cur:
            await cur.executemany(PG_INSERT, rows, returning=True)
            got = []
            while True:
                got.append(int((await cur.fetchone())[0]))
                if not cur.nextset():
                    break
        return got

    def close(self, command_id: int) -> None:
        """The command is finished and answered. Its row goes within `CLOSE_AFTER_S`, with the
        others finished by then: one statement for many, off the path of the acks."""
        self._closing.append(command_id)
        if not self._close_due:
            self._close_due = True
            asyncio.get_running_loop().call_later(CLOSE_AFTER_S, self._start_closing)

    def _start_closing(self) -> None:
        if self._closer is None or self._closer.done():
            self._closer = asyncio.ensure_future(self._close_waiting())

    async def finish(self) -> None:
        """At a stop, once the work is done: clear what is finished, close the journal's connections."""
        if self._closer is not None and not self._closer.done():
            await self._closer
        await self._close_waiting()
        if self._remote is not None:
            conn, self._remote = self._remote[1], None
            await conn.close()

    async def _close_waiting(self) -> None:
        closing, self._closing, self._close_due = self._closing, [], False
        if not closing:
            return
        try:
            if self._local is not None:
                self._local.execute(f"DELETE FROM pending_command WHERE id IN ({','.join('?' * len(closing))})",
                                    closing)
            else:
                conn = await asyncio.wait_for(self._connection(), WRITE_TIMEOUT_S)
                try:
                    await asyncio.wait_for(conn.execute("DELETE FROM pending_command WHERE id = ANY(%s)", [closing]),
                                           5 * WRITE_TIMEOUT_S)
                except Exception:
                    self._drop(conn)
                    raise
        except Exception as e:  # noqa: BLE001 - tried again with the next ones
            self._closing.extend(closing)
            log.warning("journal: could not clear %d finished commands (%s); trying again later",
                        len(closing), type(e).__name__)
            return
        if self.split:  # then their done marks, in the database (one left by a crash here is cleared later)
            await asyncio.get_running_loop().run_in_executor(self._pool(), self._forget_marks, closing)

    async def _connection(self) -> Any:
        import psycopg

        loop = asyncio.get_running_loop()
        if self._remote is not None and self._remote[0] is loop and not self._remote[1].closed:
            return self._remote[1]
        url = self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        conn = await psycopg.AsyncConnection.connect(url, autocommit=True, connect_timeout=PG_CONNECT_TIMEOUT_S)
        if self._remote is not None and self._remote[0] is loop and not self._remote[1].closed:
            await conn.close()  # another open connected meanwhile
            return self._remote[1]
        self._remote = (loop, conn)
        return conn

    def _drop(self, conn: Any) -> None:
        if self._remote is not None and self._remote[1] is conn:
            self._remote = None
            asyncio.ensure_future(conn.close())

    def _forget_marks(self, done_ids: list[int]) -> None:
        try:
            with session_scope(self.main) as session:
                repo.close_many(session=session, ids=done_ids)
        except Exception as e:  # noqa: BLE001 - forget_done clears them later
            log.info("journal: done marks left for later (%s)", type(e).__name__)

    def within(self, fn: Callable[..., T]) -> Callable[..., T]:
        """`fn` (a unit of work), also marking the current command done, with its answer, when it commits."""

        def run(*, session: Any, **kwargs: Any) -> T:
            result = fn(session=session, **kwargs)
            command_id = CURRENT.get()
            if command_id is not None:
                reply = getattr(result, "reply", None)
                kept: Any = reply if isinstance(reply, str | dict) else None  # core text (or a stored message)
                if kept is None and reply is not None and self.describe is not None:
                    kept = self.describe(reply)
                repo.mark_done(session=session, command_id=command_id, reply=json.dumps(kept, default=str))
            return result

        return run

    async def recover(self, db: Database, deliverer: Deliverer) -> int:
        """Tell the authors of commands stopped processes left unfinished; returns how many."""
        if not self.enabled:
            return 0
        owners = await self._in_store(repo.owners)
        if self.split:  # marks older than any row they could answer for
            await db.write(repo.forget_done, before=clock.now() - 4 * self.lease)
        if not owners:
            return 0
        rows = await self._in_store(repo.claim_stale, owner=self.owner, received_before=clock.now() - self.lease,
                                    dead_owners=dead_local_owners(owners))
        if not rows:
            return 0
        if self.split:
            marks = await db.read(repo.done_replies, ids=[int(r.id) for r in rows if r.id is not None])
            for row in rows:
                if row.id in marks:
                    row.status, row.reply = "done", marks[row.id]
        by_team: dict[str, list[Envelope]] = {}
        for row in rows:
            by_team.setdefault(row.team_id, []).append(Envelope(
                what=f"command:{row.id}", recipient=row.user_id, occurrence=_aware(row.received_at).isoformat(),
                message=notice(row)))
        for team_id, envelopes in by_team.items():
            await deliverer.send_all(team_id, envelopes)  # in the ledger now: never told twice
        done_ids = [int(r.id) for r in rows if r.id is not None]
        await self._in_store(repo.close_many, ids=done_ids)
        if self.split:
            await db.write(repo.close_many, ids=done_ids)
        done = sum(r.status == "done" for r in rows)
        log.warning("%d commands a stopped process acknowledged and did not finish: %d were done (answer sent by DM), "
                    "%d were not (author told by DM)", len(rows), done, len(rows) - done)
        return len(rows)


    async def _in_store(self, fn: Callable[..., T], /, **kwargs: Any) -> T:
        def run() -> T:
            try:
                with session_scope(self.engine) as session:
                    return fn(session=session, **kwargs)
            except (OperationalError, PoolTimeout) as e:  # the sweep tries again; nothing is lost
                raise Unavailable(DB_DOWN) from e

        return await asyncio.get_running_loop().run_in_executor(self._pool(), run)


def notice(row: PendingCommand) -> str:
    """The DM to the author of a command left unfinished (core text)."""
    text = row.text if len(row.text) <= SHOWN_TEXT else row.text[:SHOWN_TEXT] + "…"
    typed = f"{row.command} {text}".strip().replace("`", "'")
    when = _aware(row.received_at).strftime("%Y-%m-%d %H:%M UTC")
    if row.status == "done":
        head = f"Your command `{typed}` (received at {when}) was done, but its answer did not reach you"
        answer = answer_text(json.loads(row.reply or "null"))
        return f"{head}:\n{answer}" if answer else f"{head}."
    return (f"Your command `{typed}` (received at {when}) was not done: I was stopped before "
            "I could carry it out. Please send it again.")


def answer_text(reply: Any) -> str:
    """The text of a stored answer: core text, or the `text` of a message stored as it was sent."""
    if isinstance(reply, str):
        return reply.strip()
    if isinstance(reply, dict):
        return str(reply.get("text") or "").strip()
    return ""


def _aware(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)

