"""Helpers shared by the end-to-end tests: reading the database, seeding it fast,
waiting for several answers, and checking Block Kit's limits on what the bot sent."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from storage import clock
from storage.models import Counter, Project, Risk, RiskEvent
from tests.slack_stub import TEAM, SlackStub

OTHER_TEAM = "T0OTHER"


def rows(engine: Engine, model: type[SQLModel]) -> list[Any]:
    with Session(engine) as s:
        return list(s.exec(select(model)).all())


def one(engine: Engine, model: type[SQLModel], **match: Any) -> Any:
    with Session(engine) as s:
        q = select(model)
        for k, v in match.items():
            q = q.where(getattr(model, k) == v)
        return s.exec(q).one()


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows in every table: compared before and after to prove nothing was written. (The cache of
    what users.info said is left out: looking a person up is not writing their data; so is the journal
    of commands in progress, whose rows go once each command is answered.)"""
    with engine.connect() as c:
        return {t.name: int(c.execute(text(f'SELECT COUNT(*) FROM "{t.name}"')).scalar_one())
                for t in SQLModel.metadata.sorted_tables if t.name not in ("slackuser", "pending_command")}


def wait_responses(stub: SlackStub, rid: str | None, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
    """Wait until `count` messages arrived through one response_url; returns them in order."""
    assert rid is not None
    deadline = time.monotonic() + timeout
    with stub._cond:
        while True:
            got = [p for r, p in stub.responses if r == rid]
            left = deadline - time.monotonic()
            if len(got) >= count or left <= 0:
                return got
            stub._cond.wait(min(left, 0.1))


def check_limits(message: dict[str, Any]) -> None:
    """Fail if a message breaks a Block Kit limit Slack enforces (it would refuse the message)."""
    blocks = message.get("blocks") or []
    assert len(blocks) <= 50, f"{len(blocks)} blocks"
    for b in blocks:
        kind = b.get("type")
        if kind == "section":
            if b.get("text"):
                assert 0 < len(b["text"]["text"]) <= 3000, len(b["text"]["text"])
            for f in b.get("fields") or []:
                assert len(f["text"]) <= 2000
            assert len(b.get("fields") or []) <= 10
        elif kind == "header":
            assert len(b["text"]["text"]) <= 150
        elif kind == "context":
            assert 0 < len(b["elements"]) <= 10
            for e in b["elements"]:
                assert len(e.get("text", "")) <= 3000
        elif kind == "actions":
            assert 0 < len(b["elements"]) <= 25
            for e in b["elements"]:
                assert len(e["text"]["text"]) <= 75
                assert len(e.get("value", "")) <= 2000
                assert len(e["action_id"]) <= 255
        if b.get("block_id"):
            assert len(b["block_id"]) <= 255
    assert len(message.get("text") or "") <= 40_000


def seed_project(engine: Engine, name: str, *, team: str = TEAM, channel: str | None = None) -> int:
    with Session(engine) as s:
        p = Project(team_id=team, name=name, name_key=name.lower(), channel_id=channel, created_by="UMGR")
        s.add(p)
        s.commit()
        assert p.id is not None
        return p.id


def seed_risks(engine: Engine, count: int, *, team: str = TEAM, project_id: int | None = None,
               title: str = "Seeded risk {n}", created_by: str = "UMEMBER", closed_every: int = 0) -> None:
    """`count` risks straight through the tables (fast), numbered R-1…, with the counter moved on."""
    levels = [(p, i) for p in range(1, 6) for i in range(1, 6)]
    risk_rows = []
    now = clock.now()
    for n in range(1, count + 1):
        p, i = levels[n % len(levels)]
        closed = bool(closed_every) and n % closed_every == 0
        risk_rows.append({
            "team_id": team, "number": n, "project_id": project_id, "title": title.format(n=n)[:200],
            "probability": p, "impact": i, "score": p * i, "status": "closed" if closed else "open",
            "source": "manual", "created_by": created_by, "review_date": date(2099, 1, 1),
            "created_at": now, "updated_at": now, "closed_at": now if closed else None,
        })
    with Session(engine) as s:
        s.execute(insert(Risk), risk_rows)
        ids = s.exec(select(Risk.id, Risk.number).where(Risk.team_id == team)).all()
        s.execute(insert(RiskEvent), [{"team_id": team, "risk_id": rid, "actor_id": created_by,
                                       "action": "created", "changes": "{}", "at": now} for rid, _ in ids])
        s.merge(Counter(team_id=team, name="risk", value=count))
        s.commit()
