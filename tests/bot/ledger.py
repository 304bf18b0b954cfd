"""Driving the delivery ledger from tests: a deliverer on the stand-in, and the owner name of a process
that no longer runs (whose leases recovery may take over)."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy.engine import Engine

from bot.database import Database
from bot.delivery import HOST, Deliverer
from handlers.slack.client import make_client
from handlers.slack.sender import SlackSender
from tests.slack_stub import SlackStub
from tests.support.served import make_settings


def deliverer(engine: Engine, stub: SlackStub, **kw) -> Deliverer:  # type: ignore[no-untyped-def]
    client = make_client(make_settings(str(engine.url.render_as_string(hide_password=False)), stub.api_url))
    return Deliverer(Database(engine), SlackSender(client), **kw)


def dead_owner() -> str:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return f"{HOST}:{p.pid}:deadbeef"
