"""Calling services directly, each call in its own unit of work on the real database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.deps import Actor
from storage.db import session_scope

TEAM = "T1"
MANAGER = Actor(TEAM, "UMGR", is_manager=True)
MEMBER = Actor(TEAM, "UMEMBER")
OTHER = Actor(TEAM, "UMEMBER2")
OWNER = Actor(TEAM, "UOWNER")


@dataclass
class Db:
    engine: Engine

    def run(self, fn: Callable[..., Any], /, *, write: bool = True, **kwargs: Any) -> Any:
        """One unit of work as the handlers run it: committed, or rolled back when it raises."""
        with session_scope(self.engine, write=write) as session:
            return fn(session=session, **kwargs)

    def session(self) -> Session:
        """A plain session for looking at what was written."""
        return Session(self.engine)


@pytest.fixture
def db(engine: Engine) -> Db:
    return Db(engine)
