"""What the core needs from a chat platform, as protocols each front end implements.

Flows and the ledger reach people only through these: a `Messenger` posts, updates and deletes
messages (views, rendered by the front end), a `Directory` says who a person is, and a `Sender`
is how the delivery ledger (`bot.delivery`) stores and sends its messages exactly once. The Slack
front end implements them over its Web API, others over their own platform;
`Platform` holds one of each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


class PostFailed(Exception):
    """The platform refused or did not confirm a post; `error` is its reason, for logs and people."""

    def __init__(self, error: str, *, transient: bool = False, unsent: bool = False) -> None:
        super().__init__(error)
        self.error = error
        self.transient = transient  # worth trying again later (rate limit, timeout, server error)
        # The platform surely did not take the message (throttled, no token, no connection made), so
        # sending it again cannot double it, even on a platform that keeps no history to ask.
        self.unsent = unsent


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

    async def redraw(self, where: list[Posted], view: Any) -> list[Posted]:
        """Show `view` in place of a message posted in parts (`where`, the first one's thread holding
        the rest): each part edited, parts it needs beyond those added to the thread, parts it no
        longer needs removed. Best effort, never raises: a part that could not be edited keeps its
        place, one that could not be added is left out. Returns where the parts are now."""
        ...


class Directory(Protocol):
    async def profile(self, team_id: str, user_id: str) -> Profile | None:
        """Who `user_id` is, or None when the platform could not say."""
        ...

    async def bot_user_id(self, team_id: str) -> str | None:
        """The bot's own id in this workspace, or None when the platform could not say."""
        ...

    async def own_team(self) -> str | None:
        """The workspace the bot is installed in, or None when the platform could not say."""
        ...


Part = dict[str, Any]  # one message as the ledger stores it: the platform's own JSON


class Sender(Protocol):
    """What the delivery ledger needs to send a row exactly once.

    A view is rendered into parts when its row is written (the row then holds what is sent, so a
    process that recovers it needs nothing else); each part is sent with a key of its own, and
    after a crash the conversation is asked which keys are there already."""

    def parts(self, view: Any) -> list[Part]:
        """`view` as the messages to send, in order (a stored part passes through unchanged)."""
        ...

    async def send(self, recipient: str, part: Part, key: str, *, thread: Posted | None = None) -> Posted:
        """Post `part` to `recipient` (a person's id: by DM), marked with `key`; in `thread`'s thread
        when given. Waits out rate limits itself. Raises `PostFailed`."""
        ...

    async def already_posted(self, conversation: str, keys: list[str],
                             since: datetime) -> dict[str, Posted] | None:
        """Which of `keys` were posted in `conversation` (a person's id: their DM) since `since`.
        Empty when the platform could not say this time: the caller then sends again. None when the
        platform keeps no history that could ever be asked (Teams): the caller then never sends again
        what may have reached it (see `bot.delivery`)."""
        ...


@dataclass(frozen=True)
class Platform:
    """A chat platform as the core reaches it."""

    messenger: Messenger
    directory: Directory
    sender: Sender

    def route(self, target: str | None) -> Platform:
        """The platform `target` (a person's, conversation's or workspace's id) belongs to: this one,
        unless several are served at once (`bot.routing`)."""
        return self
