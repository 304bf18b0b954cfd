"""Calling services directly, each call in its own unit of work on the real database."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage.db import session_scope


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
