"""Stand-ups: definitions, members, answers and days off; every query scoped by workspace."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage import clock
from storage.models import Project, SlackUser
from storage.models_rhythm import DayOff, Delivery, Standup, StandupAnswer, StandupMember
from storage.repositories import locked


def _insert(session: Session) -> type:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert  # type: ignore


# ---- stand-ups -------------------------------------------------------------------------------

def get(*, session: Session, team_id: str, standup_id: int) -> Standup | None:
    s = session.get(Standup, standup_id)
    return s if s is not None and s.team_id == team_id else None


def by_channel(*, session: Session, team_id: str, channel_id: str, lock: bool = False) -> Standup | None:
    """The channel's stand-up; with `lock`, its row is held until the unit of work ends, so a concurrent
    change waits and then reads what this one wrote (PostgreSQL; SQLite runs one writer at a time)."""
    stmt = select(Standup).where(Standup.team_id == team_id, Standup.channel_id == channel_id)
    return session.exec(locked(stmt, lock)).first()


def ensure(*, session: Session, team_id: str, channel_id: str, created_by: str) -> tuple[Standup, bool]:
    """The channel's stand-up, created with the defaults if it has none, its row locked; (standup, created).

    When two units of work create the same channel's stand-up at once, the second waits for the first
    to end and then gets its row, to change like any existing one."""
    ins = _insert(session)(Standup).values(team_id=team_id, channel_id=channel_id, created_by=created_by,
                                           updated_at=clock.now())
    created = session.execute(ins.on_conflict_do_nothing(index_elements=["team_id", "channel_id"])
                              .returning(Standup.id)).first() is not None
    standup = by_channel(session=session, team_id=team_id, channel_id=channel_id, lock=True)
    assert standup is not None
    return standup, created


def all_for(*, session: Session, team_id: str) -> list[Standup]:
    return list(session.exec(select(Standup).where(Standup.team_id == team_id).order_by(col(Standup.id))))


def with_post_mode(*, session: Session, post_mode: str) -> list[Standup]:
    """Every workspace's stand-ups posting in `post_mode` (the scheduler's sweep looks at all of them)."""
    return list(session.exec(select(Standup).where(Standup.post_mode == post_mode).order_by(col(Standup.id))))


def save(*, session: Session, standup: Standup) -> Standup:
    standup.updated_at = clock.now()
    session.add(standup)
    session.flush()
    return standup


def members(*, session: Session, team_id: str, standup_id: int) -> list[str]:
    return list(session.exec(select(StandupMember.user_id).where(
        StandupMember.team_id == team_id, StandupMember.standup_id == standup_id).order_by(col(StandupMember.id))))


def set_members(*, session: Session, team_id: str, standup_id: int, user_ids: Iterable[str]) -> None:
    """Replace the members (in the order given)."""
    session.execute(delete(StandupMember).where(
        col(StandupMember.team_id) == team_id, col(StandupMember.standup_id) == standup_id))
    session.flush()
    for uid in dict.fromkeys(user_ids):
        session.add(StandupMember(team_id=team_id, standup_id=standup_id, user_id=uid))
    session.flush()


def of_user(*, session: Session, team_id: str, user_id: str) -> list[Standup]:
    """The stand-ups a person is a member of."""
    return list(session.exec(select(Standup).join(StandupMember, col(StandupMember.standup_id) == Standup.id)
                             .where(StandupMember.team_id == team_id, StandupMember.user_id == user_id)
                             .order_by(col(Standup.id))))


def zones(*, session: Session, team_id: str, user_ids: Iterable[str]) -> dict[str, str | None]:
    """user id -> time zone from the cache of users.info (None where unknown)."""
    ids = list(user_ids)
    if not ids:
        return {}
    rows = session.exec(select(SlackUser.user_id, SlackUser.tz).where(
        SlackUser.team_id == team_id, col(SlackUser.user_id).in_(ids)))
    return dict(rows.all())


def project_for_channel(*, session: Session, team_id: str, channel_id: str) -> Project | None:
    return session.exec(select(Project).where(Project.team_id == team_id, Project.channel_id == channel_id)
                        .order_by(col(Project.id))).first()


# ---- days off ----------------------------------------------------------------------------------

def add_days_off(*, session: Session, team_id: str, user_id: str, days: Iterable[date]) -> None:
    """Record days off (already recorded ones are left alone)."""
    values = [{"team_id": team_id, "user_id": user_id, "day": d} for d in dict.fromkeys(days)]
    if values:
        ins = _insert(session)(DayOff).on_conflict_do_nothing(index_elements=["team_id", "user_id", "day"])
        session.execute(ins, values)


def off_on(*, session: Session, team_id: str, user_ids: Iterable[str], days: Iterable[date]) -> set[tuple[str, date]]:
    """(user, day) pairs with a day off, among these people and days."""
    ids, ds = list(user_ids), list(set(days))
    if not ids or not ds:
        return set()
    rows = session.exec(select(col(DayOff.user_id), col(DayOff.day)).where(
        DayOff.team_id == team_id, col(DayOff.user_id).in_(ids), col(DayOff.day).in_(ds)))
    return {(u, d) for u, d in rows}


# ---- answers -----------------------------------------------------------------------------------

def answer_of(*, session: Session, team_id: str, standup_id: int, user_id: str, day: date) -> StandupAnswer | None:
    return session.exec(select(StandupAnswer).where(
        StandupAnswer.team_id == team_id, StandupAnswer.standup_id == standup_id,
        StandupAnswer.user_id == user_id, StandupAnswer.day == day)).first()


def get_answer(*, session: Session, team_id: str, answer_id: int) -> StandupAnswer | None:
    a = session.get(StandupAnswer, answer_id)
    return a if a is not None and a.team_id == team_id else None


def upsert_answer(*, session: Session, team_id: str, standup_id: int, user_id: str, day: date,
                  yesterday: str | None, today: str | None, blockers: str | None) -> tuple[StandupAnswer, bool]:
    """Store a person's answer for their day (one per stand-up, person and day); True when it is new."""
    now = clock.now()
    ins = _insert(session)(StandupAnswer).values(
        team_id=team_id, standup_id=standup_id, user_id=user_id, day=day, yesterday=yesterday, today=today,
        blockers=blockers, created_at=now, updated_at=now,
    ).on_conflict_do_nothing(index_elements=["standup_id", "user_id", "day"]).returning(StandupAnswer.id)
    created = session.execute(ins).first() is not None
    row = answer_of(session=session, team_id=team_id, standup_id=standup_id, user_id=user_id, day=day)
    assert row is not None
    if not created:
        row.yesterday, row.today, row.blockers, row.updated_at = yesterday, today, blockers, now
        session.add(row)
        session.flush()
    return row, created


def answers_on(*, session: Session, team_id: str, standup_id: int, days: Iterable[date]) -> list[StandupAnswer]:
    ds = list(set(days))
    if not ds:
        return []
    return list(session.exec(select(StandupAnswer).where(
        StandupAnswer.team_id == team_id, StandupAnswer.standup_id == standup_id, col(StandupAnswer.day).in_(ds))
        .order_by(col(StandupAnswer.created_at))))


def set_post(*, session: Session, team_id: str, answer_id: int, channel: str, ts: str) -> None:
    row = get_answer(session=session, team_id=team_id, answer_id=answer_id)
    if row is not None:
        row.post_channel, row.post_ts = channel, ts
        session.add(row)


def set_risk(*, session: Session, team_id: str, answer_id: int, risk_number: int) -> None:
    row = get_answer(session=session, team_id=team_id, answer_id=answer_id)
    if row is not None:
        row.risk_number = risk_number
        session.add(row)


# ---- what the ledger says was posted -----------------------------------------------------------

def posted(*, session: Session, team_id: str, what: str, recipient: str, occurrence: str) -> Delivery | None:
    """The ledger row of a message (e.g. a digest), whatever its status."""
    return session.exec(select(Delivery).where(
        Delivery.team_id == team_id, Delivery.what == what, Delivery.recipient == recipient,
        Delivery.occurrence == occurrence)).first()

