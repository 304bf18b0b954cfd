"""The fan-out pacer: a 429 holds every sender for its Retry-After, and later sends are spaced at the
rate that was getting through."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path

import pytest

from bot.database import Database
from bot.delivery import Deliverer, Envelope
from handlers.slack.client import make_client
from handlers.slack.pacing import RELAX_S, SAFETY, Pacer, retry_after
from handlers.slack.sender import SlackSender
from storage.db import make_engine, migrate
from tests.slack_stub import SlackStub
from tests.support.served import make_settings

TEAM = "T0ACME"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(("headers", "seconds"), [
    ({"Retry-After": "3"}, 3.0), ({"retry-after": ["2"]}, 2.0), ({"RETRY-AFTER": "0.5"}, 0.5),
    ({}, 1.0), (None, 1.0), ({"Retry-After": "soon"}, 1.0),
])
def test_retry_after_is_read_in_any_case_and_shape(headers: dict | None, seconds: float) -> None:
    assert retry_after(headers) == seconds


def test_sends_are_not_spaced_until_slack_says_429() -> None:
    pacer = Pacer()

    async def turns() -> float:
        began = time.monotonic()
        for _ in range(200):
            await pacer.turn()
            pacer.sent()
        return time.monotonic() - began

    assert asyncio.run(turns()) < 0.5
    assert pacer.rate is None


def test_a_429_learns_the_rate_that_got_through_and_pauses_everyone() -> None:
    clock = Clock()
    pacer = Pacer(clock)
    for _ in range(50):  # 50 sends in the last second, then Slack refuses
        clock.now += 0.01
        pacer.sent()
    pacer.limited(1.0)
    assert pacer.rate == pytest.approx(50 * SAFETY)
    assert pacer.paused_until == pytest.approx(clock.now + 1.0)
    clock.now += 0.005
    pacer.limited(1.0)  # another sender's 429 from the same burst: the same pause, no second cut
    assert pacer.rate == pytest.approx(50 * SAFETY)
    assert pacer.paused_until == pytest.approx(clock.now + 1.0)


def test_a_later_429_lowers_the_rate_again_and_a_quiet_minute_drops_the_spacing() -> None:
    clock = Clock()
    pacer = Pacer(clock)
    for _ in range(20):
        clock.now += 0.05
        pacer.sent()
    pacer.limited(1.0)
    first = pacer.rate
    assert first is not None
    clock.now += 5
    for _ in range(20):
        clock.now += 0.05
        pacer.sent()
    pacer.limited(1.0)
    assert pacer.rate is not None and pacer.rate < first
    clock.now += RELAX_S + 1
    asyncio.run(pacer.turn())
    assert pacer.rate is None


def test_paced_sends_are_spaced_even_after_a_sender_was_held_up() -> None:
    pacer = Pacer()
    pacer.rate = 100.0  # 10 ms apart
    pacer.last_limited = time.monotonic()
    starts: list[float] = []

    async def sender() -> None:
        for _ in range(5):
            await pacer.turn()
            starts.append(time.monotonic())

    async def all_senders() -> None:
        await asyncio.gather(*(sender() for _ in range(4)))

    asyncio.run(all_senders())
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert len(starts) == 20
    assert min(gaps) >= 0.005  # never a burst; a late wake-up may shorten one gap by at most half
    assert starts[-1] - starts[0] >= 0.15


def test_a_rate_limited_fanout_is_paced_not_retried_by_each_sender(tmp_path: Path) -> None:
    """Once the first 429s arrive, the senders share one pause and then keep under the limit."""
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    engine = make_engine(url)
    migrate(engine)
    stub = SlackStub(rate_limit_per_s=20).start()
    try:
        d = Deliverer(Database(engine), SlackSender(make_client(make_settings(url, stub.api_url))))
        people = [f"U{i:04d}" for i in range(50)]
        report = asyncio.run(d.send_all(TEAM, [Envelope("checkin:1", u, "w1", {"text": "poll"}) for u in people]))
        assert report.sent == 50 and report.retry == 0
        counts = Counter(p["channel"] for p in stub.find("chat.postMessage"))
        assert sorted(counts) == people and set(counts.values()) == {1}
        assert stub.throttled <= 8  # the first burst's 429s (one per sender, twice over for slack)
    finally:
        stub.stop()
        engine.dispose()


def test_a_429_before_anything_got_through_pauses_but_learns_no_rate() -> None:
    clock = Clock()
    pacer = Pacer(clock)
    pacer.sent()
    pacer.limited(2.0)
    assert pacer.rate is None and pacer.paused_until == pytest.approx(clock.now + 2.0)
