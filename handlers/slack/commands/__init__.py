"""Slash commands."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers.slack import ids
from handlers.slack.commands.checkin import handle_checkin
from handlers.slack.commands.feedback import handle_feedback
from handlers.slack.commands.project import handle_project
from handlers.slack.commands.risk import handle_risk
from handlers.slack.commands.standup import handle_standup
from handlers.slack.commands.summary import handle_summary


def register(app: AsyncApp) -> None:
    app.command(ids.RISK)(handle_risk)
    app.command(ids.FEEDBACK)(handle_feedback)
    app.command(ids.PROJECT)(handle_project)
    app.command(ids.CHECKIN)(handle_checkin)
    app.command(ids.STANDUP)(handle_standup)
    app.command(ids.SUMMARY)(handle_summary)
