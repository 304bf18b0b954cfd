"""The command journal: what a stopped process acknowledged and did not finish is told to its
author once, as done (with the answer) or as not done; and a stop waits for the work in flight."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.backlog import Backlog
from bot.database import Database
from bot.journal import CURRENT, Journal
from bot.server import Runtime
from storage.models import Project
from tests.bot.ledger import dead_owner, deliverer
from tests.slack_requests import all_text
from tests.slack_stub import TEAM, SlackStub


def body(user: str, text: str) -> dict[str, Any]:
    return {"team_id": TEAM, "user_id": user, "channel_id": "CSALES", "command": "/risk", "text": text}


def write_project(*, session: Session, name: str, fail: bool = False) -> Any:
    session.add(Project(team_id=TEAM, name=name, name_key=name.lower(), created_by="UMEMBER"))
    session.flush()
    if fail:
        raise RuntimeError("the unit of work fails after its write")
    return SimpleNamespace(reply={"text": f"Logged {name}", "blocks": []})


def told(stub: SlackStub, user: str) -> list[str]:
    return [all_text(p) for p in stub.find("chat.postMessage", channel=user)]


def test_what_a_dead_process_left_is_told_to_each_author_once(engine: Engine, stub: SlackStub) -> None:
    dead = Journal(engine, owner=dead_owner())
    elsewhere = Journal(engine, owner="another-host:1:0123abcd")  # alive, as far as anyone here knows
    db = Database(engine)

    async def leave() -> None:
        await dead.open(body("UMEMBER", "add Never started p=2"))
        for user, name, fail in (("UMEMBER2", "Apollo", False), ("UOWNER", "Zeus", True)):
            token = CURRENT.set(await dead.open(body(user, f"add {name}")))
            try:
                await db.write(dead.within(write_project), name=name, fail=fail)
            except RuntimeError:
                pass
            finally:
                CURRENT.reset(token)
        await elsewhere.open(body("UMGR", "list"))

    asyncio.run(leave())
    assert asyncio.run(Journal(engine).recover(db, deliverer(engine, stub))) == 3

    (never,) = told(stub, "UMEMBER")
    assert "`/risk add Never started p=2`" in never and "was not done" in never and "send it again" in never
    (done,) = told(stub, "UMEMBER2")
    assert "`/risk add Apollo`" in done and "was done" in done and "Logged Apollo" in done
    (rolled_back,) = told(stub, "UOWNER")  # its write was undone with the mark: not done
    assert "was not done" in rolled_back
    assert told(stub, "UMGR") == []  # a live instance's command is its own to finish

    assert asyncio.run(Journal(engine).recover(db, deliverer(engine, stub))) == 0
    assert len(stub.find("chat.postMessage")) == 3


def test_a_stop_waits_for_the_work_behind_acks_then_gives_up_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    backlog = Backlog(2)
    finished: list[str] = []

    async def work(seconds: float, name: str) -> None:
        await asyncio.sleep(seconds)
        finished.append(name)

    async def main() -> None:
        for seconds, name in ((0.05, "quick"), (0.1, "quick too"), (60, "stuck")):
            backlog.running.add(asyncio.ensure_future(work(seconds, name)))
        await asyncio.sleep(0)
        runtime = SimpleNamespace(app=SimpleNamespace(backlog=backlog))
        with caplog.at_level(logging.INFO, logger="bot.server"):
            await Runtime.drain(runtime, 0.5)  # type: ignore[arg-type]

    asyncio.run(main())
    assert finished == ["quick", "quick too"]
    assert "1 acknowledged requests not finished after 0.5 s" in caplog.text


def test_a_journal_that_cannot_reach_its_database_says_unavailable(engine: Engine, stub: SlackStub) -> None:
    """The sweep catches `Unavailable` and tries again; any other error would escape the job."""
    from sqlalchemy import create_engine

    from bot.errors import Unavailable

    gone = create_engine("postgresql+psycopg://nobody@127.0.0.1:9/none", connect_args={"connect_timeout": 1})
    journal = Journal(gone)
    with pytest.raises(Unavailable):
        asyncio.run(journal.recover(Database(gone), deliverer(engine, stub)))


def test_a_finished_command_whose_answer_is_a_view_is_told_with_that_answer(engine: Engine, stub: SlackStub) -> None:
    """Views do not survive a restart: the front end's `describe` keeps the answer as core text."""
    from bot.risks.views import RiskClosed
    from handlers.slack.journaling import describe
    from storage.models import Risk

    dead = Journal(engine, owner=dead_owner(), describe=describe)
    db = Database(engine)
    risk = Risk(team_id=TEAM, number=7, title="Vendor & co may slip", probability=4, impact=4, score=16,
                created_by="UMEMBER2")

    def close_it(*, session: Session, actor: Any = None) -> Any:
        return SimpleNamespace(reply=RiskClosed(risk=risk))

    async def leave() -> None:
        token = CURRENT.set(await dead.open(body("UMEMBER2", "close R-7")))
        try:
            await db.write(dead.within(close_it))
        finally:
            CURRENT.reset(token)

    asyncio.run(leave())
    assert asyncio.run(Journal(engine).recover(db, deliverer(engine, stub))) == 1
    (done,) = told(stub, "UMEMBER2")
    assert "was done" in done and "R-7" in done and "Vendor &amp; co" in done  # escaped once, as Slack shows it
