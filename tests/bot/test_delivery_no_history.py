"""The delivery ledger on a platform that keeps no history to ask (Teams): what may have reached it is
never sent again; what surely did not is tried again."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.database import Database
from bot.delivery import UNCERTAIN, Deliverer, Envelope
from bot.ports import Part, Posted, PostFailed
from storage import clock
from storage.models_rhythm import Delivery
from storage.repositories import deliveries as ledger
from storage.repositories import summaries as summary_repo
from tests.bot.ledger import dead_owner

TEAM = "b6f1c3de-0000-4000-8000-000000000001"


class NoHistorySender:
    """A platform's sender that cannot be asked what it already has; `fail` decides each send's fate."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Part]] = []
        self.fail: list[PostFailed] = []

    def parts(self, view: Any) -> list[Part]:
        return [view] if isinstance(view, dict) else [{"text": str(view)}]

    async def send(self, recipient: str, part: Part, key: str, *, thread: Posted | None = None) -> Posted:
        if self.fail:
            raise self.fail.pop(0)
        self.sent.append((recipient, part))
        return Posted(f"a:{recipient}", str(len(self.sent)))

    async def already_posted(self, conversation: str, keys: list[str], since: datetime) -> dict[str, Posted] | None:
        return None


def rows(engine: Engine) -> list[Delivery]:
    with Session(engine) as s:
        return list(s.exec(select(Delivery)))


def envelope(recipient: str = "aad-ann") -> Envelope:
    return Envelope("summary:1", recipient, "2030-W01", {"text": "hello"})


def test_a_send_a_crash_interrupted_is_not_sent_again(engine: Engine) -> None:
    sender = NoHistorySender()
    d = Deliverer(Database(engine), sender)
    owner = dead_owner()
    # A process claimed the row and began its attempt, then died before it could record the answer.
    with Session(engine) as s:
        [row_id] = ledger.claim_new(session=s, team_id=TEAM, rows=[{
            "what": "summary:1", "recipient": "aad-ann", "occurrence": "2030-W01", "payload": '{"text": "hi"}'}],
            owner=owner, lease=timedelta(minutes=10))
        ledger.start_attempt(session=s, delivery_id=row_id, owner=owner)
        s.commit()
    report = asyncio.run(d.recover())
    assert sender.sent == []
    assert (report.sent, report.uncertain) == (0, 1)
    [row] = rows(engine)
    assert (row.status, row.error) == ("uncertain", UNCERTAIN[:200])
    assert asyncio.run(d.recover()).uncertain == 0  # settled: never taken up again


def test_a_throttled_send_is_tried_again_and_sent_once(engine: Engine) -> None:
    sender = NoHistorySender()
    sender.fail = [PostFailed("http_429", transient=True, unsent=True)]
    d = Deliverer(Database(engine), sender)
    first = asyncio.run(d.send_all(TEAM, [envelope()]))
    assert (first.sent, first.retry) == (0, 1)
    second = asyncio.run(d.recover())
    assert (second.sent, second.uncertain) == (1, 0)
    assert len(sender.sent) == 1
    assert [r.status for r in rows(engine)] == ["sent"]


def test_a_lost_answer_is_not_sent_again_and_shows_in_the_summary(engine: Engine) -> None:
    sender = NoHistorySender()
    sender.fail = [PostFailed("ServerDisconnectedError", transient=True)]  # it may have reached Teams
    d = Deliverer(Database(engine), sender)
    asyncio.run(d.send_all(TEAM, [envelope(), envelope("aad-bob")]))
    report = asyncio.run(d.recover())
    assert report.uncertain == 1
    assert [r for r, _ in sender.sent] == ["aad-bob"]
    with Session(engine) as s:
        listed, total = summary_repo.failed_deliveries(session=s, team_id=TEAM, since=clock.now() - timedelta(days=1))
    assert total == 1 and listed[0].recipient == "aad-ann" and listed[0].status == "uncertain"
