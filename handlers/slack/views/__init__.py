"""Modal submissions."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers.slack import ids
from handlers.slack.views import checkin, review, standup
from handlers.slack.views.feedback import handle_feedback_modal
from handlers.slack.views.risk import handle_risk_modal


def register(app: AsyncApp) -> None:
    app.view(ids.RISK_MODAL)(handle_risk_modal)
    app.view(ids.FEEDBACK_MODAL)(handle_feedback_modal)
    for feature in (checkin, standup, review):
        feature.register(app)
