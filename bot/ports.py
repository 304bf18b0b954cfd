"""What the core needs from a chat platform, as protocols each front end implements.

Flows and the ledger reach people only through these: a `Messenger` posts, updates and deletes
messages (views, rendered by the front end), a `Directory` says who a person is. The Slack front
end implements them over the Web API (`handlers/slack/`), others over their own platform.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


class PostFailed(Exception):
    """The platform refused or did not confirm a post; `error` is its reason, for logs and people."""

    def __init__(self, error: str, *, transient: bool = False) -> None:
        super().__init__(error)
        self.error = error
        self.transient = transient  # worth trying again later (rate limit, timeout, server error)


@dataclass(frozen=True)
class Posted:
    """Where a message went: the conversation and the platform's id of the message in it."""

    channel: str
    ts: str


@dataclass(frozen=True)
class Profile:
    """A person as their platform describes them."""

    user_id: str
    name: str | None = None
    tz: str | None = None
    is_admin: bool = False
    is_owner: bool = False
    is_guest: bool = False


class Messenger(Protocol):
    async def post(self, channel: str, view: Any, *, thread: Posted | None = None) -> list[Posted]:
        """Post `view` in `channel` (a person's id: by DM); one `Posted` per message it took.
        Raises `PostFailed`."""
        ...

    async def update(self, where: Posted, view: Any) -> None:
        """Replace the message at `where` with `view`. Raises `PostFailed`."""
        ...

    async def delete(self, where: Posted) -> None:
        """Remove the message at `where`. Raises `PostFailed`."""
        ...


class Directory(Protocol):
    async def profile(self, team_id: str, user_id: str) -> Profile | None:
        """Who `user_id` is, or None when the platform could not say."""
        ...

    async def bot_user_id(self, team_id: str) -> str | None:
        """The bot's own id in this workspace, or None when the platform could not say."""
        ...
