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
COMMANDS = (RISK, FEEDBACK, PROJECT, CHECKIN, STANDUP, SUMMARY)

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
