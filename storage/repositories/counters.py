"""Per-workspace sequences (R-N, F-N) that stay unique with several processes."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from storage.models import Counter


def next_value(*, session: Session, team_id: str, name: str) -> int:
    """Take the next number of sequence `name` in workspace `team_id` (1, 2, …)."""
    dialect = session.get_bind().dialect.name
    ins = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Counter)
    session.execute(ins.values(team_id=team_id, name=name, value=0).on_conflict_do_nothing())
    stmt = (
        update(Counter)
        .where(Counter.team_id == team_id, Counter.name == name)  # type: ignore[arg-type]
        .values(value=col(Counter.value) + 1)
        .returning(col(Counter.value))
    )
    return int(session.execute(stmt).scalar_one())
