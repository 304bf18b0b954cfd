"""Events API listeners."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp


def register(app: AsyncApp) -> None:
    """No events yet: the bot works through commands and interactivity only.

    (Subscribing to none keeps the app's scopes to what it needs.) A listener added here is
    registered wrapped in `handlers.slack.errors.guarded`, as in the other listener packages."""
    del app
