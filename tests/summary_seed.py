"""Rows for summary, health and review tests, written straight through the models (fast, and
independent of the commands that normally write them)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlmodel import Session

from storage import clock
from storage.models import Feedback, Project, Risk, SlackUser
from storage.models_rhythm import CheckinAnswer, CheckinPoll, Delivery, JobRun, Standup, StandupAnswer
from tests.slack_stub import TEAM


def at(*args: int) -> datetime:
    """An aware UTC datetime."""
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def _add(s: Session, row: Any) -> Any:
    s.add(row)
    s.flush()
    return row


def project(s: Session, name: str, *, team: str = TEAM, channel: str | None = None) -> Project:
    return _add(s, Project(team_id=team, name=name, name_key=name.lower(), channel_id=channel, created_by="UMGR"))


def risk(s: Session, number: int, *, team: str = TEAM, project_id: int | None = None, p: int = 3, i: int = 3,
         status: str = "open", title: str | None = None, owner: str | None = None, created_by: str = "UMEMBER",
         created_at: datetime | None = None, review: date | None = None, mitigation: str | None = None) -> Risk:
    now = created_at or clock.now()
    return _add(s, Risk(team_id=team, number=number, project_id=project_id, title=title or f"Risk number {number}",
                        probability=p, impact=i, score=p * i, status=status, owner_id=owner, created_by=created_by,
                        created_at=now, updated_at=now, review_date=review, mitigation=mitigation,
                        closed_at=now if status == "closed" else None))


def feedback(s: Session, number: int, *, team: str = TEAM, sentiment: str = "neutral", project_id: int | None = None,
             created_at: datetime | None = None, acted: bool = False, text: str | None = None,
             source: str = "client") -> Feedback:
    when = created_at or clock.now()
    return _add(s, Feedback(team_id=team, number=number, project_id=project_id, source=source, sentiment=sentiment,
                            text=text or f"Feedback number {number}", created_at=when,
                            acted_at=when if acted else None, acted_by="UMGR" if acted else None,
                            action_text="done" if acted else None))


def poll(s: Session, project_id: int, *, team: str = TEAM, sent_at: datetime,
         occurrence: str | None = None) -> CheckinPoll:
    return _add(s, CheckinPoll(team_id=team, project_id=project_id, sent_at=sent_at,
                               occurrence=occurrence or sent_at.strftime("%Y-%m-%dT%H:%MZ")))


def answer(s: Session, p: CheckinPoll, user: str, score: int | None = None, status: str | None = None,
           answered_at: datetime | None = None) -> CheckinAnswer:
    assert p.id is not None
    when = answered_at or p.sent_at
    return _add(s, CheckinAnswer(team_id=p.team_id, poll_id=p.id, project_id=p.project_id, user_id=user,
                                 score=score, status=status, answered_at=when, updated_at=when))


def asked(s: Session, p: CheckinPoll, *users: str, status: str = "sent") -> None:
    """Ledger rows for a poll sent to `users`."""
    for u in users:
        delivery(s, f"checkin:{p.id}", u, p.occurrence, team=p.team_id, status=status, created_at=p.sent_at)


def delivery(s: Session, what: str, recipient: str, occurrence: str, *, team: str = TEAM, status: str = "sent",
             created_at: datetime | None = None, error: str | None = None) -> Delivery:
    return _add(s, Delivery(team_id=team, what=what, recipient=recipient, occurrence=occurrence, status=status,
                            created_at=created_at or clock.now(), error=error, attempts=1))


def standup(s: Session, channel: str, *, team: str = TEAM) -> Standup:
    return _add(s, Standup(team_id=team, channel_id=channel, created_by="UMGR"))


def standup_answer(s: Session, st: Standup, user: str, day: date) -> StandupAnswer:
    assert st.id is not None
    return _add(s, StandupAnswer(team_id=st.team_id, standup_id=st.id, user_id=user, day=day, today="work"))


def job_run(s: Session, job_key: str, occurrence: str, *, team: str = TEAM, status: str = "missed",
            when: datetime | None = None) -> JobRun:
    return _add(s, JobRun(team_id=team, job_key=job_key, occurrence=occurrence, status=status, at=when or clock.now()))


def person(s: Session, user: str, tz: str | None, *, team: str = TEAM) -> SlackUser:
    """What users.info said of someone, as the cache keeps it."""
    return s.merge(SlackUser(team_id=team, user_id=user, tz=tz, fetched_at=clock.now()))
