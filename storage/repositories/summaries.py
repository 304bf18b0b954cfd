"""What a manager's summary and a project's health are made of.

Each function is one SQL query scoped by workspace (and optionally by project),
shaped to use an index, so that it stays fast with hundreds of projects and
hundreds of thousands of risks, feedback items and check-in answers. Lists come
with the number of rows that matched (a scalar sub-query in the same statement),
so a summary can show the first few and say how many more there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import String, and_, case, cast, func, literal
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.models import Feedback, Risk
from storage.models_rhythm import CheckinAnswer, CheckinPoll, Delivery, JobRun, Standup, StandupAnswer
from storage.repositories.risks import OPEN_STATUSES


@dataclass(frozen=True)
class PollScore:
    """The answers to one check-in poll."""

    project_id: int
    poll_id: int
    sent_at: datetime
    answers: int  # people who answered at all
    scored: int  # answers with a satisfaction score
    score_sum: int
    at_risk: int
    off_track: int


@dataclass(frozen=True)
class StandupRate:
    standup_id: int
    channel_id: str
    prompts: int  # prompts delivered in the window
    answers: int  # answers given in the window


def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def _listed(session: Session, model: Any, where: list[Any], order: list[Any], limit: int) -> tuple[list[Any], int]:
    """The first `limit` rows of `model` matching `where`, and how many match in all, in one statement."""
    total = select(func.count()).select_from(model).where(*where).scalar_subquery()
    rows = session.exec(select(model, total).where(*where).order_by(*order).limit(limit)).all()
    return [r[0] for r in rows], (int(rows[0][1]) if rows else 0)


def _risk_scope(team_id: str, project_id: int | None) -> list[Any]:
    where: list[Any] = [Risk.team_id == team_id]
    if project_id is not None:
        where.append(Risk.project_id == project_id)
    return where


# ---- risks --------------------------------------------------------------------------------------

def top_open_risks(*, session: Session, team_id: str, project_id: int | None = None,
                   limit: int = 10) -> tuple[list[Risk], int]:
    """Open risks by score, highest first (newest first among equals); and how many are open."""
    where = [*_risk_scope(team_id, project_id), col(Risk.status).in_(OPEN_STATUSES)]
    return _listed(session, Risk, where, [col(Risk.score).desc(), col(Risk.number).desc()], limit)


def new_risks(*, session: Session, team_id: str, since: datetime, project_id: int | None = None,
              limit: int = 5) -> tuple[list[Risk], int]:
    """Risks logged since `since` (open or not), newest first; and how many there were."""
    where = [*_risk_scope(team_id, project_id), col(Risk.created_at) >= _utc(since)]
    return _listed(session, Risk, where, [col(Risk.created_at).desc(), col(Risk.number).desc()], limit)


def overdue_reviews(*, session: Session, team_id: str, today: date, project_id: int | None = None,
                    limit: int = 10) -> tuple[list[Risk], int]:
    """Open risks whose review date has passed, longest overdue first; and how many there are."""
    where = [*_risk_scope(team_id, project_id), col(Risk.status).in_(OPEN_STATUSES),
             col(Risk.review_date).is_not(None), col(Risk.review_date) < today]
    return _listed(session, Risk, where, [col(Risk.review_date), col(Risk.number)], limit)


# ---- feedback -----------------------------------------------------------------------------------

def _feedback_scope(team_id: str, project_id: int | None) -> list[Any]:
    where: list[Any] = [Feedback.team_id == team_id]
    if project_id is not None:
        where.append(Feedback.project_id == project_id)
    return where


def feedback_by_sentiment(*, session: Session, team_id: str, since: datetime,
                          project_id: int | None = None) -> dict[str, int]:
    """Feedback given since `since`, counted by sentiment."""
    rows = session.exec(
        select(Feedback.sentiment, func.count())
        .where(*_feedback_scope(team_id, project_id), col(Feedback.created_at) >= _utc(since))
        .group_by(Feedback.sentiment))
    return {str(s): int(n) for s, n in rows}


def feedback_waiting(*, session: Session, team_id: str, project_id: int | None = None,
                     limit: int = 3) -> tuple[list[Feedback], int]:
    """Feedback not acted on yet, oldest first; and how much of it there is."""
    where = [*_feedback_scope(team_id, project_id), col(Feedback.acted_at).is_(None)]
    return _listed(session, Feedback, where, [col(Feedback.created_at), col(Feedback.number)], limit)


# ---- check-ins ----------------------------------------------------------------------------------

def poll_scores(*, session: Session, team_id: str, since: datetime,
                project_id: int | None = None) -> list[PollScore]:
    """Every poll sent since `since` with its answers summed up (polls nobody answered included)."""
    p, a = CheckinPoll, CheckinAnswer
    where: list[Any] = [p.team_id == team_id, col(p.sent_at) >= _utc(since)]
    if project_id is not None:
        where.append(p.project_id == project_id)
    answers: list[Any] = [col(a.poll_id) == p.id]  # the poll is the workspace's, so are its answers
    if session.get_bind().dialect.name == "postgresql":
        # An answer comes after its poll: bounding answered_at too lets PostgreSQL read only the window's
        # answers, in one index range. (SQLite, without statistics, would scan that range once per poll;
        # it looks each poll's answers up by poll id instead.)
        answers += [col(a.team_id) == p.team_id, col(a.answered_at) >= _utc(since)]
    stmt = (
        sa_select(col(p.project_id), col(p.id), col(p.sent_at), func.count(col(a.id)), func.count(col(a.score)),
               func.coalesce(func.sum(col(a.score)), 0),
               func.sum(case((col(a.status) == "at_risk", 1), else_=0)),
               func.sum(case((col(a.status) == "off_track", 1), else_=0)))
        .select_from(p)
        .outerjoin(a, and_(*answers))
        .where(*where)
        .group_by(col(p.project_id), col(p.id), col(p.sent_at))
        .order_by(col(p.project_id), col(p.sent_at), col(p.id))
    )
    return [PollScore(int(pid), int(poll), aware(sent), int(n), int(scored), int(total), int(risk or 0),
                      int(off or 0))
            for pid, poll, sent, n, scored, total, risk, off in session.execute(stmt)]


def latest_non_responders(*, session: Session, team_id: str, since: datetime,
                          project_id: int | None = None) -> dict[int, list[str]]:
    """For each project's latest poll sent since `since`: who it reached and who has not answered.

    The people asked are the poll's ledger rows (`checkin:{poll_id}`) that did not fail."""
    p = CheckinPoll
    rank = func.row_number().over(partition_by=col(p.project_id), order_by=(col(p.sent_at).desc(), col(p.id).desc()))
    where: list[Any] = [p.team_id == team_id, col(p.sent_at) >= _utc(since)]
    if project_id is not None:
        where.append(p.project_id == project_id)
    ranked = select(col(p.project_id).label("project_id"), col(p.id).label("poll_id"),
                    rank.label("rank")).where(*where).subquery()
    latest = select(ranked.c.project_id, ranked.c.poll_id).where(ranked.c.rank == 1).subquery()
    d, a = Delivery, CheckinAnswer
    stmt = (
        select(latest.c.project_id, d.recipient)
        .select_from(latest)
        .join(d, and_(col(d.team_id) == team_id, col(d.what) == literal("checkin:") + cast(latest.c.poll_id, String),
                      col(d.status) != "failed"))
        .outerjoin(a, and_(col(a.poll_id) == latest.c.poll_id, col(a.user_id) == d.recipient))
        .where(col(a.id).is_(None))
        .order_by(latest.c.project_id, d.recipient)
    )
    out: dict[int, list[str]] = {}
    for pid, user in session.exec(stmt):  # type: ignore[call-overload]
        out.setdefault(int(pid), []).append(str(user))
    return out


# ---- stand-ups ----------------------------------------------------------------------------------

def standup_participation(*, session: Session, team_id: str, since: date,
                          channel_id: str | None = None) -> list[StandupRate]:
    """Per stand-up: prompts delivered (ledger `standup:{id}`, occurrence = the local date) and answers
    given, on days from `since` on. Both are index ranges, so older history is not read."""
    s, d, a = Standup, Delivery, StandupAnswer
    prompts = (select(func.count()).select_from(d)
               .where(d.team_id == s.team_id, col(d.what) == literal("standup:") + cast(s.id, String),
                      col(d.occurrence) >= since.isoformat(), d.status == "sent")
               .correlate(s).scalar_subquery())
    answers = (select(func.count()).select_from(a)
               .where(a.team_id == s.team_id, a.standup_id == s.id, col(a.day) >= since)
               .correlate(s).scalar_subquery())
    where: list[Any] = [s.team_id == team_id]
    if channel_id is not None:
        where.append(s.channel_id == channel_id)
    stmt = select(s.id, s.channel_id, prompts, answers).where(*where).order_by(s.channel_id)
    rows: list[Any] = list(session.exec(stmt))  # type: ignore[call-overload]
    return [StandupRate(int(i), str(ch), int(n), int(m)) for i, ch, n, m in rows]


# ---- the rhythm's own health --------------------------------------------------------------------

def failed_deliveries(*, session: Session, team_id: str, since: datetime,
                      limit: int = 10) -> tuple[list[Delivery], int]:
    """Messages the platform refused since `since`, and those that may have reached a platform that cannot be
    asked and so were not sent again (`uncertain`), newest first; and how many there were."""
    where = [Delivery.team_id == team_id, col(Delivery.created_at) >= _utc(since),
             col(Delivery.status).in_(("failed", "uncertain"))]
    return _listed(session, Delivery, where, [col(Delivery.created_at).desc(), col(Delivery.id).desc()], limit)


def missed_runs(*, session: Session, team_id: str, since: datetime, limit: int = 10) -> tuple[list[JobRun], int]:
    """Scheduled runs recorded as missed (the bot was down past their grace) since `since`."""
    where = [JobRun.team_id == team_id, JobRun.status == "missed", col(JobRun.at) >= _utc(since)]
    return _listed(session, JobRun, where, [col(JobRun.at).desc(), col(JobRun.id).desc()], limit)
