"""The risk register: add, list, show, update, close, with every change kept.

`perform` carries out a request from `bot.risks.grammar`; each reply and post is a view from
`bot.risks.views`.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any, assert_never

from sqlmodel import Session

from bot import text
from bot.errors import NotFound, Refused, UsageError
from bot.outcomes import Outcome, Post
from bot.people import Actor
from bot.projects.lookup import resolve
from bot.risks.bands import band, rank, score
from bot.risks.grammar import (
    DEFAULT_LEVEL,
    MAX_TEXT,
    MAX_TITLE,
    STATUSES,
    AddRisk,
    CloseRisk,
    ListRisks,
    RiskInput,
    RiskRequest,
    ShowRisk,
    UpdateRisk,
)
from bot.risks.similar import similar
from bot.risks.views import (
    USAGE,
    RiskAdded,
    RiskAnnouncement,
    RiskClosed,
    RiskDetail,
    RiskList,
    RiskUpdated,
)
from storage import clock
from storage.models import Project, Risk
from storage.repositories import counters
from storage.repositories import projects as projects_repo
from storage.repositories import risks as repo

ANNOUNCED_BANDS = ("High", "Critical")
PAGE_SIZE = 20  # risks on one page of the list
SIMILAR_SHOWN = 3  # similar open risks named when a risk is logged


def _check_text(value: str | None, what: str, limit: int) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > limit:
        raise UsageError(f"The {what} can have at most {limit} characters (it has {len(value)}).")
    return value or None


def _project(session: Session, team_id: str, data: RiskInput) -> Project | None:
    if data.project_id is not None:
        p = projects_repo.get(session=session, team_id=team_id, project_id=data.project_id)
        if p is None:
            raise NotFound("That project no longer exists.")
        return p
    if data.project_name:
        return resolve(session=session, team_id=team_id, name=data.project_name)
    return None


def _announce(risk: Risk, project: Project | None, actor: Actor, reason: str) -> list[Post]:
    if project is None or not project.channel_id or band(risk.score) not in ANNOUNCED_BANDS:
        return []
    return [Post(project.channel_id, RiskAnnouncement(risk, project, actor.user_id, reason),
                 on_fail=f"I couldn't announce it in {text.place(project.channel_id)}: invite me there with "
                         "`/invite`.")]


def add(*, session: Session, actor: Actor, data: RiskInput, today: date | None = None) -> Outcome:
    title = _check_text(data.title, "title", MAX_TITLE)
    if not title:
        raise UsageError("A risk needs a title.", USAGE)
    if data.review_date and data.review_date < (today or clock.today()):
        raise UsageError(f"The review date {data.review_date} is in the past.", USAGE)
    project = _project(session, actor.team_id, data)
    p = data.probability or DEFAULT_LEVEL
    i = data.impact or DEFAULT_LEVEL
    number = counters.next_value(session=session, team_id=actor.team_id, name="risk")
    risk = Risk(
        team_id=actor.team_id, number=number, project_id=project.id if project else None, title=title,
        description=_check_text(data.description, "description", MAX_TEXT), probability=p, impact=i,
        score=score(p, i), status="open", owner_id=data.owner_id,
        mitigation=_check_text(data.mitigation, "mitigation", MAX_TEXT),
        contingency=_check_text(data.contingency, "contingency", MAX_TEXT),
        review_date=data.review_date, source=data.source, created_by=actor.user_id,
    )
    repo.add(session=session, risk=risk, actor_id=actor.user_id)
    assumed = tuple(k for k, v in (("p", data.probability), ("i", data.impact)) if v is None)
    return Outcome(reply=RiskAdded(risk, project, assumed, similar_open(session, risk)),
                   posts=_announce(risk, project, actor, "New risk"))


def similar_open(session: Session, risk: Risk) -> tuple[Risk, ...]:
    """The open risks of `risk`'s project whose titles are much like its own, at most `SIMILAR_SHOWN`."""
    others = repo.open_on_project(session=session, team_id=risk.team_id, project_id=risk.project_id,
                                  exclude_id=risk.id)
    return tuple(o for o in others if similar(risk.title, o.title))[:SIMILAR_SHOWN]


def get(session: Session, team_id: str, number: int, *, lock: bool = False) -> Risk:
    """The risk `R-number`. A change takes it with `lock`: a concurrent change of the same risk
    then waits for this unit of work and reads what it wrote, so neither undoes the other."""
    risk = repo.get_by_number(session=session, team_id=team_id, number=number, lock=lock)
    if risk is None:
        raise NotFound(f"There is no risk R-{number} here. `/risk list all` shows them all.")
    return risk


def list_page(*, session: Session, actor: Actor, project_name: str | None = None,
              project_id: int | None = None, include_closed: bool = False, page: int = 1) -> Outcome:
    project = _project(session, actor.team_id, RiskInput(project_name=project_name, project_id=project_id))
    query: dict[str, Any] = {"session": session, "team_id": actor.team_id,
                             "project_id": project.id if project else None,
                             "include_closed": include_closed, "limit": PAGE_SIZE}
    page = max(1, page)
    rows, total = repo.page(offset=(page - 1) * PAGE_SIZE, **query)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if page > pages:  # the list shrank since the button was drawn
        page = pages
        rows, total = repo.page(offset=(page - 1) * PAGE_SIZE, **query)
    names = {k: v.name for k, v in projects_repo.by_ids(
        session=session, team_id=actor.team_id, ids={r.project_id for r in rows if r.project_id}).items()}
    return Outcome(reply=RiskList(rows, names, total=total, page=page, pages=pages, project=project,
                                  include_closed=include_closed))


def show(*, session: Session, actor: Actor, number: int) -> Outcome:
    risk = get(session, actor.team_id, number)
    project = projects_repo.get(session=session, team_id=actor.team_id, project_id=risk.project_id) \
        if risk.project_id else None
    return Outcome(reply=RiskDetail(risk, project, repo.history(session=session, risk=risk)))


def may_change(actor: Actor, risk: Risk) -> None:
    """Refused unless `actor` owns the risk, logged it, or is a manager."""
    if actor.is_manager or actor.user_id in (risk.owner_id, risk.created_by):
        return
    raise Refused(f"Sorry, only the owner of R-{risk.number}, the person who logged it, or a manager "
                  "can change it.")


_may_change = may_change  # the name bot.reviews uses


def update(*, session: Session, actor: Actor, number: int, data: RiskInput, note: str | None = None,
           today: date | None = None) -> Outcome:
    risk = get(session, actor.team_id, number, lock=True)
    may_change(actor, risk)
    if data.review_date and data.review_date < (today or clock.today()):
        raise UsageError(f"The review date {data.review_date} is in the past.", USAGE)
    if data.status and data.status not in STATUSES:
        raise UsageError(f"`status=` must be one of {', '.join(STATUSES)}.", USAGE)
    before_band = band(risk.score)
    changes: dict[str, list[Any]] = {}

    def change(field: str, label: str, value: Any) -> None:
        old = getattr(risk, field)
        if value is not None and value != old:
            changes[label] = [old, value]
            setattr(risk, field, value)

    change("title", "title", _check_text(data.title, "title", MAX_TITLE))
    change("description", "description", _check_text(data.description, "description", MAX_TEXT))
    change("probability", "probability", data.probability)
    change("impact", "impact", data.impact)
    change("owner_id", "owner", data.owner_id)
    change("mitigation", "mitigation", _check_text(data.mitigation, "mitigation", MAX_TEXT))
    change("contingency", "contingency", _check_text(data.contingency, "contingency", MAX_TEXT))
    change("review_date", "review", data.review_date)
    if data.project_name or data.project_id:
        project = _project(session, actor.team_id, data)
        change("project_id", "project_id", project.id if project else None)
    change("status", "status", data.status)
    if not changes and data.status == "closed" and risk.status == "closed":
        raise UsageError(f"R-{number} is already closed.")
    if not changes:
        raise UsageError(f"Nothing to change on R-{number}: give at least one option that differs.", USAGE)
    risk.score = score(risk.probability, risk.impact)
    risk.updated_at = clock.now()
    if "status" in changes:
        risk.closed_at = clock.now() if risk.status == "closed" else None
    repo.record(session=session, risk=risk, actor_id=actor.user_id,
                action="closed" if changes.get("status", [None, None])[1] == "closed" else "updated",
                changes=changes, note=note)
    session.add(risk)
    project = projects_repo.get(session=session, team_id=actor.team_id, project_id=risk.project_id) \
        if risk.project_id else None
    posts = []
    after_band = band(risk.score)
    if risk.status != "closed" and rank(after_band) > rank(before_band):  # e.g. Medium -> High, High -> Critical
        posts = _announce(risk, project, actor, f"Risk raised from {before_band}")
    return Outcome(reply=RiskUpdated(risk, changes), posts=posts)


def close(*, session: Session, actor: Actor, number: int, note: str | None = None) -> Outcome:
    risk = get(session, actor.team_id, number, lock=True)
    may_change(actor, risk)
    if risk.status == "closed":
        raise UsageError(f"R-{number} is already closed.")
    note = _check_text(note, "note", MAX_TEXT)
    repo.record(session=session, risk=risk, actor_id=actor.user_id, action="closed",
                changes={"status": [risk.status, "closed"]}, note=note)
    risk.status = "closed"
    risk.closed_at = risk.updated_at = clock.now()
    session.add(risk)
    return Outcome(reply=RiskClosed(risk, note))


def perform(request: RiskRequest, *, session: Session, actor: Actor) -> Outcome:
    """Carry out a `/risk` request as `actor`, in the caller's unit of work."""
    match request:
        case AddRisk(data=data):
            return add(session=session, actor=actor, data=data)
        case ListRisks(project_name=name, project_id=pid, include_closed=closed, page=page):
            return list_page(session=session, actor=actor, project_name=name, project_id=pid,
                             include_closed=closed, page=page)
        case ShowRisk(number=number):
            return show(session=session, actor=actor, number=number)
        case UpdateRisk(number=number, data=data, note=note):
            return update(session=session, actor=actor, number=number, data=data, note=note)
        case CloseRisk(number=number, note=note):
            return close(session=session, actor=actor, number=number, note=note)
        case _:
            assert_never(request)
