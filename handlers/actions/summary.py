"""Buttons of the summary feature."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp


def register(app: AsyncApp) -> None:
    """Wire this feature's actions (see bot/ids.py)."""
    del app
