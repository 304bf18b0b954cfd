"""Stakeholder check-in polls: sent by the schedule or by `/checkin send` (same path),
one reminder to those who have not answered, and the managers' alert on a low answer.

Every message goes through the delivery ledger, so a poll, a reminder or an alert
reaches each person once, whichever instance (or how many) sends it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session

from bot.checkins import service
from bot.checkins.views import Poll
from bot.database import Database
from bot.delivery import Deliverer, Envelope, Report
from storage.repositories import checkins as repo
from storage.repositories import lessons as lessons_repo
from storage.repositories import projects as projects_repo

if TYPE_CHECKING:
    from bot.deps import Rhythm

log = logging.getLogger(__name__)


@dataclass
class PollPlan:
    poll_id: int
    occurrence: str
    project_name: str
    stakeholders: list[str]


def _plan(*, session: Session, team_id: str, project_id: int, occurrence: str, now: datetime,
          sent_by: str | None) -> PollPlan | None:
    project = projects_repo.get(session=session, team_id=team_id, project_id=project_id)
    if project is None or lessons_repo.closing_of(session=session, team_id=team_id, project_id=project_id):
        return None  # a closed project's check-ins stop
    people = repo.stakeholder_ids(session=session, team_id=team_id, project_id=project_id)
    if not people:
        return None
    poll = repo.ensure_poll(session=session, team_id=team_id, project_id=project_id, occurrence=occurrence,
                            sent_at=now, sent_by=sent_by)
    assert poll.id is not None
    return PollPlan(poll.id, poll.occurrence, project.name, people)


async def send_poll(rhythm: Rhythm, team_id: str, project_id: int, *, occurrence: str,
                    sent_by: str | None = None) -> Report:
    """Create the project's poll for `occurrence` (once, shared by every instance) and DM each stakeholder."""
    plan = await rhythm.deps.db.write(_plan, team_id=team_id, project_id=project_id, occurrence=occurrence,
                                      now=rhythm.now(), sent_by=sent_by)
    if plan is None:
        log.info("check-in %s/%s: no project or nobody to ask", team_id, project_id)
        return Report()
    message = Poll(plan.project_name, plan.poll_id)
    report = await rhythm.deliverer.send_all(team_id, [
        Envelope(repo.poll_what(plan.poll_id), user, plan.occurrence, message) for user in plan.stakeholders])
    log.info("check-in poll %d (%s): %d sent, %d already sent, %d failed", plan.poll_id, plan.occurrence,
             report.sent, report.skipped, report.failed)
    return report


async def send_due_reminders(rhythm: Rhythm, now: datetime) -> None:
    """One reminder per person who has not answered the project's latest poll after its delay."""
    due = await rhythm.deps.db.read(service.reminders_due, now=now)
    for r in due:
        message = Poll(r.project_name, r.poll_id, reminder=True)
        report = await rhythm.deliverer.send_all(r.team_id, [
            Envelope(repo.reminder_what(r.poll_id), user, r.occurrence, message) for user in r.users])
        log.info("check-in reminders for poll %d: %d sent, %d failed", r.poll_id, report.sent, report.failed)


async def alert_managers(deliverer: Deliverer, db: Database, team_id: str, poll_id: int, answerer: str) -> Report:
    """A low answer (2 or less, or off track): the project's managers are told at once, once."""
    plan = await db.read(service.alert_plan, team_id=team_id, poll_id=poll_id, answerer=answerer)
    if plan is None or not plan.managers:
        return Report()
    return await deliverer.send_all(team_id, [
        Envelope(repo.alert_what(poll_id, answerer), manager, plan.occurrence, plan.message)
        for manager in plan.managers])
