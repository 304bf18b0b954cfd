"""Scratch databases for the benchmarks, filled fast with bulk inserts straight into the tables."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import Engine, make_url

from bench.common import TEAM
from storage import clock
from storage.db import make_engine, migrate
from storage.models import Counter, Project, Risk

PROJECT = "Apollo"
PROJECT_CHANNEL = "CAPOLLO"
STATUSES = ("open", "open", "open", "mitigating", "monitoring", "closed")


@contextmanager
def scratch_database(tmp: Path, server_url: str | None) -> Iterator[str]:
    """A fresh, migrated database: an SQLite file in `tmp`, or a new database on the PostgreSQL server
    that `server_url` points at (dropped at the end; the database the URL names is never touched)."""
    if not server_url:
        url = f"sqlite:///{tmp / 'bench.db'}"
        _migrate(url)
        yield url
        return
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(server_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(drivername="postgresql+psycopg", database=name).render_as_string(
        hide_password=False)
    try:
        _migrate(url)
        yield url
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _migrate(url: str) -> None:
    engine = make_engine(url)
    try:
        migrate(engine)
    finally:
        engine.dispose()


def seed_risks(url: str, count: int, *, seed: int = 7, team: str = TEAM) -> int:
    """One project with a channel and `count` risks on it and off it; the R-N counter set to follow them.
    Returns the project's id."""
    rng = random.Random(seed)
    engine: Engine = make_engine(url)
    now = clock.now()
    try:
        with engine.begin() as conn:
            project_id = conn.execute(insert(Project).values(
                team_id=team, name=PROJECT, name_key=PROJECT.lower(), channel_id=PROJECT_CHANNEL, created_by="UMGR",
                created_at=now).returning(Project.id)).scalar_one()
            rows = []
            for n in range(1, count + 1):
                p, i = rng.randint(1, 5), rng.randint(1, 5)
                status = rng.choice(STATUSES)
                created = now - timedelta(minutes=count - n)
                rows.append({
                    "team_id": team, "number": n, "project_id": project_id if n % 3 else None,
                    "title": f"Seeded risk {n}: supplier or scope slip", "description": None, "probability": p,
                    "impact": i, "score": p * i, "status": status, "owner_id": f"U{n % 40:04d}",
                    "mitigation": None, "contingency": None, "review_date": None, "source": "manual",
                    "created_by": "UMGR", "created_at": created, "updated_at": created,
                    "closed_at": created if status == "closed" else None})
            for start in range(0, len(rows), 2000):
                conn.execute(insert(Risk), rows[start:start + 2000])
            conn.execute(insert(Counter).values(team_id=team, name="risk", value=count))
    finally:
        engine.dispose()
    return int(project_id)


def seed_stakeholders(url: str, count: int) -> tuple[int, list[str]]:
    """One project with `count` check-in stakeholders (U0001…); returns the project's id and the people."""
    from storage.models_rhythm import Stakeholder

    people = [f"U{n:04d}" for n in range(1, count + 1)]
    engine: Engine = make_engine(url)
    now = clock.now()
    try:
        with engine.begin() as conn:
            project_id = conn.execute(insert(Project).values(
                team_id=TEAM, name=PROJECT, name_key=PROJECT.lower(), channel_id=PROJECT_CHANNEL, created_by="UMGR",
                created_at=now).returning(Project.id)).scalar_one()
            conn.execute(insert(Stakeholder), [{"team_id": TEAM, "project_id": project_id, "user_id": u,
                                                "added_by": "UMGR", "added_at": now} for u in people])
    finally:
        engine.dispose()
    return int(project_id), people
