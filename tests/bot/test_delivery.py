"""The delivery ledger: exactly one message per (what, recipient, occurrence)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.delivery import Envelope, _key
from storage.models_rhythm import Delivery
from storage.repositories import deliveries as ledger
from tests.bot.ledger import dead_owner, deliverer
from tests.slack_stub import SlackStub

TEAM = "T0ACME"


def envelopes(n: int, what: str = "checkin:1", occ: str = "2026-11-27T15:00Z") -> list[Envelope]:
    return [Envelope(what, f"U{i:04d}", occ, {"text": f"hello {i}"}) for i in range(n)]


def posts(stub: SlackStub) -> list[str]:
    return [p["channel"] for m, p in list(stub.calls) if m == "chat.postMessage"]


def statuses(engine: Engine) -> dict[str, str]:
    with Session(engine) as s:
        return {d.recipient: d.status for d in s.exec(select(Delivery))}


def test_each_recipient_once_even_when_sent_twice(engine: Engine, stub: SlackStub) -> None:
    d = deliverer(engine, stub)
    first = asyncio.run(d.send_all(TEAM, envelopes(20)))
    second = asyncio.run(d.send_all(TEAM, envelopes(20)))
    assert (first.sent, first.skipped) == (20, 0)
    assert (second.sent, second.skipped) == (0, 20)
    assert sorted(posts(stub)) == sorted(f"U{i:04d}" for i in range(20))
    assert set(statuses(engine).values()) == {"sent"}
    with Session(engine) as s:
        row = s.exec(select(Delivery)).first()
        assert row is not None and row.ts and row.channel and row.channel.startswith("D")


def test_another_occurrence_is_another_message(engine: Engine, stub: SlackStub) -> None:
    d = deliverer(engine, stub)
    asyncio.run(d.send_all(TEAM, envelopes(3, occ="week-1")))
    asyncio.run(d.send_all(TEAM, envelopes(3, occ="week-2")))
    assert len(posts(stub)) == 6


def test_one_failing_recipient_never_stops_the_rest(engine: Engine, stub: SlackStub) -> None:
    stub.fail("chat.postMessage", error="user_not_found")
    report = asyncio.run(deliverer(engine, stub, concurrency=1).send_all(TEAM, envelopes(10)))
    assert (report.sent, report.failed) == (9, 1)
    st = statuses(engine)
    assert list(st.values()).count("failed") == 1 and list(st.values()).count("sent") == 9
    with Session(engine) as s:
        failed = s.exec(select(Delivery).where(Delivery.status == "failed")).one()
        assert failed.error == "user_not_found"


def test_server_errors_are_retried_without_doubles(engine: Engine, stub: SlackStub) -> None:
    stub.fail("chat.postMessage", status=503, times=2)
    report = asyncio.run(deliverer(engine, stub).send_all(TEAM, envelopes(5)))
    assert report.sent == 5
    assert sorted(posts(stub)) == sorted(f"U{i:04d}" for i in range(5))


def test_rate_limits_are_honoured(engine: Engine) -> None:
    stub = SlackStub(rate_limit_per_s=10).start()
    try:
        report = asyncio.run(deliverer(engine, stub).send_all(TEAM, envelopes(25)))
        assert report.sent == 25 and stub.throttled > 0
        assert sorted(posts(stub)) == sorted(f"U{i:04d}" for i in range(25))
    finally:
        stub.stop()


def test_rows_left_pending_by_a_crash_are_sent_at_recovery(engine: Engine, stub: SlackStub) -> None:
    owner = dead_owner()
    rows = [{"what": "summary", "recipient": f"U{i}", "occurrence": "2026-W48",
             "payload": json.dumps({"text": "summary"})} for i in range(5)]
    with Session(engine) as s:
        ledger.claim_new(session=s, team_id=TEAM, rows=rows, owner=owner, lease=timedelta(minutes=10))
        s.commit()
    report = asyncio.run(deliverer(engine, stub).recover())
    assert report.sent == 5 and sorted(posts(stub)) == [f"U{i}" for i in range(5)]
    assert asyncio.run(deliverer(engine, stub).recover()).sent == 0


def test_a_send_that_reached_slack_before_the_crash_is_not_repeated(engine: Engine, stub: SlackStub) -> None:
    """The crash came after Slack took the message but before the ledger said so."""
    owner = dead_owner()
    with Session(engine) as s:
        ledger.claim_new(session=s, team_id=TEAM, owner=owner, lease=timedelta(minutes=10), rows=[
            {"what": "summary", "recipient": "U1", "occurrence": "w", "payload": json.dumps({"text": "x"})}])
        row = s.exec(select(Delivery)).one()
        row.attempts = 1
        s.add(row)
        s.commit()
        key = _key(row)
    stub.history["DU1"] = [{"type": "message", "ts": "9999999999.000001", "text": "x",
                            "metadata": {"event_type": "bot_delivery", "event_payload": {"key": key}}}]
    report = asyncio.run(deliverer(engine, stub).recover())
    assert report.sent == 1 and posts(stub) == []
    assert statuses(engine) == {"U1": "sent"}


def test_pending_rows_of_a_live_owner_wait_for_their_lease(engine: Engine, stub: SlackStub) -> None:
    with Session(engine) as s:
        ledger.claim_new(session=s, team_id=TEAM, owner="otherhost:1:abc", lease=timedelta(minutes=10), rows=[
            {"what": "summary", "recipient": "U1", "occurrence": "w", "payload": "{}"}])
        s.commit()
    assert asyncio.run(deliverer(engine, stub).recover()).sent == 0
    assert posts(stub) == []


SCRIPT = textwrap.dedent("""
    import asyncio, sys
    from handlers.slack.client import make_client
    from bot.delivery import Deliverer, Envelope
    from bot.database import Database
    from handlers.slack.sender import SlackSender
    from storage.db import make_engine
    from tests.support.served import make_settings
    db_url, api_url, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    engine = make_engine(db_url)
    d = Deliverer(Database(engine), SlackSender(make_client(make_settings(db_url, api_url))))
    envs = [Envelope("checkin:7", f"U{i:04d}", "2026-11-27T15:00Z", {"text": "poll"}) for i in range(n)]
    r = asyncio.run(d.send_all("T0ACME", envs))
    print(r.sent, r.skipped)
""")


def test_two_processes_one_message_per_person(db_url: str, engine: Engine, stub: SlackStub, tmp_path: Path) -> None:
    script = tmp_path / "fanout.py"
    script.write_text(SCRIPT)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    procs = [subprocess.Popen([sys.executable, str(script), db_url, stub.api_url, "60"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=60) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    sent = [int(o[0].split()[0]) for o in outs]
    assert sum(sent) == 60
    got = posts(stub)
    assert len(got) == 60 and len(set(got)) == 60
