"""Occurrences of scheduled jobs: each claimed once across all instances."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.models_rhythm import JobRun


def claim(*, session: Session, team_id: str, job_key: str, occurrence: str, status: str = "done") -> bool:
    """Record the occurrence; True only for the one caller that recorded it first."""
    ins = (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(JobRun)
    stmt = (ins.values(team_id=team_id, job_key=job_key, occurrence=occurrence, status=status)
            .on_conflict_do_nothing(index_elements=["team_id", "job_key", "occurrence"])
            .returning(col(JobRun.id)))
    return session.execute(stmt).first() is not None


def seen(*, session: Session, team_id: str, job_key: str, occurrence: str) -> bool:
    return session.exec(select(JobRun.id).where(JobRun.team_id == team_id, JobRun.job_key == job_key,
                                                JobRun.occurrence == occurrence)).first() is not None


def missed_since(*, session: Session, team_id: str, since: datetime) -> list[JobRun]:
    return list(session.exec(select(JobRun).where(JobRun.team_id == team_id, JobRun.status == "missed",
                                                  col(JobRun.at) >= since).order_by(col(JobRun.at))))
