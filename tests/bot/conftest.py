"""Calling services directly, each call in its own unit of work on the real database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.people import Actor
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
            result = fn(session=session, **kwargs)
            if not write:
                session.expunge_all()  # as bot.deps does: what a read returns stays readable after its rollback
            return result

    def session(self) -> Session:
        """A plain session for looking at what was written."""
        return Session(self.engine)


@pytest.fixture
def db(engine: Engine) -> Db:
    return Db(engine)
