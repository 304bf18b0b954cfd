"""Checks that a message as a whole is one Slack accepts, and rows for the largest real cases."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from handlers.slack.render import common
from tests import summary_seed as seed
from tests.handlers.slack.e2e import check_limits
from tests.slack_stub import SlackStub

POSTING = ("chat.postMessage", "chat.update", "chat.postEphemeral")


def texts(b: Any) -> list[str]:
    """Every `text` string in a block."""
    if isinstance(b, dict):
        out = [v for k, v in b.items() if k == "text" and isinstance(v, str)]
        return out + [t for k, v in b.items() if not (k == "text" and isinstance(v, str)) for t in texts(v)]
    if isinstance(b, list):
        return [t for v in b for t in texts(v)]
    return []


def check_whole_message(msg: dict[str, Any]) -> dict[str, Any]:
    """What Slack accepts in one message: every block within its limits, and the whole message within
    the budget on blocks and on block text; no mention or link cut in two."""
    check_limits(msg)
    blocks = msg.get("blocks") or []
    assert len(blocks) <= common.MAX_BLOCKS, len(blocks)
    size = sum(common.block_text_size(b) for b in blocks)
    assert size <= common.MAX_MESSAGE_TEXT, f"{size} characters of block text"
    assert len(msg.get("text") or "") <= common.MAX_FALLBACK
    for t in texts(blocks):
        assert t.count("<") == t.count(">"), t[-80:]
    return msg


def recorded(stub: SlackStub) -> list[dict[str, Any]]:
    """Every message the stand-in took: Web API posts and updates, and posts to response_urls."""
    with stub._lock:
        calls = [p for m, p in stub.calls if m in POSTING]
        responses = [p for _, p in stub.responses]
    return calls + responses


def check_recorded(stub: SlackStub) -> list[dict[str, Any]]:
    msgs = recorded(stub)
    assert msgs
    for m in msgs:
        check_whole_message(m)
    return msgs


def checkin_projects(s: Session, count: int, now: datetime) -> None:
    """`count` projects with four weeks of check-ins each: scores that move, some off track or at
    risk, and eight stakeholders of whom five did not answer the latest poll."""
    for n in range(count):
        p = seed.project(s, f"Client programme {n:02d} regional rollout")
        assert p.id is not None
        users = [f"U{n:02d}STAKE{k}" for k in range(8)]
        for week in range(4, 0, -1):
            poll = seed.poll(s, p.id, sent_at=now - timedelta(days=7 * week - 6))
            seed.asked(s, poll, *users)
            seed.answer(s, poll, users[0], 2 + (n + week) % 3, "off_track")
            seed.answer(s, poll, users[1], 3, "at_risk")
            if week > 1:
                seed.answer(s, poll, users[2], 4, "on_track")


def wait_all(stub: SlackStub, rid: str | None, settle: float = 0.5) -> list[dict[str, Any]]:
    """Every message sent through one response_url, once no more arrive."""
    assert rid is not None
    got = stub.wait_response(rid)
    while True:
        time.sleep(settle)
        now = [p for r, p in stub.responses if r == rid]
        if len(now) == len(got):
            return now
        got = now
