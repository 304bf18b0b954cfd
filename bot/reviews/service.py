"""Answers to a risk review reminder. "Update" and "close" are the register's own
`risks.update` and `risks.close`; "still valid" is here. The same people may act
as on the register: the risk's owner, the person who logged it, or a manager."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session

from bot.deps import Actor
from bot.errors import UsageError
from bot.outcomes import Outcome
from bot.risks.service import _may_change, get
from handlers.slack.render import reviews as ui
from scheduler.triggers import local_date
from storage import clock
from storage.models import Risk
from storage.repositories import risks as repo

NEXT_REVIEW = timedelta(days=7)


def _open_risk(session: Session, actor: Actor, number: int, lock: bool = False) -> Risk:
    risk = get(session, actor.team_id, number, lock=lock)
    _may_change(actor, risk)
    if risk.status == "closed":
        raise UsageError(f"R-{number} is closed already: there is nothing left to review.")
    return risk


def next_review(risk: Risk, today: date) -> date:
    """A week on from the review date, or from today when the review is late."""
    return max(risk.review_date or today, today) + NEXT_REVIEW


def still_valid(*, session: Session, actor: Actor, number: int, today: date | None = None) -> Outcome:
    """The risk stands as it is: recorded as reviewed in its history, next review a week on."""
    risk = _open_risk(session, actor, number, lock=True)
    today = today or local_date(clock.now(), actor.tz)
    new = next_review(risk, today)
    repo.record(session=session, risk=risk, actor_id=actor.user_id, action="reviewed",
                changes={"review": [risk.review_date, new]}, note="Still valid")
    risk.review_date = new
    risk.updated_at = clock.now()
    session.add(risk)
    return Outcome(reply=ui.reviewed(risk))


def for_update(*, session: Session, actor: Actor, number: int) -> Risk:
    """The risk as the update modal shows it, once we know this person may change it."""
    return _open_risk(session, actor, number)
