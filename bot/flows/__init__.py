"""Flows: work that reaches many people through Slack (check-in polls, stand-up
prompts, summaries, review reminders). They combine plain service functions
with the delivery ledger, and are run by scheduled jobs and by commands alike
(`/checkin send` goes through the same path as the schedule)."""
