"""Slash commands."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers.slack import ids
from handlers.slack.commands.checkin import handle_checkin
from handlers.slack.commands.feedback import handle_feedback
from handlers.slack.commands.lesson import handle_lesson
from handlers.slack.commands.project import handle_project
from handlers.slack.commands.risk import handle_risk
from handlers.slack.commands.scope import handle_scope
from handlers.slack.commands.standup import handle_standup
from handlers.slack.commands.summary import handle_summary
from handlers.slack.errors import guarded


def register(app: AsyncApp) -> None:
    """Every slash command's listener, each wrapped in `guarded` (errors answered, work bounded)."""
    app.command(ids.RISK)(guarded(handle_risk))
    app.command(ids.FEEDBACK)(guarded(handle_feedback))
    app.command(ids.PROJECT)(guarded(handle_project))
    app.command(ids.CHECKIN)(guarded(handle_checkin))
    app.command(ids.STANDUP)(guarded(handle_standup))
    app.command(ids.SUMMARY)(guarded(handle_summary))
    app.command(ids.LESSON)(guarded(handle_lesson))
    app.command(ids.SCOPE)(guarded(handle_scope))
