"""What a service says happened: a typed outcome each front end renders.

A service takes a typed request and the actor and returns an `Outcome`: the reply to the person
who asked, the posts to make elsewhere, and whether schedules changed. Replies and posts are
*views*: the feature's own dataclasses (or core text, a `str`, see `bot.text`) that say what to
show, never how; every front end renders each view for its platform (Block Kit in
`handlers/slack/render/`), including the buttons or the form it offers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Post:
    """A message to post: to a conversation, or a DM when `channel` is a person's id."""

    channel: str
    message: Any  # a view
    on_fail: str | None = None  # core text told to the requester if the post fails


@dataclass
class Outcome:
    reply: Any  # a view: what the person who asked sees (privately)
    more: list[Any] = field(default_factory=list)  # further replies, after `reply`
    posts: list[Post] = field(default_factory=list)
    reschedule: bool = False  # a schedule definition changed: rebuild the scheduler's jobs
