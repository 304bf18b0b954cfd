"""Stakeholder check-ins: who is asked, when, each round (poll) and the answers.

Every query is scoped by `team_id`. Times are UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.models import Project
from storage.models_rhythm import CheckinAnswer, CheckinConfig, CheckinPoll, Delivery, Stakeholder
from storage.repositories import locked


def _insert(session: Session) -> Any:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def aware(value: datetime) -> datetime:
    """A stored time as an aware UTC datetime (SQLite hands them back naive)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# ---- stakeholders ---------------------------------------------------------------------------------

def stakeholder_ids(*, session: Session, team_id: str, project_id: int) -> list[str]:
    return list(session.exec(select(Stakeholder.user_id).where(
        Stakeholder.team_id == team_id, Stakeholder.project_id == project_id).order_by(col(Stakeholder.id))))


def add_stakeholder(*, session: Session, team_id: str, project_id: int, user_id: str, added_by: str,
                    now: datetime) -> bool:
    """True when the person was not a stakeholder yet (safe when two requests race)."""
    ins = _insert(session)(Stakeholder).values(team_id=team_id, project_id=project_id, user_id=user_id,
                                               added_by=added_by, added_at=now)
    res = session.execute(ins.on_conflict_do_nothing(index_elements=["team_id", "project_id", "user_id"])
                          .returning(Stakeholder.id))
    return res.first() is not None


def remove_stakeholder(*, session: Session, team_id: str, project_id: int, user_id: str) -> bool:
    res = session.execute(delete(Stakeholder).where(
        col(Stakeholder.team_id) == team_id, col(Stakeholder.project_id) == project_id,
        col(Stakeholder.user_id) == user_id))
    return bool(res.rowcount)  # type: ignore[attr-defined]


# ---- configuration --------------------------------------------------------------------------------

def get_config(*, session: Session, team_id: str, project_id: int, lock: bool = False) -> CheckinConfig | None:
    """The project's configuration; with `lock`, its row is held until the unit of work ends, so a
    concurrent change waits and then reads what this one wrote (SQLite runs one writer at a time)."""
    stmt = select(CheckinConfig).where(CheckinConfig.team_id == team_id, CheckinConfig.project_id == project_id)
    return session.exec(locked(stmt, lock)).first()


def ensure_config(*, session: Session, team_id: str, project_id: int, defaults: dict[str, Any],
                  lock: bool = False) -> tuple[CheckinConfig, bool]:
    """The project's configuration, created with `defaults` if it has none; (config, created).
    With `lock`, as for `get_config`: for changing it."""
    ins = _insert(session)(CheckinConfig).values(team_id=team_id, project_id=project_id, **defaults)
    created = session.execute(ins.on_conflict_do_nothing(index_elements=["team_id", "project_id"])
                              .returning(CheckinConfig.id)).first() is not None
    cfg = get_config(session=session, team_id=team_id, project_id=project_id, lock=lock)
    assert cfg is not None
    return cfg, created


def save_config(*, session: Session, config: CheckinConfig) -> CheckinConfig:
    session.add(config)
    session.flush()
    return config


# ---- polls ----------------------------------------------------------------------------------------

def ensure_poll(*, session: Session, team_id: str, project_id: int, occurrence: str, sent_at: datetime,
                sent_by: str | None) -> CheckinPoll:
    """The poll of this project and occurrence: created once, shared by every instance that asks."""
    ins = _insert(session)(CheckinPoll).values(team_id=team_id, project_id=project_id, occurrence=occurrence,
                                               sent_at=sent_at, sent_by=sent_by)
    session.execute(ins.on_conflict_do_nothing(index_elements=["team_id", "project_id", "occurrence"]))
    poll = session.exec(select(CheckinPoll).where(
        CheckinPoll.team_id == team_id, CheckinPoll.project_id == project_id,
        CheckinPoll.occurrence == occurrence)).one()
    return poll


def get_poll(*, session: Session, team_id: str, poll_id: int) -> CheckinPoll | None:
    poll = session.get(CheckinPoll, poll_id)
    return poll if poll is not None and poll.team_id == team_id else None


def latest_poll(*, session: Session, team_id: str, project_id: int) -> CheckinPoll | None:
    return session.exec(select(CheckinPoll).where(
        CheckinPoll.team_id == team_id, CheckinPoll.project_id == project_id)
        .order_by(col(CheckinPoll.sent_at).desc(), col(CheckinPoll.id).desc())).first()


def polls_since(*, session: Session, team_id: str, project_id: int, since: datetime) -> list[CheckinPoll]:
    return list(session.exec(select(CheckinPoll).where(
        CheckinPoll.team_id == team_id, CheckinPoll.project_id == project_id, col(CheckinPoll.sent_at) >= since)
        .order_by(col(CheckinPoll.sent_at), col(CheckinPoll.id))))


def recent_polls(*, session: Session, since: datetime) -> list[CheckinPoll]:
    """Polls of every workspace sent since `since` (for reminders)."""
    return list(session.exec(select(CheckinPoll).where(col(CheckinPoll.sent_at) >= since)
                             .order_by(col(CheckinPoll.sent_at), col(CheckinPoll.id))))


def latest_of_each(polls: list[CheckinPoll]) -> list[CheckinPoll]:
    """Of polls ordered by time, the newest one per project."""
    latest: dict[tuple[str, int], CheckinPoll] = {}
    for p in polls:
        latest[(p.team_id, p.project_id)] = p
    return list(latest.values())


def configs_for(*, session: Session, keys: set[tuple[str, int]]) -> dict[tuple[str, int], CheckinConfig]:
    if not keys:
        return {}
    rows = session.exec(select(CheckinConfig).where(col(CheckinConfig.project_id).in_({p for _, p in keys})))
    return {(c.team_id, c.project_id): c for c in rows if (c.team_id, c.project_id) in keys}


def project_names(*, session: Session, keys: set[tuple[str, int]]) -> dict[tuple[str, int], str]:
    if not keys:
        return {}
    rows = session.exec(select(Project).where(col(Project.id).in_({p for _, p in keys})))
    return {(p.team_id, p.id): p.name for p in rows if p.id is not None and (p.team_id, p.id) in keys}


# ---- who was asked --------------------------------------------------------------------------------

def poll_what(poll_id: int) -> str:
    return f"checkin:{poll_id}"


def reminder_what(poll_id: int) -> str:
    return f"checkin_reminder:{poll_id}"


def alert_what(poll_id: int, answerer: str) -> str:
    return f"checkin_alert:{poll_id}:{answerer}"


def asked(*, session: Session, team_id: str, poll_id: int) -> dict[str, str]:
    """recipient -> delivery status of the poll's DMs."""
    rows = session.exec(select(Delivery.recipient, Delivery.status).where(
        Delivery.team_id == team_id, Delivery.what == poll_what(poll_id)))
    return dict(rows.all())


def was_asked(*, session: Session, team_id: str, poll_id: int, user_id: str, channel: str | None = None) -> bool:
    """Was the poll sent to this person (and, when `channel` is given, is that where it was sent them)?"""
    where = list(session.exec(select(Delivery.channel).where(
        Delivery.team_id == team_id, col(Delivery.what).in_([poll_what(poll_id), reminder_what(poll_id)]),
        Delivery.recipient == user_id)))
    if not where:
        return False
    return channel is None or any(c is None or c == channel for c in where)


def recipients_of(*, session: Session, team_id: str, what: str) -> set[str]:
    return set(session.exec(select(Delivery.recipient).where(Delivery.team_id == team_id, Delivery.what == what)))


# ---- answers --------------------------------------------------------------------------------------

def get_answer(*, session: Session, team_id: str, poll_id: int, user_id: str,
               lock: bool = False) -> CheckinAnswer | None:
    """A person's answer to a poll; with `lock`, held until the unit of work ends (see `get_config`)."""
    stmt = select(CheckinAnswer).where(
        CheckinAnswer.team_id == team_id, CheckinAnswer.poll_id == poll_id, CheckinAnswer.user_id == user_id)
    return session.exec(locked(stmt, lock)).first()


def upsert_answer(*, session: Session, poll: CheckinPoll, user_id: str, now: datetime,
                  changes: dict[str, Any]) -> CheckinAnswer:
    """Create or change a person's answer to a poll; only the fields in `changes` are set."""
    assert poll.id is not None
    ins = _insert(session)(CheckinAnswer).values(team_id=poll.team_id, poll_id=poll.id,
                                                 project_id=poll.project_id, user_id=user_id, answered_at=now,
                                                 updated_at=now)
    session.execute(ins.on_conflict_do_nothing(index_elements=["poll_id", "user_id"]))
    # Locked: two changes at once (a score and a comment) each start from what the other stored.
    answer = get_answer(session=session, team_id=poll.team_id, poll_id=poll.id, user_id=user_id, lock=True)
    assert answer is not None
    for key, value in changes.items():
        setattr(answer, key, value)
    answer.updated_at = now
    session.add(answer)
    session.flush()
    return answer


def answers(*, session: Session, team_id: str, poll_id: int) -> list[CheckinAnswer]:
    return list(session.exec(select(CheckinAnswer).where(
        CheckinAnswer.team_id == team_id, CheckinAnswer.poll_id == poll_id).order_by(col(CheckinAnswer.id))))


def answers_for_polls(*, session: Session, team_id: str, poll_ids: list[int]) -> list[CheckinAnswer]:
    if not poll_ids:
        return []
    return list(session.exec(select(CheckinAnswer).where(
        CheckinAnswer.team_id == team_id, col(CheckinAnswer.poll_id).in_(poll_ids))
        .order_by(col(CheckinAnswer.updated_at), col(CheckinAnswer.id))))


def answered_by(*, session: Session, team_id: str, poll_ids: list[int]) -> set[tuple[int, str]]:
    if not poll_ids:
        return set()
    rows = session.exec(select(CheckinAnswer.poll_id, CheckinAnswer.user_id).where(
        CheckinAnswer.team_id == team_id, col(CheckinAnswer.poll_id).in_(poll_ids)))
    return set(rows.all())


def average(*, session: Session, team_id: str, poll_id: int) -> float | None:
    value = session.exec(select(func.avg(CheckinAnswer.score)).where(
        CheckinAnswer.team_id == team_id, CheckinAnswer.poll_id == poll_id,
        col(CheckinAnswer.score).is_not(None))).one()
    return float(value) if value is not None else None
