"""Risks whose review date has come and whose reminder has not gone out yet (all workspaces)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import String, and_, cast, exists, func, literal
from sqlmodel import Session, col, select

from storage.models import Project, Risk, SlackUser
from storage.models_rhythm import Delivery
from storage.repositories.risks import OPEN_STATUSES

WHAT = "risk_review:"


@dataclass(frozen=True)
class DueReview:
    risk: Risk
    recipient: str  # the owner, else the person who logged it
    tz: str | None  # the recipient's zone as users.info last said, if known
    project_name: str | None


def what(risk_id: int) -> str:
    """The ledger's `what` of a risk's review reminder (the occurrence is the review date)."""
    return f"{WHAT}{risk_id}"


def _iso(session: Session, column: Any) -> Any:
    """A date column as YYYY-MM-DD text, whatever the server's date style."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(column, "YYYY-MM-DD")
    return cast(column, String)  # SQLite stores dates as ISO text already


def due(*, session: Session, since: date, until: date, limit: int = 500) -> list[DueReview]:
    """Open risks with a review date in [since, until] whose reminder is not in the ledger yet.

    The caller decides, in each recipient's own zone, which of them are due now."""
    recipient = func.coalesce(Risk.owner_id, Risk.created_by)
    sent = exists().where(
        col(Delivery.team_id) == Risk.team_id,
        col(Delivery.what) == literal(WHAT) + cast(Risk.id, String),
        col(Delivery.recipient) == recipient,
        col(Delivery.occurrence) == _iso(session, Risk.review_date),
    )
    stmt = (
        select(Risk, recipient, SlackUser.tz, Project.name)
        .outerjoin(SlackUser, and_(col(SlackUser.team_id) == Risk.team_id, col(SlackUser.user_id) == recipient))
        .outerjoin(Project, and_(col(Project.id) == Risk.project_id, col(Project.team_id) == Risk.team_id))
        .where(col(Risk.status).in_(OPEN_STATUSES), col(Risk.review_date) >= since, col(Risk.review_date) <= until,
               ~sent)
        .order_by(col(Risk.review_date), col(Risk.id))
        .limit(limit)
    )
    return [DueReview(risk, str(user), tz, name) for risk, user, tz, name in session.exec(stmt)]  # type: ignore[call-overload]
