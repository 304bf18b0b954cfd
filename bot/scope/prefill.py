"""What the change request form starts with when a stand-up answer or a check-in comment becomes a
change request with one button, as a blocker becomes a risk.

The access checks are the ones of "Log as risk" on the same message, run first: answer and poll ids
are counted 1, 2, 3…, so an id a person can guess never lets them read what they may not."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.checkins import service as checkins
from bot.people import Actor
from bot.scope.grammar import MAX_TITLE
from bot.standups import service as standups
from storage.models_rhythm import StandupAnswer
from storage.repositories import checkins as checkins_repo


def _title(value: str | None, fallback: str) -> str:
    first = (value or "").strip().splitlines()[0] if (value or "").strip() else ""
    title = " ".join(first.split()) or fallback
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1] + "…"


def from_standup(*, session: Session, actor: Actor, answer_id: int) -> tuple[dict[str, Any], str]:
    """From a stand-up answer (its blocker, else what is planned today): the form's prefill and the
    stand-up's channel. Only managers and the stand-up's members (`Refused` for others)."""
    risk, channel = standups.blocker_prefill(session=session, actor=actor, answer_id=answer_id)
    answer = session.get(StandupAnswer, answer_id)  # blocker_prefill found it in the actor's workspace
    said = (answer.blockers or answer.today) if answer is not None else None
    prefill: dict[str, Any] = {"title": _title(said, risk["title"]), "source": "standup"}
    if risk.get("project_id") is not None:
        prefill["project_id"] = risk["project_id"]
    return prefill, channel


def from_checkin(*, session: Session, team_id: str, poll_id: int, answerer: str, presser: str,
                 answerer_name: str | None = None) -> dict[str, Any]:
    """From a stakeholder's check-in comment, for the managers the alert was sent to (`Refused` for
    anyone else)."""
    risk = checkins.risk_prefill(session=session, team_id=team_id, poll_id=poll_id, answerer=answerer,
                                 presser=presser, answerer_name=answerer_name)
    row = checkins_repo.get_answer(session=session, team_id=team_id, poll_id=poll_id, user_id=answerer)
    comment = row.comment if row is not None else None
    return {"title": _title(comment, risk["title"]), "project_id": risk["project_id"], "source": "checkin"}
