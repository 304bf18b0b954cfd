"""Scope before commitment: a project's baseline (managers), change requests `C-N` (anyone but
guests) decided by managers, every change kept in the project's scope history.

`perform` carries out a request from `bot.scope.grammar`; the replies are views from
`bot.scope.views`. The DMs to the project's managers and to the requester go through the delivery
ledger (`bot.scope.flows`), which reads what to send from `alert_plan` and `notice_plan`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, assert_never

from sqlmodel import Session

from bot.checkins.service import project_managers
from bot.errors import NotFound, Refused, UsageError
from bot.outcomes import Outcome
from bot.people import Actor
from bot.projects.lookup import resolve
from bot.scope import figures
from bot.scope.grammar import DecideChange, RequestChange, ScopeRequest, SetBaseline, ShowScope
from bot.scope.views import (
    USAGE,
    BaselineSet,
    ChangeAlert,
    ChangeDecided,
    ChangeLogged,
    DecisionNotice,
    ScopeCard,
)
from storage import clock
from storage.models import Project
from storage.models_scope import ScopeBaseline, ScopeChange
from storage.repositories import counters
from storage.repositories import projects as projects_repo
from storage.repositories import scope as repo

CARD_CHANGES = 20  # change requests on `/scope NAME`
CARD_EVENTS = 10  # history events on it
BASELINE_REFUSAL = "Sorry, only managers can set a project's scope baseline. Ask a manager to run `/scope set`."
DECIDE_REFUSAL = "Sorry, only managers can approve or reject change requests."


def project_of(*, session: Session, team_id: str, name: str | None = None, project_id: int | None = None
               ) -> Project:
    if project_id is not None:
        project = projects_repo.get(session=session, team_id=team_id, project_id=project_id)
        if project is None:
            raise NotFound("That project no longer exists.")
        return project
    if not name:
        raise UsageError("Which project? Give `project=NAME`.", USAGE)
    return resolve(session=session, team_id=team_id, name=name)


def creep_of(*, session: Session, team_id: str, project_id: int, baseline: ScopeBaseline | None) -> str | None:
    """The creep figure of a project with a baseline, else None."""
    if baseline is None:
        return None
    approved = repo.approved_days(session=session, team_id=team_id, project_id=project_id)
    return figures.creep(baseline.days, approved)


def show(*, session: Session, actor: Actor, name: str) -> Outcome:
    project = resolve(session=session, team_id=actor.team_id, name=name)
    assert project.id is not None
    base = repo.baseline(session=session, team_id=actor.team_id, project_id=project.id)
    rows = repo.changes(session=session, team_id=actor.team_id, project_id=project.id)
    events = repo.history(session=session, team_id=actor.team_id, project_id=project.id, limit=CARD_EVENTS)
    return Outcome(reply=ScopeCard(
        project, base, creep_of(session=session, team_id=actor.team_id, project_id=project.id, baseline=base),
        rows[:CARD_CHANGES], total=len(rows), pending=sum(r.status == "pending" for r in rows), events=events))


def set_baseline(*, session: Session, actor: Actor, request: SetBaseline) -> Outcome:
    if not actor.is_manager:
        raise Refused(BASELINE_REFUSAL)
    project = project_of(session=session, team_id=actor.team_id, name=request.project_name,
                         project_id=request.project_id)
    assert project.id is not None
    base, created = repo.ensure_baseline(session=session, team_id=actor.team_id, project_id=project.id,
                                         actor_id=actor.user_id)
    changes: dict[str, list[Any]] = {}
    for field, label in (("days", "days"), ("in_scope", "in"), ("out_scope", "out"),
                         ("assumptions", "assumptions")):
        value = getattr(request, field)
        if value is None:
            continue
        value = value or None  # an empty text clears it
        if value != getattr(base, field):
            changes[label] = [getattr(base, field), value]
            setattr(base, field, value)
    if not changes:
        if created:
            raise UsageError("Give the baseline at least one value, e.g. `/scope set "
                             f"project={project.name} days=40`.", USAGE)
        raise UsageError(f"Nothing to change on {project.name}'s baseline: give at least one value that "
                         "differs.", USAGE)
    base.updated_by, base.updated_at = actor.user_id, clock.now()
    repo.save_baseline(session=session, row=base)
    repo.record(session=session, team_id=actor.team_id, project_id=project.id, actor_id=actor.user_id,
                action="baseline", changes=changes)
    return Outcome(reply=BaselineSet(project, base, changes, created=created, creep=creep_of(
        session=session, team_id=actor.team_id, project_id=project.id, baseline=base)))


def request_change(*, session: Session, actor: Actor, request: RequestChange) -> Outcome:
    project = project_of(session=session, team_id=actor.team_id, name=request.project_name,
                         project_id=request.project_id)
    assert project.id is not None
    title = " ".join(request.title.split())
    if not title:
        raise UsageError("A change request needs a title.", USAGE)
    number = counters.next_value(session=session, team_id=actor.team_id, name="change")
    change = ScopeChange(team_id=actor.team_id, number=number, project_id=project.id, title=title[:200],
                         days=request.days, cost=request.cost, source=request.source,
                         requested_by=actor.user_id)
    repo.add_change(session=session, change=change)
    fields = {k: [None, v] for k, v in (("title", change.title), ("days", change.days), ("cost", change.cost))
              if v is not None}
    repo.record(session=session, team_id=actor.team_id, project_id=project.id, change_id=change.id,
                actor_id=actor.user_id, action="requested", changes=fields)
    managers = project_managers(session=session, team_id=actor.team_id, project=project, besides=actor.user_id)
    return Outcome(reply=ChangeLogged(change, project, managers))


def decide(*, session: Session, actor: Actor, number: int, approve: bool, note: str | None = None) -> Outcome:
    """Approve or reject `C-number`. The row is taken under lock, so of two managers deciding at once
    the second waits, then reads the first one's decision and is told it is already decided."""
    if not actor.is_manager:
        raise Refused(DECIDE_REFUSAL)
    change = repo.change_by_number(session=session, team_id=actor.team_id, number=number, lock=True)
    if change is None:
        raise NotFound(f"There is no change request C-{number} here.")
    if change.status != "pending":
        raise UsageError(f"C-{number} is already {change.status}.")
    status = "approved" if approve else "rejected"
    change.status, change.decided_by, change.decided_at = status, actor.user_id, clock.now()
    change.decision_note = note
    session.add(change)
    repo.record(session=session, team_id=actor.team_id, project_id=change.project_id, change_id=change.id,
                actor_id=actor.user_id, action=status, changes={"status": ["pending", status]}, note=note)
    project = project_of(session=session, team_id=actor.team_id, project_id=change.project_id)
    session.flush()
    base = repo.baseline(session=session, team_id=actor.team_id, project_id=change.project_id)
    return Outcome(reply=ChangeDecided(change, project, creep_of(
        session=session, team_id=actor.team_id, project_id=change.project_id, baseline=base)))


@dataclass(frozen=True)
class Plan:
    """Who to send a view to, through the ledger, and under which key."""

    what: str
    occurrence: str
    recipients: list[str]
    message: Any


def alert_plan(*, session: Session, team_id: str, change_id: int) -> Plan | None:
    """The managers' DM about a new change request: the project's managers, but not the requester."""
    change = repo.change_by_id(session=session, team_id=team_id, change_id=change_id)
    if change is None:
        return None
    project = projects_repo.get(session=session, team_id=team_id, project_id=change.project_id)
    managers = project_managers(session=session, team_id=team_id, project=project, besides=change.requested_by)
    if project is None or not managers:
        return None
    return Plan(f"scope:{change_id}", f"C-{change.number}", managers, ChangeAlert(change, project))


def notice_plan(*, session: Session, team_id: str, change_id: int) -> Plan | None:
    """The requester's DM about the decision (not when they decided it themselves)."""
    change = repo.change_by_id(session=session, team_id=team_id, change_id=change_id)
    if change is None or change.status == "pending" or change.decided_by == change.requested_by:
        return None
    project = projects_repo.get(session=session, team_id=team_id, project_id=change.project_id)
    if project is None:
        return None
    return Plan(f"scope-decided:{change_id}", f"C-{change.number}", [change.requested_by],
                DecisionNotice(change, project))


def perform(request: ScopeRequest, *, session: Session, actor: Actor) -> Outcome:
    """Carry out a `/scope` request as `actor`, in the caller's unit of work."""
    match request:
        case ShowScope(name=name):
            return show(session=session, actor=actor, name=name)
        case SetBaseline():
            return set_baseline(session=session, actor=actor, request=request)
        case RequestChange():
            return request_change(session=session, actor=actor, request=request)
        case DecideChange(number=number, approve=approve, note=note):
            return decide(session=session, actor=actor, number=number, approve=approve, note=note)
        case _:
            assert_never(request)
