"""Summary at scale: 500 projects, 100,000 risks, 200,000 feedback items, 1,000,000 check-in answers.

Prints the latency of `/summary` (all projects, and one project) as the service builds it — the
queries and the Block Kit — on SQLite and, with --database-url, on PostgreSQL. Target: <= 1 s each.

    .venv/bin/python -m bench.summary_scale                      # SQLite
    .venv/bin/python -m bench.summary_scale --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    .venv/bin/python -m bench.summary_scale --small              # a quick check that it runs
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from bench.common import machine, median
from bench.seed import scratch_database
from bot.people import Actor
from bot.summaries import service as summaries
from handlers.slack.render.catalog import render
from storage import clock
from storage.db import make_engine, session_scope
from storage.models import Feedback, Project, Risk
from storage.models_rhythm import CheckinAnswer, CheckinPoll, Delivery

TEAM = "T0BENCH"
CHUNK = 10_000


def _bulk(engine: Engine, table: Any, rows: list[dict[str, Any]]) -> None:
    with engine.begin() as c:
        for i in range(0, len(rows), CHUNK):
            c.execute(insert(table), rows[i:i + CHUNK])


def seed(engine: Engine, projects: int, risks: int, feedback: int, answers: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    now = clock.now()
    _bulk(engine, Project, [{"team_id": TEAM, "name": f"Project {n}", "name_key": f"project {n}",
                             "created_by": "UMGR", "created_at": now} for n in range(projects)])
    with engine.connect() as c:
        ids = [r[0] for r in c.exec_driver_sql("SELECT id FROM project ORDER BY id")]
    statuses = ("open", "open", "mitigating", "monitoring", "closed")
    rows = []
    for n in range(risks):
        p, i = rng.randint(1, 5), rng.randint(1, 5)
        when = now - timedelta(days=rng.randint(0, 120))
        rows.append({"team_id": TEAM, "number": n + 1, "project_id": rng.choice(ids), "title": f"Risk {n}",
                     "probability": p, "impact": i, "score": p * i, "status": rng.choice(statuses),
                     "owner_id": f"U{rng.randint(1, 300):04d}", "source": "manual", "created_by": "UMGR",
                     "review_date": (now + timedelta(days=rng.randint(-30, 60))).date(),
                     "created_at": when, "updated_at": when})
    _bulk(engine, Risk, rows)
    sentiments = ("positive", "neutral", "negative")
    rows = []
    for n in range(feedback):
        when = now - timedelta(days=rng.randint(0, 120))
        acted = rng.random() < 0.6
        rows.append({"team_id": TEAM, "number": n + 1, "project_id": rng.choice(ids), "source": "client",
                     "sentiment": rng.choice(sentiments), "text": f"Feedback {n}", "is_private": False,
                     "is_anonymous": False, "author_id": f"U{rng.randint(1, 300):04d}", "created_at": when,
                     "acted_at": when if acted else None, "acted_by": "UMGR" if acted else None})
    _bulk(engine, Feedback, rows)
    per_poll = 100
    weeks = max(1, answers // (projects * per_poll))
    polls = []
    for pid in ids:
        for w in range(weeks):
            polls.append({"team_id": TEAM, "project_id": pid, "occurrence": f"w{w}",
                          "sent_at": now - timedelta(weeks=w, hours=1)})
    _bulk(engine, CheckinPoll, polls)
    with engine.connect() as c:
        poll_rows = list(c.exec_driver_sql("SELECT id, project_id FROM checkin_poll"))
    rows, ledger = [], []
    for poll_id, project_id in poll_rows:
        for u in range(per_poll):
            user = f"US{project_id:04d}{u:03d}"
            ledger.append({"team_id": TEAM, "what": f"checkin:{poll_id}", "recipient": user, "occurrence": "x",
                           "status": "sent", "payload": "{}", "attempts": 1, "created_at": now})
            if rng.random() < 0.9:
                rows.append({"team_id": TEAM, "poll_id": poll_id, "project_id": project_id, "user_id": user,
                             "score": rng.randint(1, 5), "status": rng.choice(("on_track", "at_risk", "off_track")),
                             "answered_at": now, "updated_at": now})
    _bulk(engine, CheckinAnswer, rows)
    _bulk(engine, Delivery, ledger)
    # A bulk load leaves the planner without statistics until autovacuum comes round; a live
    # database that grew to this size has them, so gather them now.
    with engine.begin() as c:
        c.exec_driver_sql("ANALYZE")


def time_summary(engine: Engine, project: str | None, runs: int) -> list[float]:
    actor = Actor(TEAM, "UMGR", is_manager=True, tz="Europe/London")
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        with session_scope(engine) as s:
            outcome = summaries.build(session=s, actor=actor, project_name=project)
        msgs = render(outcome.reply)
        out.append(time.perf_counter() - start)
        assert msgs and all(len(m.get("blocks", [])) <= 50 for m in msgs)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database-url", help="a PostgreSQL server URL (a scratch database is made on it)")
    ap.add_argument("--small", action="store_true", help="a few rows: checks that the script runs")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    sizes = (5, 200, 400, 2_000) if args.small else (500, 100_000, 200_000, 1_000_000)
    m = machine()
    print(f"machine: {m}")
    with tempfile.TemporaryDirectory() as tmp, scratch_database(Path(tmp), args.database_url) as url:
        engine = make_engine(url)
        kind = engine.dialect.name
        missed = False
        t0 = time.perf_counter()
        seed(engine, *sizes)
        print(f"{kind}: seeded {sizes[0]} projects, {sizes[1]} risks, {sizes[2]} feedback, "
              f"~{sizes[3]} check-in answers in {time.perf_counter() - t0:.1f} s")
        for label, project in (("all projects", None), ("one project", "Project 1")):
            times = time_summary(engine, project, args.runs)
            verdict = "meets" if median(times) <= 1.0 else "misses"
            missed = missed or verdict == "misses"
            print(f"{kind}: /summary ({label}): median {median(times) * 1000:.0f} ms, "
                  f"max {max(times) * 1000:.0f} ms over {len(times)} runs — {verdict} the 1 s target")
        engine.dispose()
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
