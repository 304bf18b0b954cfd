"""What listeners need, built once per process by `create_app` and handed to
them through Bolt's context (`context["deps"]`)."""

from __future__ import annotations

import asyncio
import contextvars
import functools
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlmodel import Session

from bot.errors import Unavailable
from bot.settings import Settings
from storage import clock
from storage.db import session_scope
from storage.models import SlackUser
from storage.repositories import users as users_repo

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


@dataclass(frozen=True)
class Actor:
    """Who is asking, with what standing. `is_manager` covers BOT_MANAGERS,
    workspace admins and owners."""

    team_id: str
    user_id: str
    is_manager: bool = False
    is_guest: bool = False
    tz: str | None = None


@dataclass
class People:
    """Roles and time zones from `users.info`, cached in memory and in the database."""

    db: Database
    managers: frozenset[str]
    ttl: timedelta = timedelta(hours=6)
    _memory: dict[tuple[str, str], tuple[float, SlackUser]] = field(default_factory=dict)

    async def profile(self, client: AsyncWebClient, team_id: str, user_id: str) -> SlackUser:
        key = (team_id, user_id)
        now = time.monotonic()
        hit = self._memory.get(key)
        if hit and now - hit[0] < self.ttl.total_seconds():
            return hit[1]
        row = await self.db.read(users_repo.get, team_id=team_id, user_id=user_id)
        if row is None or clock.now() - row.fetched_at > self.ttl:
            fetched = await self._fetch(client, team_id, user_id)
            if fetched is not None:
                try:
                    row = await self.db.write(users_repo.upsert, row=fetched)
                except IntegrityError:  # a concurrent request cached the same person first: same facts
                    row = fetched
                except Unavailable:  # the database can be read but not written: the cache waits
                    row = fetched
            elif row is None:
                row = SlackUser(team_id=team_id, user_id=user_id)
                self._memory[key] = (now - self.ttl.total_seconds() + 60, row)  # retry in a minute
                return row
        self._memory[key] = (now, row)
        return row

    async def _fetch(self, client: AsyncWebClient, team_id: str, user_id: str) -> SlackUser | None:
        try:
            resp = await client.users_info(user=user_id)
        except SlackApiError as e:
            log.warning("users.info failed: %s", e.response.get("error"))
            return None
        u = resp.get("user") or {}
        return SlackUser(
            team_id=team_id, user_id=user_id, name=(u.get("profile") or {}).get("display_name") or u.get("name"),
            tz=known_zone(u.get("tz")), is_admin=bool(u.get("is_admin")), is_owner=bool(u.get("is_owner")),
            is_guest=bool(u.get("is_restricted") or u.get("is_ultra_restricted")),
        )

    async def actor(self, client: AsyncWebClient, team_id: str, user_id: str) -> Actor:
        p = await self.profile(client, team_id, user_id)
        is_manager = user_id in self.managers or p.is_admin or p.is_owner
        return Actor(team_id, user_id, is_manager=is_manager, is_guest=p.is_guest and not is_manager, tz=p.tz)


def known_zone(name: Any) -> str | None:
    """A profile's time zone if it is one this machine knows, else None (the fallback zone applies)."""
    if not isinstance(name, str) or not name or len(name) > 64:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.info("users.info gave an unknown time zone; using the fallback")
        return None
    return name


@dataclass
class Deps:
    settings: Settings
    engine: Engine
    db: Database
    people: People
    extras: dict[str, Any] = field(default_factory=dict)

    def session(self, write: bool = True) -> Any:
        return session_scope(self.engine, write=write)


def new_session(engine: Engine) -> Session:
    return Session(engine, expire_on_commit=False)
