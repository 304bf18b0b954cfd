"""`kill -9` in the middle of a check-in fan-out to 500 stakeholders, then a restart on the same
database: every stakeholder ends up with exactly one message.

The bot runs as operators run it (`python -m bot`, HTTP mode); the Web API stand-in takes a moment
over each `chat.postMessage` so the fan-out lasts long enough to be cut in the middle. Some sends
are in flight at the kill: Slack takes them but the ledger never hears back, which is what the
restart's look at the DM's history is for.
"""

from __future__ import annotations

import json
import os
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.delivery import HOST, INSTANCE
from bot.settings import Settings
from storage.repositories import deliveries
from tests.clock import on_wall_clock
from tests.faults.helpers import SlowStub, dms, ledger, seed_checkins, until
from tests.slack_requests import SlackClient
from tests.slack_stub import TEAM, SlackStub
from tests.support.processes import BotProcess, start
from tests.support.served import ServedBot
from tests.support.workspace import USERS

PEOPLE = [f"US{i:04d}" for i in range(500)]



def wait(condition: Any, what: str, bot: BotProcess, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if bot.proc.poll() is not None:
            raise AssertionError(f"the bot exited ({bot.proc.returncode}) while waiting for {what}: {bot.output()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}: {bot.output()[-3000:]}")
        time.sleep(0.05)


def test_kill_9_during_fanout_then_restart_sends_each_once(db_url: str, engine: Engine, tmp_path: Path) -> None:
    stub = SlowStub(0.01, lambda path: path.endswith("/chat.postMessage"),
                    users={k: dict(v) for k, v in USERS.items()}).start()
    bots: list[BotProcess] = []
    try:
        with on_wall_clock():  # the rows a bot process on the real clock will read
            seed_checkins(engine, PEOPLE)
        first = start(bots, tmp_path, stub, DATABASE_URL=db_url)
        SlackClient(first.url, stub, real_clock=True).command("/checkin", 'send project="Apollo"', user="UMGR")
        wait(lambda: sum(dms(stub, PEOPLE).values()) >= len(PEOPLE) // 2, "half the DMs", first)
        first.proc.kill()  # SIGKILL: no shutdown, nothing cleaned up
        first.proc.wait(5)
        assert sum(dms(stub, PEOPLE).values()) < len(PEOPLE), "the fan-out ended before the kill"

        # Started again on the same database, it takes over the dead process's rows at once.
        second = start(bots, tmp_path, stub, DATABASE_URL=db_url)
        wait(lambda: len(dms(stub, PEOPLE)) == len(PEOPLE) and set(ledger(engine, "checkin:")) == {"sent"},
             "every stakeholder's DM after the restart", second)
        got = dms(stub, PEOPLE)
        doubled = {u: n for u, n in got.items() if n > 1}
        assert not doubled, f"{len(doubled)} stakeholders got more than one DM"
        assert set(got) == set(PEOPLE) and ledger(engine, "checkin:") == {"sent": len(PEOPLE)}
    finally:
        for b in bots:
            b.stop()
        stub.stop()


def test_rows_of_an_earlier_process_with_our_pid_are_taken_over_at_once(engine: Engine, stub: SlackStub,
                                                                         settings: Settings) -> None:
    """In a container the bot is PID 1 after every restart: the killed process had our pid, yet it is gone."""
    earlier = f"{HOST}:{os.getpid()}:0ldb0075"
    assert earlier != INSTANCE
    rows = [{"what": "checkin:1", "recipient": u, "occurrence": "2026-11-27T15:00Z",
             "payload": json.dumps({"text": "How is it going?"})} for u in PEOPLE[:20]]
    with Session(engine) as s:
        deliveries.claim_new(session=s, team_id=TEAM, rows=rows, owner=earlier, lease=timedelta(minutes=10))
        s.commit()
    bot = ServedBot(settings, engine)
    bot.start()
    try:
        until(lambda: ledger(engine) == {"sent": 20}, 10, "the earlier process's rows, sent at start")
        assert dms(stub, PEOPLE) == {u: 1 for u in PEOPLE[:20]}
    finally:
        bot.stop()
