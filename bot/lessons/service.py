"""Lessons learned: log, find, and the earlier lessons a new project for a known client shows.

`perform` carries out a request from `bot.lessons.grammar`; each reply is a view from `bot.lessons.views`.
"""

from __future__ import annotations

import math
from typing import assert_never

from sqlmodel import Session

from bot.errors import NotFound, UsageError
from bot.lessons.grammar import MAX_TEXT, AddLesson, LessonRequest, ListLessons
from bot.lessons.grammar import tags as parse_tags
from bot.lessons.views import USAGE, EarlierLessons, LessonAdded, LessonList
from bot.outcomes import Outcome
from bot.people import Actor
from bot.projects.lookup import resolve
from storage.models import Project
from storage.models_lessons import Lesson
from storage.repositories import counters
from storage.repositories import lessons as repo
from storage.repositories import projects as projects_repo

PAGE_SIZE = 10  # lessons on one page of the list
EARLIER = 3  # lessons shown on a new project


def _project(session: Session, team_id: str, *, name: str | None, project_id: int | None) -> Project | None:
    if project_id is not None:
        project = projects_repo.get(session=session, team_id=team_id, project_id=project_id)
        if project is None:
            raise NotFound("That project no longer exists.")
        return project
    if name:
        return resolve(session=session, team_id=team_id, name=name)
    return None


def add(*, session: Session, actor: Actor, text: str, project_name: str | None = None,
        project_id: int | None = None, tags: tuple[str, ...] = ()) -> Outcome:
    said = text.strip()
    if not said:
        raise UsageError("What did the team learn? Give the lesson's text.", USAGE)
    if len(said) > MAX_TEXT:
        raise UsageError(f"A lesson can have at most {MAX_TEXT} characters (it has {len(said)}).", USAGE)
    tags = parse_tags(",".join(tags)) if tags else ()
    project = _project(session, actor.team_id, name=project_name, project_id=project_id)
    number = counters.next_value(session=session, team_id=actor.team_id, name="lesson")
    joined = f",{','.join(tags)}," if tags else ""
    lesson = Lesson(team_id=actor.team_id, number=number, project_id=project.id if project else None, text=said,
                    tags=joined, search=f"{said} {' '.join(tags)}".lower(), created_by=actor.user_id)
    repo.add(session=session, lesson=lesson)
    return Outcome(reply=LessonAdded(lesson, project))


def list_page(*, session: Session, actor: Actor, project_name: str | None = None, project_id: int | None = None,
              tag: str | None = None, words: tuple[str, ...] = (), page: int = 1) -> Outcome:
    project = _project(session, actor.team_id, name=project_name, project_id=project_id)

    def read(page: int) -> tuple[list[Lesson], int]:
        return repo.page(session=session, team_id=actor.team_id, project_id=project.id if project else None,
                         tag=tag, words=words, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)

    page = max(1, page)
    rows, total = read(page)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if page > pages:  # the list shrank since the button was drawn
        page = pages
        rows, total = read(page)
    return Outcome(reply=LessonList(rows, _names(session, actor.team_id, rows), total=total, page=page, pages=pages,
                                    project=project, tag=tag, query=" ".join(words) or None))


def _names(session: Session, team_id: str, rows: list[Lesson]) -> dict[int, str]:
    ids = {r.project_id for r in rows if r.project_id}
    return {k: v.name for k, v in projects_repo.by_ids(session=session, team_id=team_id, ids=ids).items()}


def earlier(*, session: Session, team_id: str, project: Project, limit: int = EARLIER) -> EarlierLessons | None:
    """Up to `limit` lessons to read before committing to `project`: the newest of its client's earlier
    projects, then (to fill up) the newest tagged with the client's name (`tags=acme` for client Acme)."""
    if not project.client:
        return None
    rows = repo.of_client(session=session, team_id=team_id, client=project.client, exclude_project_id=project.id,
                          limit=limit)
    tag = "-".join(project.client.lower().split())
    try:
        client_tags = parse_tags(tag)
    except UsageError:  # a client's name that cannot be a tag
        client_tags = ()
    rows += repo.tagged(session=session, team_id=team_id, tags=client_tags,
                        exclude=[r.id for r in rows if r.id is not None], limit=limit - len(rows))
    if not rows:
        return None
    return EarlierLessons(project.client, rows, _names(session, team_id, rows))


def perform(request: LessonRequest, *, session: Session, actor: Actor) -> Outcome:
    """Carry out a `/lesson` request as `actor`, in the caller's unit of work."""
    match request:
        case AddLesson(text=text, project_name=name, project_id=pid, tags=tags):
            return add(session=session, actor=actor, text=text, project_name=name, project_id=pid, tags=tags)
        case ListLessons(project_name=name, project_id=pid, tag=tag, words=words, page=page):
            return list_page(session=session, actor=actor, project_name=name, project_id=pid, tag=tag, words=words,
                             page=page)
        case _:
            assert_never(request)
