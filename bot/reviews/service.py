"""Answers to a risk review reminder. "Update" and "close" are the register's own
`risks.update` and `risks.close`; "still valid" is here. The same people may act
as on the register: the risk's owner, the person who logged it, or a manager."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

from sqlmodel import Session

from bot.errors import UsageError
from bot.outcomes import Outcome
from bot.people import Actor
from bot.requests import Request
from bot.reviews.views import Reviewed, UpdateForm
from bot.risks import service as risks
from bot.risks.service import RiskInput, _may_change, get
from bot.schedules import local_date
from storage import clock
from storage.models import Risk
from storage.repositories import risks as repo

NEXT_REVIEW = timedelta(days=7)
CLOSE_NOTE = "Closed at its review"
UPDATE_NOTE = "At its review"


@dataclass(frozen=True)
class StillValid(Request):
    """The reminder's "Still valid": the risk stands, its next review a week on."""

    number: int


@dataclass(frozen=True)
class CloseAtReview(Request):
    """The reminder's "Close it"."""

    number: int


@dataclass(frozen=True)
class OpenUpdate(Request):
    """The reminder's "Update…": the update form, for someone who may change the risk."""

    write: ClassVar[bool] = False
    number: int


@dataclass(frozen=True)
class UpdateAtReview(Request):
    """The update form, sent: the register's own update."""

    number: int
    data: RiskInput


ReviewRequest = StillValid | CloseAtReview | OpenUpdate | UpdateAtReview


def perform(request: ReviewRequest, *, session: Session, actor: Actor) -> Outcome:
    """Carry out an answer to a review reminder as `actor`."""
    match request:
        case StillValid(number=number):
            return still_valid(session=session, actor=actor, number=number)
        case CloseAtReview(number=number):
            return risks.close(session=session, actor=actor, number=number, note=CLOSE_NOTE)
        case OpenUpdate(number=number):
            return Outcome(reply=update_form(session=session, actor=actor, number=number))
        case UpdateAtReview(number=number, data=data):
            return risks.update(session=session, actor=actor, number=number, data=data, note=UPDATE_NOTE)


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
    return Outcome(reply=Reviewed(risk))


def update_form(*, session: Session, actor: Actor, number: int, today: date | None = None) -> UpdateForm:
    """The risk as the update form shows it, once we know this person may change it; the next
    review it proposes is a week on (from today in the person's zone when the review is late)."""
    risk = _open_risk(session, actor, number)
    return UpdateForm(risk, next_review(risk, today or local_date(clock.now(), actor.tz)))
