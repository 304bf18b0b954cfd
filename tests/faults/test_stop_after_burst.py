"""A burst of `/risk add` to a real `python -m bot`, then a stop (SIGTERM, as a deploy does) or a
crash (`kill -9`): no acknowledged command vanishes.

After SIGTERM every acknowledged command has its risk and its answer. After `kill -9` and a restart
on the same database, every acknowledged command either has its risk (and its answer, through the
response_url or by DM) or its author got a DM saying it was not done; no risk is doubled.
"""

from __future__ import annotations

import signal
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.journal import sidecar_path
from storage.db import is_sqlite
from storage.models import Risk
from storage.models_rhythm import PendingCommand
from tests.faults.helpers import SlowStub
from tests.slack_requests import Reply, SlackClient, all_text
from tests.slack_stub import SlackStub
from tests.support.processes import STOPPED, BotProcess, start
from tests.support.workspace import USERS

BURST = 100



def title(n: int) -> str:
    return f"Burst item {n:03d}"


def burst(bot: BotProcess, stub: SlackStub) -> dict[int, Reply]:
    """BURST signed `/risk add` at concurrency 8; the acknowledged ones (HTTP 200), by number."""
    client = SlackClient(bot.url, stub, real_clock=True)

    def one(n: int) -> tuple[int, Reply | None]:
        try:
            return n, client.command("/risk", f"add {title(n)} p=2 i=2")
        except OSError:  # the process went away before answering: not acknowledged
            return n, None

    with ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(one, range(BURST)))
    return {n: r for n, r in replies if r is not None and r.status == 200}


def risk_titles(engine: Engine) -> list[str]:
    with Session(engine) as s:
        return list(s.exec(select(Risk.title)))


def journal_rows(engine: Engine) -> int:
    """Commands journaled and not finished (with SQLite, in the journal's own file), and done marks."""
    with Session(engine) as s:
        rows = len(list(s.exec(select(PendingCommand.id))))
    if is_sqlite(engine):
        with closing(sqlite3.connect(sidecar_path(engine))) as c:
            rows += c.execute("SELECT COUNT(*) FROM pending_command").fetchone()[0]
    return rows


def answered(stub: SlackStub, rid: str | None) -> bool:
    with stub._lock:
        return any(r == rid for r, _ in stub.responses)


def dms_to(stub: SlackStub, user: str) -> list[str]:
    return [all_text(p) for p in stub.find("chat.postMessage", channel=user)]


def wait(condition: Any, what: str, bot: BotProcess, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}: {bot.output()[-3000:]}")
        time.sleep(0.1)


def test_sigterm_right_after_a_burst_finishes_every_acknowledged_command(db_url: str, engine: Engine,
                                                                          tmp_path: Path) -> None:
    stub = SlowStub(0.02, lambda path: path.startswith("/response/"),
                    users={k: dict(v) for k, v in USERS.items()}).start()
    bots: list[BotProcess] = []
    try:
        bot = start(bots, tmp_path, stub, DATABASE_URL=db_url)
        acked = burst(bot, stub)
        bot.proc.send_signal(signal.SIGTERM)
        assert len(acked) == BURST
        assert bot.proc.wait(20) in STOPPED
        titles = risk_titles(engine)
        missing = [n for n in acked if title(n) not in titles]
        unanswered = [n for n, r in acked.items() if not answered(stub, r.rid)]
        assert not missing and not unanswered, (f"{len(missing)} acknowledged commands lost, {len(unanswered)} "
                                                f"unanswered: {bot.output()[-2000:]}")
        assert sorted(titles) == sorted(title(n) for n in acked)
        assert journal_rows(engine) == 0
    finally:
        for b in bots:
            b.stop()
        stub.stop()


def test_kill_9_mid_burst_then_restart_tells_the_authors_of_what_was_not_done(db_url: str, engine: Engine,
                                                                             tmp_path: Path) -> None:
    stub = SlowStub(0.05, lambda path: path.startswith("/response/"),
                    users={k: dict(v) for k, v in USERS.items()}).start()
    bots: list[BotProcess] = []
    try:
        first = start(bots, tmp_path, stub, DATABASE_URL=db_url)
        acked = burst(first, stub)
        first.proc.kill()  # SIGKILL: no shutdown, nothing cleaned up
        first.proc.wait(5)
        assert acked, "no command was acknowledged"
        cut = [n for n, r in acked.items() if not answered(stub, r.rid)]
        assert cut, "every command was answered before the kill"

        second = start(bots, tmp_path, stub, DATABASE_URL=db_url)

        wait(lambda: journal_rows(engine) == 0, "the journal left by the killed process to be dealt with", second)
        time.sleep(0.5)  # the DMs of the last rows dealt with
        titles = risk_titles(engine)
        notes = dms_to(stub, "UMEMBER")
        for n, reply in acked.items():
            told = [t for t in notes if f"add {title(n)} " in t]
            assert len(told) <= 1, f"{title(n)}: told {len(told)} times"
            if title(n) in titles:
                assert not any("was not done" in t for t in told), f"{title(n)} was done, yet told it was not"
                assert answered(stub, reply.rid) or (told and "was done" in told[0]), f"{title(n)} never answered"
            else:
                assert told and "was not done" in told[0] and "send it again" in told[0], \
                    f"{title(n)}: neither done nor its author told: {second.output()[-2000:]}"
        doubled = {t for t in titles if titles.count(t) > 1}
        assert not doubled, f"doubled: {doubled}"
        assert set(titles) <= {title(n) for n in acked}
    finally:
        for b in bots:
            b.stop()
        stub.stop()
