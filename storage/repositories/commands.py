"""The command journal: slash commands acknowledged and not yet finished (see `bot.journal`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, or_, update
from sqlmodel import Session, col, select

from storage import clock
from storage.models_rhythm import PendingCommand


def open_many(*, session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert journal rows (team_id, user_id, channel_id, command, text, owner, received_at); their ids, in order."""
    stmt = insert(PendingCommand).returning(col(PendingCommand.id))
    return [int(session.execute(stmt, row).scalar_one()) for row in rows]


def close_many(*, session: Session, ids: list[int]) -> None:
    """The commands are finished and answered: their rows go."""
    if ids:
        session.execute(delete(PendingCommand).where(col(PendingCommand.id).in_(ids)))


def mark_done(*, session: Session, command_id: int, reply: str) -> None:
    """Call in the unit of work that carries the command out: from its commit on, it counts as done.

    Where the journal keeps its rows elsewhere (an SQLite file of its own), the mark is a row of
    its own here, with the same id."""
    res = session.execute(update(PendingCommand).where(col(PendingCommand.id) == command_id)
                          .values(status="done", reply=reply))
    if not res.rowcount:  # type: ignore[attr-defined]
        session.execute(insert(PendingCommand).values(id=command_id, team_id="", user_id="", command="", text="",
                                                      status="done", reply=reply, owner="",
                                                      received_at=clock.now()))


def done_replies(*, session: Session, ids: list[int]) -> dict[int, str | None]:
    """Which of these commands were marked done, with their answers."""
    rows = session.exec(select(PendingCommand.id, PendingCommand.reply).where(
        col(PendingCommand.id).in_(ids), PendingCommand.status == "done"))
    return {int(i): r for i, r in rows if i is not None}


def forget_done(*, session: Session, before: datetime) -> None:
    """Marks older than any journal row they could still answer for."""
    session.execute(delete(PendingCommand).where(col(PendingCommand.status) == "done",
                                                 col(PendingCommand.received_at) < before))


def owners(*, session: Session) -> set[str]:
    return set(session.exec(select(PendingCommand.owner).distinct()))


def claim_stale(*, session: Session, owner: str, received_before: datetime, dead_owners: set[str],
                limit: int = 500) -> list[PendingCommand]:
    """Take over the rows of stopped processes (known dead, or older than the lease)."""
    stale = [col(PendingCommand.received_at) < received_before]
    if dead_owners:
        stale.append(col(PendingCommand.owner).in_(dead_owners))
    rows = list(session.exec(select(PendingCommand).where(or_(*stale)).order_by(col(PendingCommand.id))
                             .limit(limit)))
    taken = []
    for row in rows:
        res = session.execute(update(PendingCommand).where(col(PendingCommand.id) == row.id,
                                                           col(PendingCommand.owner) == row.owner)
                              .values(owner=owner))
        if res.rowcount:  # type: ignore[attr-defined]
            taken.append(row)
    return taken
