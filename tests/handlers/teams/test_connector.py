"""The connector client against the HTTPS stand-in: the calls as Teams sees them, retries, failures and pacing."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import unquote

import pytest

from bot.ports import PostFailed
from handlers.teams.connector import Connector, activities_url, conversations_url, retry_after
from handlers.teams.tokens import TokenProvider
from tests.teams_stub import TeamsStub

T = TypeVar("T")
MESSAGE = {"type": "message", "text": "hello", "textFormat": "markdown"}


def connector(stub: TeamsStub, **options: Any) -> Connector:
    """A connector with the stand-in's tokens, no pacing gap and a short back-off unless told otherwise."""
    tokens = TokenProvider(stub.app_id, stub.password, stub.tenant_id, stub.login_url)
    options.setdefault("min_gap", 0.0)
    options.setdefault("backoff", 0.01)
    return Connector(tokens.token, **options)


def run(stub: TeamsStub, body: Callable[[Connector], Awaitable[T]], **options: Any) -> T:
    """Run `body` with a fresh connector whose token is already fetched (so timings measure only the calls)."""
    async def main() -> T:
        async with connector(stub, **options) as c:
            await c._token()
            return await body(c)
    return asyncio.run(main())


def bearer(stub: TeamsStub) -> str:
    return f"Bearer {stub.issued_tokens[-1]}"


@dataclass
class Traffic:
    """What reached the stand-in when: arrivals per conversation and the most requests at once."""

    arrivals: list[tuple[str, float]] = field(default_factory=list)
    in_flight: Counter[str] = field(default_factory=Counter)
    peak: Counter[str] = field(default_factory=Counter)  # per conversation
    peak_total: int = 0

    def at(self, conversation: str) -> list[float]:
        return [t for c, t in self.arrivals if c == conversation]


def watch(stub: TeamsStub, monkeypatch: pytest.MonkeyPatch, delay: float = 0.0) -> Traffic:
    """Record the connector's traffic, each request taking `delay` seconds to answer."""
    traffic, lock, original = Traffic(), threading.Lock(), stub._connector

    def answer(method: str, path: str, rest: list[str], headers: dict[str, str], raw: bytes
               ) -> tuple[int, dict[str, str], Any]:
        conversation = rest[0] if rest else ""
        with lock:
            traffic.arrivals.append((conversation, time.monotonic()))
            traffic.in_flight[conversation] += 1
            traffic.peak[conversation] = max(traffic.peak[conversation], traffic.in_flight[conversation])
            traffic.peak_total = max(traffic.peak_total, sum(traffic.in_flight.values()))
        try:
            time.sleep(delay)
            return original(method, path, rest, headers, raw)
        finally:
            with lock:
                traffic.in_flight[conversation] -= 1

    monkeypatch.setattr(stub, "_connector", answer)
    return traffic


# ---- addresses -------------------------------------------------------------------------------------

def test_urls_join_the_service_url_with_one_slash() -> None:
    for base in ("https://smba.example/amer/", "https://smba.example/amer", "https://smba.example/amer//"):
        assert conversations_url(base) == "https://smba.example/amer/v3/conversations"
    url = activities_url("https://smba.example/amer/", "19:abc@thread.tacv2;messageid=17", "17")
    assert url == "https://smba.example/amer/v3/conversations/19%3Aabc%40thread.tacv2%3Bmessageid%3D17/activities/17"


def test_retry_after_reads_seconds_and_dates() -> None:
    assert retry_after("2") == 2.0
    assert retry_after("0.5") == 0.5
    assert retry_after(None) is None
    assert retry_after("soon") is None
    assert retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date already past: no wait


# ---- round trips -----------------------------------------------------------------------------------

def test_send_posts_the_activity_with_the_bots_token(teams_stub: TeamsStub) -> None:
    activity_id = run(teams_stub, lambda c: c.send(teams_stub.service_url, "a:dm-ann", MESSAGE))
    (call,) = teams_stub.calls
    assert (call.kind, call.method, call.conversation_id, call.status) == ("send", "POST", "a:dm-ann", 201)
    assert unquote(call.path) == "/amer/v3/conversations/a:dm-ann/activities"
    assert call.body == MESSAGE
    assert call.authorization == bearer(teams_stub)
    assert activity_id.startswith("stub-activity-")


def test_a_service_url_without_its_trailing_slash_reaches_the_same_path(teams_stub: TeamsStub) -> None:
    run(teams_stub, lambda c: c.send(teams_stub.service_url.rstrip("/"), "a:dm-ann", MESSAGE))
    assert unquote(teams_stub.calls[0].path) == "/amer/v3/conversations/a:dm-ann/activities"


def test_reply_posts_to_the_message_replied_to(teams_stub: TeamsStub) -> None:
    activity_id = run(teams_stub, lambda c: c.reply(teams_stub.service_url, "19:chan@thread.tacv2", "root-1", MESSAGE))
    (call,) = teams_stub.calls
    assert (call.kind, call.method, call.conversation_id, call.activity_id) == (
        "reply", "POST", "19:chan@thread.tacv2", "root-1")
    assert call.body == {**MESSAGE, "replyToId": "root-1"}
    assert call.authorization == bearer(teams_stub)
    assert activity_id.startswith("stub-activity-")


def test_update_puts_the_new_activity_in_place(teams_stub: TeamsStub) -> None:
    run(teams_stub, lambda c: c.update(teams_stub.service_url, "a:dm-ann", "act-7", {**MESSAGE, "text": "changed"}))
    (call,) = teams_stub.calls
    assert (call.kind, call.method, call.conversation_id, call.activity_id, call.status) == (
        "update", "PUT", "a:dm-ann", "act-7", 200)
    assert unquote(call.path) == "/amer/v3/conversations/a:dm-ann/activities/act-7"
    assert call.body == {**MESSAGE, "text": "changed", "id": "act-7"}
    assert call.authorization == bearer(teams_stub)


def test_delete_removes_the_activity(teams_stub: TeamsStub, monkeypatch: pytest.MonkeyPatch) -> None:
    run(teams_stub, lambda c: c.delete(teams_stub.service_url, "a:dm-ann", "act-7"))
    (call,) = teams_stub.calls
    assert (call.kind, call.method, call.conversation_id, call.activity_id, call.status) == (
        "delete", "DELETE", "a:dm-ann", "act-7", 200)
    assert unquote(call.path) == "/amer/v3/conversations/a:dm-ann/activities/act-7"
    assert call.authorization == bearer(teams_stub)


def test_create_conversation_opens_a_one_to_one_chat(teams_stub: TeamsStub) -> None:
    conversation = run(teams_stub, lambda c: c.create_conversation(
        teams_stub.service_url, teams_stub.tenant_id, f"28:{teams_stub.app_id}", "29:ann"))
    (call,) = teams_stub.calls
    assert (call.kind, call.method, call.status) == ("create", "POST", 201)
    assert call.path == "/amer/v3/conversations"
    assert call.body == {
        "isGroup": False,
        "bot": {"id": f"28:{teams_stub.app_id}"},
        "members": [{"id": "29:ann"}],
        "tenantId": teams_stub.tenant_id,
        "channelData": {"tenant": {"id": teams_stub.tenant_id}},
    }
    assert call.authorization == bearer(teams_stub)
    assert conversation.startswith("a:stub-conversation-")


def test_a_token_the_connector_did_not_issue_is_refused(teams_stub: TeamsStub) -> None:
    async def wrong() -> str:
        return "not-a-token"

    async def main() -> None:
        async with Connector(wrong, min_gap=0) as c:
            await c.send(teams_stub.service_url, "a:dm-ann", MESSAGE)

    with pytest.raises(PostFailed) as failed:
        asyncio.run(main())
    assert (failed.value.error, failed.value.transient) == ("http_401", False)


# ---- failures --------------------------------------------------------------------------------------

def test_429_waits_out_retry_after_then_sends(teams_stub: TeamsStub) -> None:
    teams_stub.fail_next(429, retry_after=1)

    async def timed(c: Connector) -> tuple[str, float]:
        began = time.monotonic()
        activity_id = await c.send(teams_stub.service_url, "a:dm-ann", MESSAGE)
        return activity_id, time.monotonic() - began

    activity_id, took = run(teams_stub, timed)
    assert took >= 1.0
    assert [c.status for c in teams_stub.calls] == [429, 201]
    assert activity_id.startswith("stub-activity-")
    assert len(teams_stub.sent("a:dm-ann")) == 1


def test_5xx_is_retried_then_handed_back_as_transient(teams_stub: TeamsStub) -> None:
    teams_stub.fail_next(500, retry_after=None, times=6)
    with pytest.raises(PostFailed) as failed:
        run(teams_stub, lambda c: c.send(teams_stub.service_url, "a:dm-ann", MESSAGE))
    assert (failed.value.error, failed.value.transient, failed.value.unsent) == ("http_500", True, False)
    assert [c.status for c in teams_stub.calls] == [500] * 6  # the first try and 5 retries
    assert teams_stub.sent() == []


def test_a_5xx_that_passes_is_sent(teams_stub: TeamsStub) -> None:
    teams_stub.fail_next(503, retry_after=None, times=2)
    run(teams_stub, lambda c: c.send(teams_stub.service_url, "a:dm-ann", MESSAGE))
    assert [c.status for c in teams_stub.calls] == [503, 503, 201]


def test_a_long_retry_after_is_not_waited_out(teams_stub: TeamsStub) -> None:
    teams_stub.fail_next(429, retry_after=120)
    with pytest.raises(PostFailed) as failed:
        run(teams_stub, lambda c: c.send(teams_stub.service_url, "a:dm-ann", MESSAGE))
    # a throttled call was not carried out: the ledger may send it again without doubling it
    assert (failed.value.error, failed.value.transient, failed.value.unsent) == ("http_429", True, True)
    assert len(teams_stub.calls) == 1


def test_403_is_refused_without_retrying(teams_stub: TeamsStub) -> None:
    teams_stub.fail_next(403, retry_after=None)
    with pytest.raises(PostFailed) as failed:
        run(teams_stub, lambda c: c.send(teams_stub.service_url, "a:dm-ann", MESSAGE))
    assert (failed.value.error, failed.value.transient) == ("http_403", False)
    assert len(teams_stub.calls) == 1


def test_a_connector_out_of_reach_is_transient(teams_stub: TeamsStub) -> None:
    with pytest.raises(PostFailed) as failed:
        run(teams_stub, lambda c: c.send("https://127.0.0.1:1/amer/", "a:dm-ann", MESSAGE))
    assert failed.value.transient and failed.value.unsent  # no connection: nothing was sent


def test_a_timeout_is_transient(teams_stub: TeamsStub, monkeypatch: pytest.MonkeyPatch) -> None:
    watch(teams_stub, monkeypatch, delay=1.0)
    with pytest.raises(PostFailed) as failed:
        run(teams_stub, lambda c: c.send(teams_stub.service_url, "a:dm-ann", MESSAGE), timeout=0.3)
    assert failed.value.transient and not failed.value.unsent  # it may have reached Teams


# ---- pacing ----------------------------------------------------------------------------------------

def test_one_conversation_is_sent_to_one_call_at_a_time(teams_stub: TeamsStub, monkeypatch: pytest.MonkeyPatch) -> None:
    traffic = watch(teams_stub, monkeypatch, delay=0.3)
    run(teams_stub, lambda c: asyncio.gather(*(c.send(teams_stub.service_url, "a:dm-ann", MESSAGE) for _ in range(2))))
    assert traffic.peak["a:dm-ann"] == 1
    first, second = traffic.at("a:dm-ann")
    assert second - first >= 0.3


def test_different_conversations_are_sent_to_in_parallel(teams_stub: TeamsStub,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    traffic = watch(teams_stub, monkeypatch, delay=0.3)
    run(teams_stub, lambda c: asyncio.gather(c.send(teams_stub.service_url, "a:dm-ann", MESSAGE),
                                             c.send(teams_stub.service_url, "a:dm-bob", MESSAGE)))
    assert traffic.peak_total == 2
    assert len(teams_stub.sent()) == 2


def test_calls_to_one_conversation_keep_the_minimum_gap(teams_stub: TeamsStub,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    traffic = watch(teams_stub, monkeypatch)

    async def burst(c: Connector) -> None:
        await asyncio.gather(c.send(teams_stub.service_url, "19:chan@thread.tacv2", MESSAGE),
                             c.reply(teams_stub.service_url, "19:chan@thread.tacv2", "root", MESSAGE),  # same channel
                             c.send(teams_stub.service_url, "a:dm-bob", MESSAGE))

    run(teams_stub, burst, min_gap=0.4)
    channel, thread = traffic.at("19:chan@thread.tacv2")
    (bob,) = traffic.at("a:dm-bob")
    assert thread - channel >= 0.4
    assert abs(bob - channel) < 0.4  # another conversation does not wait for the gap


def test_a_failing_recipient_does_not_hold_up_another(teams_stub: TeamsStub) -> None:
    teams_stub.fail_next(403, retry_after=None, conversation_id="a:dm-gone")
    teams_stub.fail_next(429, retry_after=1, conversation_id="a:dm-busy")

    async def both(c: Connector) -> tuple[list[Any], float]:
        began = time.monotonic()
        good = asyncio.ensure_future(c.send(teams_stub.service_url, "a:dm-ann", MESSAGE))
        others = asyncio.gather(c.send(teams_stub.service_url, "a:dm-gone", MESSAGE),
                                c.send(teams_stub.service_url, "a:dm-busy", MESSAGE), return_exceptions=True)
        await good
        took = time.monotonic() - began
        return [good.result(), *await others], took

    (good, gone, busy), took = run(teams_stub, both)
    assert good.startswith("stub-activity-") and took < 1.0  # sent while the busy one waited its second
    assert isinstance(gone, PostFailed) and not gone.transient
    assert isinstance(busy, str)  # sent once its Retry-After had passed
    assert {c.conversation_id for c in teams_stub.sent()} == {"a:dm-ann", "a:dm-busy"}
