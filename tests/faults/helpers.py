"""Waiting on conditions, running the served bot's jobs now, and reading what Slack received."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MAX_INSTANCES, JobExecutionEvent
from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from storage import clock
from storage.models import Project
from storage.models_rhythm import CheckinConfig, Delivery, Stakeholder
from tests.slack_stub import TEAM, SlackStub
from tests.support.served import ServedBot


def until(condition: Callable[[], Any], timeout: float = 10, what: str = "a condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        got = condition()
        if got:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def on_loop(bot: ServedBot, coro: Any) -> Any:
    """Run a coroutine on the served bot's event loop (where its scheduler runs)."""
    return asyncio.run_coroutine_threadsafe(coro, bot.runtime.scheduler._eventloop).result(15)


def fire(bot: ServedBot, job_id: str, timeout: float = 15) -> JobExecutionEvent:
    """Run a scheduled job now, as the scheduler does at its time, and wait until it has run."""
    scheduler = bot.runtime.scheduler
    events: list[JobExecutionEvent] = []
    ran = threading.Event()

    def seen(event: JobExecutionEvent) -> None:
        if event.job_id == job_id:
            events.append(event)
            if event.code != EVENT_JOB_MAX_INSTANCES:
                ran.set()

    scheduler.add_listener(seen, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MAX_INSTANCES)
    try:
        deadline = time.monotonic() + timeout
        while not ran.is_set():  # a run already going (the sweep at start) makes the scheduler skip ours
            assert time.monotonic() < deadline, f"{job_id} never ran"
            scheduler.modify_job(job_id, next_run_time=clock.now())
            ran.wait(0.5)
    finally:
        scheduler.remove_listener(seen)
    return events[-1]


def seed_checkins(engine: Engine, people: Iterable[str], *, due_minutes_ago: int | None = None) -> int:
    """Project Apollo with these stakeholders, straight into the tables; with `due_minutes_ago`, a
    weekly check-in that fell due that long ago."""
    with Session(engine) as s:
        p = Project(team_id=TEAM, name="Apollo", name_key="apollo", created_by="UMGR")
        s.add(p)
        s.flush()
        assert p.id is not None
        s.execute(insert(Stakeholder), [{"team_id": TEAM, "project_id": p.id, "user_id": u, "added_by": "UMGR"}
                                        for u in people])
        if due_minutes_ago is not None:
            due = clock.now() - timedelta(minutes=due_minutes_ago)
            s.add(CheckinConfig(team_id=TEAM, project_id=p.id, day=due.weekday(), time=due.strftime("%H:%M"),
                                tz="UTC", created_by="UMGR", updated_at=due - timedelta(hours=1)))
        s.commit()
        return p.id


def dms(stub: SlackStub, people: Iterable[str]) -> Counter[str]:
    """chat.postMessage calls Slack took, by recipient (only those in `people`)."""
    wanted = set(people)
    return Counter(p["channel"] for p in stub.find("chat.postMessage") if p.get("channel") in wanted)


def ledger(engine: Engine, what_prefix: str = "") -> dict[str, int]:
    """Delivery rows by status."""
    with Session(engine) as s:
        rows = s.exec(select(Delivery.status, func.count()).where(col(Delivery.what).startswith(what_prefix))
                      .group_by(Delivery.status))
        return {status: int(n) for status, n in rows}


class SlowStub(SlackStub):
    """Slack, taking `delay` seconds over each call whose path `slow` picks before it answers, so that the
    bot's work lasts long enough to be cut by a kill or a stop."""

    def __init__(self, delay: float, slow: Callable[[str], bool], **kw: Any) -> None:
        super().__init__(**kw)
        self.delay, self.slow = delay, slow

    def handle(self, path: str, params: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        if self.slow(path):
            time.sleep(self.delay)
        return super().handle(path, params)
