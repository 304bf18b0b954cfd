"""Modal submissions."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from handlers.slack import ids
from handlers.slack.errors import guarded
from handlers.slack.views import checkin, review, scope, standup
from handlers.slack.views.feedback import handle_feedback_modal
from handlers.slack.views.lesson import handle_lesson_modal
from handlers.slack.views.risk import handle_risk_modal


def register(app: AsyncApp) -> None:
    """Every form's submission listener, each wrapped in `guarded` (errors answered, work bounded)."""
    app.view(ids.RISK_MODAL)(guarded(handle_risk_modal))
    app.view(ids.FEEDBACK_MODAL)(guarded(handle_feedback_modal))
    app.view(ids.CHECKIN_COMMENT_MODAL)(guarded(checkin.handle_comment_modal))
    app.view(ids.STANDUP_MODAL)(guarded(standup.handle_standup_modal))
    app.view(ids.RISK_UPDATE_MODAL)(guarded(review.handle_update_modal))
    app.view(ids.LESSON_MODAL)(guarded(handle_lesson_modal))
    app.view(ids.SCOPE_BASELINE_MODAL)(guarded(scope.handle_baseline_modal))
    app.view(ids.SCOPE_CHANGE_MODAL)(guarded(scope.handle_change_modal))
