"""Slash commands."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot import ids
from handlers.commands.feedback import handle_feedback
from handlers.commands.project import handle_project
from handlers.commands.risk import handle_risk


def register(app: AsyncApp) -> None:
    app.command(ids.RISK)(handle_risk)
    app.command(ids.FEEDBACK)(handle_feedback)
    app.command(ids.PROJECT)(handle_project)
