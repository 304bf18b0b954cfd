"""What listeners and jobs need, built once per process by the composition root (`bot.app`) and
handed to listeners through their front end (Slack: Bolt's context, `context["deps"]`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.database import Database
from bot.delivery import Deliverer
from bot.journal import Journal
from bot.people import People
from bot.ports import Platform
from bot.settings import Settings
from storage.db import session_scope


class Rhythm(Protocol):
    """What scheduled flows (and commands that start them) run with. The scheduler's runtime
    (`scheduler.runtime.Rhythm`), built by the composition root, satisfies it; the core names
    only this protocol, so it never imports the scheduler that calls it."""

    deps: Deps
    platform: Platform  # the chat platform the flows reach people through
    deliverer: Deliverer  # the delivery ledger's sender, shared by every flow of the process

    @property
    def specs(self) -> Mapping[str, object]:
        """The scheduled jobs by id, as last built from the schedule definitions."""
        ...

    def now(self) -> datetime:
        ...

    async def rebuild(self) -> None:
        """Rebuild the jobs from the schedule definitions (after a change made here)."""
        ...


@dataclass
class Deps:
    settings: Settings
    engine: Engine
    db: Database
    people: People
    platform: Platform  # the chat platforms this process serves, as the core reaches them (`bot.routing`)
    journal: Journal | None = None  # slash commands journaled before their ack (set by the app factory)
    rhythm: Rhythm | None = None  # the scheduler runtime once started: schedule changes apply at once

    def session(self, write: bool = True) -> Any:
        return session_scope(self.engine, write=write)


def new_session(engine: Engine) -> Session:
    return Session(engine, expire_on_commit=False)
