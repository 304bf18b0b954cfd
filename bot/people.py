"""Who is asking: roles and time zones from the platform's directory, cached."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.exc import IntegrityError

from bot.database import Database
from bot.errors import Unavailable
from bot.ports import Directory
from storage import clock
from storage.models import SlackUser
from storage.repositories import users as users_repo

log = logging.getLogger(__name__)


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
    """Roles and time zones from the platform's `Directory`, cached in memory and in the database
    (`SlackUser` rows) for `ttl`."""

    db: Database
    managers: frozenset[str]
    directory: Directory
    ttl: timedelta = timedelta(hours=6)
    _memory: dict[tuple[str, str], tuple[float, SlackUser]] = field(default_factory=dict)

    async def profile(self, team_id: str, user_id: str) -> SlackUser:
        key = (team_id, user_id)
        now = time.monotonic()
        hit = self._memory.get(key)
        if hit and now - hit[0] < self.ttl.total_seconds():
            return hit[1]
        row = await self.db.read(users_repo.get, team_id=team_id, user_id=user_id)
        if row is None or clock.now() - row.fetched_at > self.ttl:
            fetched = await self._fetch(team_id, user_id)
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

    async def _fetch(self, team_id: str, user_id: str) -> SlackUser | None:
        p = await self.directory.profile(team_id, user_id)
        if p is None:
            return None
        return SlackUser(team_id=team_id, user_id=user_id, name=p.name, tz=known_zone(p.tz), is_admin=p.is_admin,
                         is_owner=p.is_owner, is_guest=p.is_guest)

    def forget(self, team_id: str, user_id: str) -> None:
        """Drop what this process remembers of a person (their platform just told more about them)."""
        self._memory.pop((team_id, user_id), None)

    async def actor(self, team_id: str, user_id: str) -> Actor:
        p = await self.profile(team_id, user_id)
        is_manager = user_id in self.managers or p.is_admin or p.is_owner
        return Actor(team_id, user_id, is_manager=is_manager, is_guest=p.is_guest and not is_manager, tz=p.tz)


def known_zone(name: Any) -> str | None:
    """A profile's time zone if it is one this machine knows, else None (the fallback zone applies)."""
    if not isinstance(name, str) or not name or len(name) > 64:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        log.info("the directory gave an unknown time zone; using the fallback")
        return None
    return name
