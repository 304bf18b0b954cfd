"""Every Slack identifier the bot uses: commands, action_ids, callback_ids and
block_ids. manifest.yml mirrors the commands (tests check that it does)."""

from __future__ import annotations

# Slash commands
RISK = "/risk"
FEEDBACK = "/feedback"
PROJECT = "/project"
CHECKIN = "/checkin"
STANDUP = "/standup"
SUMMARY = "/summary"
SCOPE = "/scope"
LESSON = "/lesson"
COMMANDS = (RISK, FEEDBACK, PROJECT, CHECKIN, STANDUP, SUMMARY, SCOPE, LESSON)

# Modals (callback_id)
RISK_MODAL = "risk_modal"
FEEDBACK_MODAL = "feedback_modal"

# Buttons and other interactive elements (action_id)
RISK_PAGE = "risk_page"
FEEDBACK_PAGE = "feedback_page"
PROJECT_PAGE = "project_page"

# Input blocks in modals (block_id, action_id)
B_TITLE = "title"
B_DESCRIPTION = "description"
B_PROJECT = "project"
B_PROBABILITY = "probability"
B_IMPACT = "impact"
B_OWNER = "owner"
B_MITIGATION = "mitigation"
B_CONTINGENCY = "contingency"
B_REVIEW = "review"
B_SOURCE = "source"
B_SENTIMENT = "sentiment"
B_TEXT = "text"
B_OPTIONS = "options"

# Check-ins
CHECKIN_SCORE = "checkin_score"  # buttons checkin_score_1 … checkin_score_5
CHECKIN_STATUS = "checkin_status"  # on track / at risk / off track
CHECKIN_COMMENT = "checkin_comment"
CHECKIN_COMMENT_MODAL = "checkin_comment_modal"
CHECKIN_LOG_RISK = "checkin_log_risk"  # in a manager's alert: log the low score as a risk

# Stand-ups
STANDUP_OPEN = "standup_open"
STANDUP_MODAL = "standup_modal"
STANDUP_BLOCKER_RISK = "standup_blocker_risk"

# Risk reviews
REVIEW_VALID = "review_valid"
REVIEW_UPDATE = "review_update"
REVIEW_CLOSE = "review_close"
RISK_UPDATE_MODAL = "risk_update_modal"

# Summaries
SUMMARY_FULL_RISKS = "summary_full_risks"

B_YESTERDAY = "yesterday"
B_TODAY = "today"
B_BLOCKERS = "blockers"
B_COMMENT = "comment"
B_STATUS = "status"

# Summaries and risk reviews (block ids)
B_SUMMARY_FULL = "summary_full"
B_RISK_REVIEW = "risk_review"

# Lessons learned and similar risks
LESSON_MODAL = "lesson_modal"
LESSON_PAGE = "lesson_page"
LESSON_OPEN = "lesson_open"  # in the DM sent when a project closes: open the lesson form (value: project id)
RISK_DUPLICATE = "risk_duplicate"  # on /risk add's answer: close the new risk as a duplicate (value: {"n", "of"})
B_TAGS = "tags"
# Scope: the baseline and change request forms, the managers' Approve / Reject buttons, and the
# buttons that turn a stand-up answer or a check-in comment into a change request
SCOPE_BASELINE_MODAL = "scope_baseline_modal"
SCOPE_CHANGE_MODAL = "scope_change_modal"
SCOPE_APPROVE = "scope_approve"
SCOPE_REJECT = "scope_reject"
B_SCOPE_DECIDE = "scope_decide"
STANDUP_CHANGE = "standup_change_request"
CHECKIN_CHANGE = "checkin_change_request"
B_DAYS = "days"
B_COST = "cost"
B_IN_SCOPE = "in_scope"
B_OUT_SCOPE = "out_scope"
B_ASSUMPTIONS = "assumptions"
