"""Every identifier of the Teams front end: command words, card verbs, data keys and input ids.

A card's buttons are `Action.Execute` actions: Teams sends their `verb` and `data` back in an
`adaptiveCard/action` invoke, with the values of the card's inputs added to `data` under the
inputs' ids. The verbs here are the only ones the cards use; the listeners dispatch on them.
"""

from __future__ import annotations

# Commands: the first word of a message to the bot (a leading `/` is allowed)
RISK = "risk"
FEEDBACK = "feedback"
PROJECT = "project"
CHECKIN = "checkin"
STANDUP = "standup"
SUMMARY = "summary"
LESSON = "lesson"
SCOPE = "scope"
COMMANDS = (RISK, FEEDBACK, PROJECT, CHECKIN, STANDUP, SUMMARY, SCOPE, LESSON)

# ---- card verbs (Action.Execute `verb`) ----------------------------------------------------------

# Forms (what Slack shows as modals): the submit of each
RISK_SUBMIT = "risk.submit"
FEEDBACK_SUBMIT = "feedback.submit"

# Lists: previous / next page (data: the list's state and `page`)
RISK_PAGE = "risk.page"
FEEDBACK_PAGE = "feedback.page"

# Check-ins
CHECKIN_ANSWER = "checkin.answer"  # a score button (data: poll, score) or the poll's save (data: poll)
CHECKIN_COMMENT = "checkin.comment"  # open the comment form (data: poll)
CHECKIN_COMMENT_SAVE = "checkin.comment.save"  # the comment form's save (data: poll)
CHECKIN_LOG_RISK = "checkin.log_risk"  # in a manager's alert (data: poll, answerer)

# Stand-ups
STANDUP_ANSWER = "standup.answer"  # the prompt's submit (data: standup, day)
STANDUP_EDIT = "standup.edit"  # show the prompt's questions again, to change the answer (data: standup, day)
STANDUP_BLOCKER_RISK = "standup.blocker_risk"  # log an answer's blocker as a risk (data: answer)

# Risk reviews (data: number)
REVIEW_VALID = "review.valid"
REVIEW_UPDATE = "review.update"  # open the update form
REVIEW_CLOSE = "review.close"
REVIEW_SAVE = "review.save"  # the update form's save

# Summaries
SUMMARY_FULL_RISKS = "summary.all_risks"  # data: project

# Lessons learned and similar risks
LESSON_SUBMIT = "lesson.submit"  # the lesson form's submit
LESSON_PAGE = "lesson.page"  # data: project, tag, query, page
LESSON_OPEN = "lesson.open"  # a closed project's prompt: answer with the lesson form (data: project)
RISK_DUPLICATE = "risk.duplicate"  # close the new risk as a duplicate (data: number, of)

# Scope (data: change, the number of C-N; the baseline form: project)
SCOPE_APPROVE = "scope.approve"
SCOPE_REJECT = "scope.reject"
SCOPE_BASELINE_SUBMIT = "scope.baseline.submit"
SCOPE_CHANGE_SUBMIT = "scope.change.submit"
STANDUP_CHANGE = "standup.change"  # a stand-up answer as a change request: open the change form (data: answer)
CHECKIN_CHANGE = "checkin.change"  # a check-in comment as a change request (data: poll, answerer)
SCOPE_VERBS = (SCOPE_APPROVE, SCOPE_REJECT, SCOPE_BASELINE_SUBMIT, SCOPE_CHANGE_SUBMIT, STANDUP_CHANGE,
               CHECKIN_CHANGE)

VERBS = (RISK_SUBMIT, FEEDBACK_SUBMIT, RISK_PAGE, FEEDBACK_PAGE, CHECKIN_ANSWER, CHECKIN_COMMENT,
         CHECKIN_COMMENT_SAVE, CHECKIN_LOG_RISK, STANDUP_ANSWER, STANDUP_EDIT, STANDUP_BLOCKER_RISK,
         REVIEW_VALID, REVIEW_UPDATE, REVIEW_CLOSE, REVIEW_SAVE, SUMMARY_FULL_RISKS, LESSON_SUBMIT, LESSON_PAGE,
         LESSON_OPEN, RISK_DUPLICATE, *SCOPE_VERBS)

# ---- keys of an action's data ---------------------------------------------------------------------

D_POLL = "poll"
D_SCORE = "score"
D_ANSWERER = "answerer"
D_STANDUP = "standup"
D_DAY = "day"
D_ANSWER = "answer"
D_NUMBER = "number"
D_PROJECT = "project"  # a project's id, or None
D_ALL = "all"  # a risk list includes closed risks
D_PAGE = "page"
D_OF = "of"  # the open risk a new one duplicates
D_TAG = "tag"
D_QUERY = "query"
D_CHANGE = "change"  # a change request's number (C-N)
D_SOURCE = "source"  # where a change request came from: standup or checkin

# ---- input ids (their values come back in the action's data under these keys) --------------------

I_TITLE = "title"
I_DESCRIPTION = "description"
I_PROJECT = "project_id"
I_PROJECT_NAME = "project_name"  # a text field when there are too many projects for a choice set
I_PROBABILITY = "probability"
I_IMPACT = "impact"
I_OWNER = "owner"
I_MITIGATION = "mitigation"
I_CONTINGENCY = "contingency"
I_REVIEW = "review"
I_STATUS = "status"
I_SOURCE = "source"
I_SENTIMENT = "sentiment"
I_TEXT = "text"
I_PRIVATE = "private"
I_ANONYMOUS = "anonymous"
I_CHECKIN_STATUS = "checkin_status"
I_COMMENT = "comment"
I_YESTERDAY = "yesterday"
I_TODAY = "today"
I_BLOCKERS = "blockers"

I_TAGS = "tags"
I_DAYS = "days"
I_COST = "cost"
I_IN_SCOPE = "in_scope"
I_OUT_SCOPE = "out_scope"
I_ASSUMPTIONS = "assumptions"
SCOPE_INPUTS = (I_DAYS, I_COST, I_IN_SCOPE, I_OUT_SCOPE, I_ASSUMPTIONS)

INPUTS = (I_TITLE, I_DESCRIPTION, I_PROJECT, I_PROJECT_NAME, I_PROBABILITY, I_IMPACT, I_OWNER, I_MITIGATION,
          I_CONTINGENCY, I_REVIEW, I_STATUS, I_SOURCE, I_SENTIMENT, I_TEXT, I_PRIVATE, I_ANONYMOUS,
          I_CHECKIN_STATUS, I_COMMENT, I_YESTERDAY, I_TODAY, I_BLOCKERS, I_TAGS, *SCOPE_INPUTS)
