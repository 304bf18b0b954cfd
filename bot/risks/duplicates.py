"""Closing a new risk as a duplicate of an open one: the button on `/risk add`'s answer when the new
title is much like an open risk's (`bot.risks.similar`).

Who may press it is the register's rule for closing the new risk (its owner, the person who logged
it, or a manager). Both risks' histories keep it, with who and when: the new one `closed` with
`duplicate_of`, the other `duplicate` naming the one folded into it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from bot.errors import UsageError
from bot.outcomes import Outcome
from bot.people import Actor
from bot.requests import Request
from bot.risks.service import get, may_change
from bot.risks.views import ClosedAsDuplicate
from storage import clock
from storage.repositories import risks as repo


@dataclass(frozen=True)
class CloseAsDuplicate(Request):
    number: int  # the new risk, R-number
    of: int  # the open risk it repeats


def close_as_duplicate(*, session: Session, actor: Actor, number: int, of: int) -> Outcome:
    if number == of:
        raise UsageError(f"R-{number} cannot be a duplicate of itself.")
    risk = get(session, actor.team_id, number, lock=True)
    may_change(actor, risk)
    original = get(session, actor.team_id, of)
    if risk.status == "closed":
        raise UsageError(f"R-{number} is already closed; nothing changed.")
    note = f"Duplicate of R-{original.number}"
    repo.record(session=session, risk=risk, actor_id=actor.user_id, action="closed",
                changes={"status": [risk.status, "closed"], "duplicate_of": [None, f"R-{original.number}"]}, note=note)
    repo.record(session=session, risk=original, actor_id=actor.user_id, action="duplicate",
                changes={"duplicate": [None, f"R-{risk.number}"]}, note=f"R-{risk.number} closed as its duplicate")
    risk.status = "closed"
    risk.closed_at = risk.updated_at = clock.now()
    session.add(risk)
    return Outcome(reply=ClosedAsDuplicate(risk, original))


def perform(request: CloseAsDuplicate, *, session: Session, actor: Actor) -> Outcome:
    return close_as_duplicate(session=session, actor=actor, number=request.number, of=request.of)
