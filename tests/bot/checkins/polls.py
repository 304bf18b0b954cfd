"""Check-in rows written straight to the database: a project, and a poll as the flow leaves it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage.models import Project
from storage.repositories import checkins as repo
from storage.repositories import deliveries as ledger
from tests.bot.people import TEAM
from tests.bot.units import Db

T0 = datetime(2024, 4, 5, 14, 0, tzinfo=UTC)  # Friday 15:00 in London (BST)


def project(db: Db, name: str = "Apollo", team: str = TEAM, created_by: str = "UMGR") -> int:
    with db.session() as s:
        p = Project(team_id=team, name=name, name_key=name.lower(), created_by=created_by)
        s.add(p)
        s.commit()
        assert p.id is not None
        return p.id


def sent_poll(db: Db, project_id: int, people: list[str], at: datetime = T0, occurrence: str | None = None,
              team: str = TEAM, failed: tuple[str, ...] = ()) -> int:
    """A poll as the flow leaves it: the row, and a ledger row per person asked."""
    def work(*, session):  # noqa: ANN001, ANN202
        poll = repo.ensure_poll(session=session, team_id=team, project_id=project_id,
                                occurrence=occurrence or at.isoformat(), sent_at=at, sent_by=None)
        ids = ledger.claim_new(session=session, team_id=team, owner="test", lease=timedelta(minutes=1), rows=[
            {"what": repo.poll_what(poll.id), "recipient": u, "occurrence": poll.occurrence, "payload": "{}"}
            for u in people])
        for rid, u in zip(ids, people, strict=True):
            ledger.mark(session=session, delivery_id=rid, status="failed" if u in failed else "sent")
        return poll.id

    return db.run(work)
