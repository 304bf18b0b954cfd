"""Asking for lessons when a project closes: a DM to each person who logged its risks or feedback.

The people asked are `lesson_recipients` (one function, so other sources of people, such as the
requesters of a project's scope changes, join it in one place). Each is asked once, ever, per
project: the DM goes through the delivery ledger under the key (`lesson_ask:<project id>`, person,
`close`), so a second close, a retry or a restart never asks twice.
"""

from __future__ import annotations

import logging

from sqlmodel import Session

from bot.database import Database
from bot.delivery import Deliverer, Envelope, Report
from bot.lessons.views import LessonPrompt
from storage.repositories import lessons as repo
from storage.repositories import projects as projects_repo
from storage.repositories import scope as scope_repo

log = logging.getLogger(__name__)

OCCURRENCE = "close"


def ask_what(project_id: int) -> str:
    return f"lesson_ask:{project_id}"


def lesson_recipients(*, session: Session, team_id: str, project_id: int) -> list[str]:
    """Who is asked for a lesson when the project closes, each once, in the order they first took part:
    the people who logged its risks, those who gave its feedback under their name, then those who asked
    for its scope changes. The author of anonymous feedback is not stored, so never asked."""
    people: list[str] = []
    for source in (repo.risk_authors, repo.feedback_authors, scope_repo.change_requesters):
        people += source(session=session, team_id=team_id, project_id=project_id)
    return list(dict.fromkeys(people))


def _plan(*, session: Session, team_id: str, project_id: int) -> tuple[LessonPrompt, list[str]] | None:
    project = projects_repo.get(session=session, team_id=team_id, project_id=project_id)
    closing = repo.closing_of(session=session, team_id=team_id, project_id=project_id)
    if project is None or closing is None:
        return None
    prompt = LessonPrompt(project_id, project.name, closing.outcome, closing.closed_by)
    return prompt, lesson_recipients(session=session, team_id=team_id, project_id=project_id)


async def ask_for_lessons(deliverer: Deliverer, db: Database, team_id: str, project_id: int) -> Report:
    """DM each recipient of a closed project the lesson prompt, once (see the module's docstring)."""
    plan = await db.read(_plan, team_id=team_id, project_id=project_id)
    if plan is None:
        return Report()
    prompt, people = plan
    if not people:
        return Report()
    report = await deliverer.send_all(team_id, [Envelope(ask_what(project_id), person, OCCURRENCE, prompt)
                                                for person in people])
    log.info("lesson prompts for project %s: %d sent, %d already sent, %d failed", project_id, report.sent,
             report.skipped, report.failed)
    return report
