"""Buttons and other interactive elements."""

from __future__ import annotations

import re

from slack_bolt.async_app import AsyncApp

from handlers.slack import ids
from handlers.slack.actions import checkin, review, standup, summary
from handlers.slack.actions.paging import handle_feedback_page, handle_risk_page


def register(app: AsyncApp) -> None:
    app.action(re.compile(rf"^{ids.RISK_PAGE}_(prev|next)$"))(handle_risk_page)
    app.action(re.compile(rf"^{ids.FEEDBACK_PAGE}_(prev|next)$"))(handle_feedback_page)
    for feature in (checkin, standup, review, summary):
        feature.register(app)
