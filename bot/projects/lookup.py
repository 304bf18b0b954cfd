"""Finding a project by the name a person typed: every feature that takes `project=` uses this."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from sqlmodel import Session

from bot.errors import NotFound, UsageError
from storage.models import Project
from storage.repositories import projects as repo


class UnknownProject(NotFound):
    """No project is called `name`; `close` are the names most like it.

    The message is the core's text, with the names as typed; front ends that escape what people
    typed draw it from the fields."""

    def __init__(self, name: str, close: Sequence[str] = ()) -> None:
        self.name, self.close = name, list(close)
        hint = f" Did you mean {', '.join(f'*{c}*' for c in self.close)}?" if self.close else ""
        super().__init__(f"There is no project called *{name}*.{hint} "
                         f"Managers can create it with `/project new {name}`.")


class DuplicateProject(UsageError):
    """A project called `name` (in any case) exists already."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"There is already a project called *{name}*.")



def resolve(*, session: Session, team_id: str, name: str) -> Project:
    """The project called `name` (any case), or `UnknownProject` naming the closest ones."""
    project = repo.get_by_name(session=session, team_id=team_id, name=name)
    if project is not None:
        return project
    names = repo.names(session=session, team_id=team_id)
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5) or difflib.get_close_matches(
        name.lower(), [n.lower() for n in names], n=3, cutoff=0.5)
    raise UnknownProject(name, close)
