"""The product's logic as plain functions: they take a database session and
plain values, check permissions, write, and say what to tell whom (`Outcome`).
Handlers only parse what Slack sent and deliver the outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Post:
    """A message to post with chat.postMessage: to a channel, or a DM when `channel` is a user id."""

    channel: str
    message: dict[str, Any]
    on_fail: str | None = None  # told to the requester if the post fails


@dataclass
class Outcome:
    reply: dict[str, Any]  # what the person who asked sees (ephemeral)
    more: list[dict[str, Any]] = field(default_factory=list)  # the rest of a reply too long for one message
    posts: list[Post] = field(default_factory=list)
    reschedule: bool = False  # a schedule definition changed: rebuild the scheduler's jobs
