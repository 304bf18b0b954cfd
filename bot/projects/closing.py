"""Closing a project (`/project close NAME [won|lost] [NOTE]`, managers).

What a closed project means, kept small on purpose: it keeps its risks, feedback and lessons, still
shows in `/project list` (marked closed) and `/project show`, and can still be named in `project=`
(a lesson, or a late risk, may still be logged on it); its stakeholder check-ins are no longer sent
(`bot.checkins.flows`), scheduled or by `/checkin send`. Stand-ups belong to channels, not projects,
and go on. A project is closed once: closing it again is answered with who closed it and when, and
changes nothing. Closing asks the people who logged its risks and feedback for a lesson
(`bot.lessons.flows.ask_for_lessons`, once each, through the delivery ledger).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from bot.errors import NotFound, Refused, UsageError
from bot.lessons.flows import lesson_recipients
from bot.outcomes import Outcome
from bot.people import Actor
from bot.projects.grammar import MAX_NOTE, USAGE, CloseProject
from bot.projects.lookup import resolve
from storage import clock
from storage.models import Project
from storage.models_lessons import ProjectClosing
from storage.repositories import lessons as history_repo
from storage.repositories import projects as repo


@dataclass(frozen=True)
class ProjectClosed:
    """A project was closed; `asking` are the people about to be asked for a lesson."""

    project: Project
    closing: ProjectClosing
    asking: tuple[str, ...] = ()


class AlreadyClosed(UsageError):
    """Closing a closed project. Plain values, not rows: the unit of work is rolled back before it is shown."""

    def __init__(self, project: Project, closing: ProjectClosing) -> None:
        self.name, self.outcome, self.closed_by = project.name, closing.outcome, closing.closed_by
        self.since = f"{closing.closed_at:%Y-%m-%d}"
        outcome = f" ({closing.outcome})" if closing.outcome else ""
        super().__init__(f"*{project.name}* is already closed{outcome}, since {self.since}. Nothing changed.")


def _find(session: Session, team_id: str, request: CloseProject) -> tuple[Project, str | None]:
    """The project the request names, and its note (the words after the name when it was not exact)."""
    if request.exact:
        return resolve(session=session, team_id=team_id, name=" ".join(request.name_words)), request.note
    words = request.name_words
    for k in range(len(words), 0, -1):
        project = repo.get_by_name(session=session, team_id=team_id, name=" ".join(words[:k]))
        if project is not None:
            note = " ".join(words[k:]).strip() or None
            return project, note
    resolve(session=session, team_id=team_id, name=" ".join(words))  # raises UnknownProject, with close names
    raise AssertionError("unreachable")


def close(*, session: Session, actor: Actor, request: CloseProject) -> Outcome:
    if not actor.is_manager:
        raise Refused("Sorry, only managers can close projects. Ask a manager to run `/project close`.")
    found, note = _find(session, actor.team_id, request)
    if note and len(note) > MAX_NOTE:
        raise UsageError(f"The note can have at most {MAX_NOTE} characters.", USAGE)
    assert found.id is not None
    project = history_repo.lock_project(session=session, team_id=actor.team_id, project_id=found.id)
    if project is None:
        raise NotFound("That project no longer exists.")
    earlier = history_repo.closing_of(session=session, team_id=actor.team_id, project_id=found.id)
    if earlier is not None:
        raise AlreadyClosed(project, earlier)
    closing = history_repo.add_closing(session=session, closing=ProjectClosing(
        project_id=found.id, team_id=actor.team_id, outcome=request.outcome, note=note, closed_by=actor.user_id,
        closed_at=clock.now()))
    changes: dict[str, list[str | None]] = {"status": ["open", "closed"]}
    if request.outcome:
        changes["outcome"] = [None, request.outcome]
    repo.record_event(session=session, project=project, actor_id=actor.user_id, action="closed", changes=changes,
                        note=note)
    asking = lesson_recipients(session=session, team_id=actor.team_id, project_id=found.id)
    return Outcome(reply=ProjectClosed(project, closing, tuple(asking)))
