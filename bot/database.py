"""The database as listeners and jobs use it: each unit of work in a worker thread, an outage
reported as `Unavailable` with what to tell the person."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.errors import Unavailable
from storage.db import session_scope

log = logging.getLogger(__name__)
T = TypeVar("T")
DB_THREADS = 2  # see _executor

DB_DOWN = (
    "Sorry, I can't reach my database right now, so nothing was saved. "
    "Please try again in a minute."
)


class Database:
    """Runs a unit of work in a worker thread so the event loop never waits on the database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def _run(self, fn: Callable[..., T], write: bool, kwargs: dict[str, Any]) -> T:
        try:
            with session_scope(self.engine, write=write) as session:
                result = fn(session=session, **kwargs)
                if not write:
                    # A read ends in a rollback, which would expire the rows it loaded; detached
                    # first, they stay readable by the caller (e.g. projects listed in a modal).
                    session.expunge_all()
                return result
        except (OperationalError, PoolTimeout) as e:
            log.warning("database unavailable: %s", type(e).__name__)
            raise Unavailable(DB_DOWN) from e
        except DBAPIError as e:
            if e.connection_invalidated:
                raise Unavailable(DB_DOWN) from e
            raise

    async def write(self, fn: Callable[..., T], /, **kwargs: Any) -> T:
        return await self._in_thread(fn, True, kwargs)

    async def read(self, fn: Callable[..., T], /, **kwargs: Any) -> T:
        return await self._in_thread(fn, False, kwargs)

    async def _in_thread(self, fn: Callable[..., T], write: bool, kwargs: dict[str, Any]) -> T:
        context = contextvars.copy_context()
        call = functools.partial(context.run, self._run, fn, write, kwargs)
        return await asyncio.get_running_loop().run_in_executor(_executor(), call)


_EXECUTOR: ThreadPoolExecutor | None = None
_EXECUTOR_LOCK = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    """The process's database threads, shared by every `Database`.

    Few on purpose: units of work are mostly Python (the ORM) holding the GIL, so more threads
    than cores only make the event loop wait longer for its turn, delaying every ack; and SQLite
    takes one writer at a time anyway. Work beyond them queues, first come first served."""
    global _EXECUTOR
    with _EXECUTOR_LOCK:
        if _EXECUTOR is None:
            _EXECUTOR = ThreadPoolExecutor(max_workers=DB_THREADS, thread_name_prefix="db")
        return _EXECUTOR
