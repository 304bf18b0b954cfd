"""Buttons and other interactive elements."""

from __future__ import annotations

import re

from slack_bolt.async_app import AsyncApp

from handlers.slack import ids
from handlers.slack.actions import checkin, lesson, review, scope, standup, summary
from handlers.slack.actions.paging import handle_feedback_page, handle_risk_page
from handlers.slack.errors import guarded


def register(app: AsyncApp) -> None:
    """Every interactive element's listener, each wrapped in `guarded` (errors answered, work bounded)."""
    app.action(re.compile(rf"^{ids.RISK_PAGE}_(prev|next)$"))(guarded(handle_risk_page))
    app.action(re.compile(rf"^{ids.FEEDBACK_PAGE}_(prev|next)$"))(guarded(handle_feedback_page))

    app.action(checkin.SCORE_ACTION)(guarded(checkin.handle_score))
    app.action(ids.CHECKIN_STATUS)(guarded(checkin.handle_status))
    app.action(ids.CHECKIN_COMMENT)(guarded(checkin.handle_comment))
    app.action(ids.CHECKIN_LOG_RISK)(guarded(checkin.handle_log_risk))

    app.action(ids.STANDUP_OPEN)(guarded(standup.handle_open))
    app.action(ids.STANDUP_BLOCKER_RISK)(guarded(standup.handle_blocker_risk))

    app.action(ids.REVIEW_VALID)(guarded(review.handle_still_valid))
    app.action(ids.REVIEW_UPDATE)(guarded(review.handle_update))
    app.action(ids.REVIEW_CLOSE)(guarded(review.handle_close))

    app.action(ids.SUMMARY_FULL_RISKS)(guarded(summary.handle_full_risks))

    app.action(re.compile(rf"^{ids.LESSON_PAGE}_(prev|next)$"))(guarded(lesson.handle_lesson_page))
    app.action(ids.LESSON_OPEN)(guarded(lesson.handle_lesson_open))
    app.action(lesson.DUPLICATE_ACTION)(guarded(lesson.handle_risk_duplicate))
    app.action(ids.SCOPE_APPROVE)(guarded(scope.handle_approve))
    app.action(ids.SCOPE_REJECT)(guarded(scope.handle_reject))
    app.action(ids.STANDUP_CHANGE)(guarded(scope.handle_standup_change))
    app.action(ids.CHECKIN_CHANGE)(guarded(scope.handle_checkin_change))
