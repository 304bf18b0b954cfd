"""Forms as Adaptive Cards: sending them, and reading what a submitted one holds.

A card's inputs come back in its action's `data` under the inputs' ids (`handlers.teams.ids`).
Each reader here turns them into the same typed request the Slack form builds, or `FormError`
saying what is wrong with which field (nothing is written then, and the card stays as it was).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot import text
from bot.errors import UsageError
from bot.feedback.grammar import MAX_TEXT as FEEDBACK_MAX
from bot.feedback.grammar import SENTIMENTS, SOURCES, GiveFeedback
from bot.lessons.grammar import MAX_TEXT as LESSON_MAX
from bot.lessons.grammar import AddLesson, tags
from bot.parsing import MAX_YEARS_AHEAD, amount, blank, latest_date
from bot.risks.grammar import DEFAULT_LEVEL, MAX_TEXT, MAX_TITLE, STATUSES, RiskInput
from bot.routing import GUID
from bot.scope.grammar import MAX_TEXT as SCOPE_MAX
from bot.scope.grammar import MAX_TITLE as CHANGE_MAX
from bot.scope.grammar import RequestChange, SetBaseline, person_days
from bot.standups.views import MAX_ANSWER
from handlers.teams import ids
from handlers.teams.render.feedback import feedback_form
from handlers.teams.render.risks import risk_form
from handlers.teams.session import Turn
from storage import clock
from storage.repositories import projects as projects_repo

LABELS = {ids.I_TITLE: "Title", ids.I_DESCRIPTION: "Description", ids.I_PROBABILITY: "Probability",
          ids.I_IMPACT: "Impact", ids.I_OWNER: "Owner", ids.I_MITIGATION: "Mitigation",
          ids.I_CONTINGENCY: "Contingency", ids.I_REVIEW: "Review date", ids.I_STATUS: "Status",
          ids.I_SOURCE: "From", ids.I_SENTIMENT: "Sentiment", ids.I_TEXT: "Feedback", ids.I_COMMENT: "Comment",
          ids.I_YESTERDAY: "Yesterday", ids.I_TODAY: "Today", ids.I_BLOCKERS: "Blockers", ids.I_TAGS: "Tags",
          ids.I_PROJECT: "Project", ids.I_PROJECT_NAME: "Project", ids.I_DAYS: "Person-days", ids.I_COST: "Cost",
          ids.I_IN_SCOPE: "In scope", ids.I_OUT_SCOPE: "Out of scope", ids.I_ASSUMPTIONS: "Assumptions"}


class FormError(UsageError):
    """What is wrong with a submitted card, field by field."""

    def __init__(self, errors: dict[str, str], labels: dict[str, str] | None = None) -> None:
        self.errors = errors
        named = {**LABELS, **(labels or {})}
        lines = "\n".join(f"- {named.get(k, k)}: {v}" for k, v in errors.items())
        super().__init__(f"Nothing was saved; please fix the form:\n{lines}")


async def projects(turn: Turn) -> list[tuple[int, str]]:
    rows = await turn.deps.db.read(projects_repo.list_all, team_id=turn.team)
    return [(p.id, p.name) for p in rows if p.id is not None]


async def send_risk_form(turn: Turn, prefill: dict[str, Any] | None = None) -> None:
    await turn.actor()  # a guest is refused before the form is shown
    await turn.say_activities(risk_form(await projects(turn), prefill))


async def send_feedback_form(turn: Turn) -> None:
    await turn.say_activities(feedback_form(await projects(turn)))


# ---- reading fields ----------------------------------------------------------------------------------

def as_text(data: dict[str, Any], key: str, errors: dict[str, str], limit: int, required: bool = False
            ) -> str | None:
    raw = data.get(key)
    if raw is not None and not isinstance(raw, str):
        raw = str(raw)
    if raw is None or blank(raw):
        if required:
            errors[key] = "Please fill this in."
        return None
    if len(raw) > limit:
        errors[key] = f"At most {limit} characters, please."
        return None
    return text.clean(raw).strip()


def as_int(data: dict[str, Any], key: str, low: int, high: int, errors: dict[str, str],
           default: int | None = None) -> int | None:
    raw = data.get(key)
    if raw is None or raw == "":
        return default
    value = str(raw)
    n = int(value) if value.isdecimal() and len(value) < 4 else low - 1
    if not low <= n <= high:
        errors[key] = f"Choose a number from {low} to {high}."
        return default
    return n


def as_date(data: dict[str, Any], key: str, errors: dict[str, str], today: date) -> date | None:
    raw = data.get(key)
    if raw is None or raw == "":
        return None
    try:
        d = date.fromisoformat(str(raw))
    except ValueError:
        errors[key] = "Pick a date."
        return None
    if d < today:
        errors[key] = "This date is in the past."
        return None
    if d > latest_date(today):
        errors[key] = f"Pick a date at most {MAX_YEARS_AHEAD} years ahead."
        return None
    return d


def as_person(data: dict[str, Any], key: str, errors: dict[str, str]) -> str | None:
    """A people picker's value: a person's Entra object id."""
    raw = data.get(key)
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or not GUID.match(raw):
        errors[key] = "Pick a person."
        return None
    return raw.lower()


def as_choice(data: dict[str, Any], key: str, choices: tuple[str, ...], errors: dict[str, str],
              default: str | None = None) -> str | None:
    raw = data.get(key)
    if raw is None or raw == "":
        return default
    if raw not in choices:
        errors[key] = "Choose one of the options."
        return default
    return str(raw)


def as_flag(data: dict[str, Any], key: str) -> bool:
    return str(data.get(key) or "").lower() == "true"


def project_ref(data: dict[str, Any]) -> tuple[int | None, str | None]:
    """The project: an id from the choice, or a name typed where there were too many to list."""
    raw = data.get(ids.I_PROJECT)
    if isinstance(raw, str) and raw.isdecimal() and len(raw) < 10:
        return int(raw), None
    name = data.get(ids.I_PROJECT_NAME)
    return (None, name.strip()) if isinstance(name, str) and name.strip() else (None, None)


# ---- the forms ---------------------------------------------------------------------------------------

def risk_input(data: dict[str, Any]) -> RiskInput:
    errors: dict[str, str] = {}
    today = clock.today()
    out = RiskInput(
        title=as_text(data, ids.I_TITLE, errors, MAX_TITLE, required=True),
        description=as_text(data, ids.I_DESCRIPTION, errors, MAX_TEXT),
        probability=as_int(data, ids.I_PROBABILITY, 1, 5, errors, default=DEFAULT_LEVEL),
        impact=as_int(data, ids.I_IMPACT, 1, 5, errors, default=DEFAULT_LEVEL),
        owner_id=as_person(data, ids.I_OWNER, errors),
        mitigation=as_text(data, ids.I_MITIGATION, errors, MAX_TEXT),
        contingency=as_text(data, ids.I_CONTINGENCY, errors, MAX_TEXT),
        review_date=as_date(data, ids.I_REVIEW, errors, today),
    )
    out.project_id, out.project_name = project_ref(data)
    if data.get(ids.I_SOURCE) in ("checkin", "standup"):
        out.source = str(data[ids.I_SOURCE])
    if errors:
        raise FormError(errors)
    return out


def feedback_request(data: dict[str, Any]) -> GiveFeedback:
    errors: dict[str, str] = {}
    said = as_text(data, ids.I_TEXT, errors, FEEDBACK_MAX, required=True)
    source = as_choice(data, ids.I_SOURCE, SOURCES, errors, default="team")
    sentiment = as_choice(data, ids.I_SENTIMENT, SENTIMENTS, errors)
    if errors:
        raise FormError(errors)
    project_id, project_name = project_ref(data)
    return GiveFeedback(text=said or "", source=source or "team", sentiment=sentiment, project_id=project_id,
                        project_name=project_name, private=as_flag(data, ids.I_PRIVATE),
                        anonymous=as_flag(data, ids.I_ANONYMOUS))


def review_input(data: dict[str, Any]) -> RiskInput:
    errors: dict[str, str] = {}
    out = RiskInput(probability=as_int(data, ids.I_PROBABILITY, 1, 5, errors),
                    impact=as_int(data, ids.I_IMPACT, 1, 5, errors),
                    status=as_choice(data, ids.I_STATUS, STATUSES, errors),
                    mitigation=as_text(data, ids.I_MITIGATION, errors, MAX_TEXT),
                    review_date=as_date(data, ids.I_REVIEW, errors, clock.today()))
    if errors:
        raise FormError(errors)
    return out


def standup_answer(data: dict[str, Any]) -> tuple[str | None, str, str | None]:
    errors: dict[str, str] = {}
    yesterday = as_text(data, ids.I_YESTERDAY, errors, MAX_ANSWER)
    today = as_text(data, ids.I_TODAY, errors, MAX_ANSWER, required=True)
    blockers = as_text(data, ids.I_BLOCKERS, errors, MAX_ANSWER)
    if errors:
        raise FormError(errors)
    return yesterday, today or "", blockers


def _figure(data: dict[str, Any], key: str, errors: dict[str, str], *, signed: bool = False,
            money: bool = False) -> float | None:
    """Person-days (`signed`: a change may take days away) or a money amount; None when left empty."""
    raw = data.get(key)
    if raw is None or str(raw).strip() == "":
        return None
    try:
        return amount(str(raw), key) if money else person_days(str(raw), key, signed=signed)
    except UsageError:
        errors[key] = ("An amount such as 50000 or 50k, please." if money
                       else "A number of person-days such as 40 or 2.5, please.")
        return None


def baseline_request(data: dict[str, Any], project_id: int) -> SetBaseline:
    """The baseline form: an empty text field clears what the baseline said."""
    errors: dict[str, str] = {}
    days = _figure(data, ids.I_DAYS, errors)
    texts = {k: as_text(data, k, errors, SCOPE_MAX) or "" for k in (ids.I_IN_SCOPE, ids.I_OUT_SCOPE,
                                                                    ids.I_ASSUMPTIONS)}
    if errors:
        raise FormError(errors)
    return SetBaseline(project_id=project_id, days=days, in_scope=texts[ids.I_IN_SCOPE],
                       out_scope=texts[ids.I_OUT_SCOPE], assumptions=texts[ids.I_ASSUMPTIONS])


def change_request(data: dict[str, Any]) -> RequestChange:
    """The change request form; where it came from (a stand-up, a check-in) rides in the submit's data."""
    errors: dict[str, str] = {}
    title = as_text(data, ids.I_TITLE, errors, CHANGE_MAX, required=True)
    project_id, project_name = project_ref(data)
    if project_id is None and not project_name:
        errors[ids.I_PROJECT] = "Pick a project."
    days = _figure(data, ids.I_DAYS, errors, signed=True)
    cost = _figure(data, ids.I_COST, errors, money=True)
    if errors:
        raise FormError(errors, {ids.I_TITLE: "Change"})
    source = data.get(ids.D_SOURCE)
    return RequestChange(title=" ".join((title or "").split()), project_id=project_id, project_name=project_name,
                         days=days, cost=cost, source=str(source) if source in ("standup", "checkin") else "manual")


def lesson_request(data: dict[str, Any]) -> AddLesson:
    errors: dict[str, str] = {}
    said = as_text(data, ids.I_TEXT, errors, LESSON_MAX, required=True)
    raw_tags = as_text(data, ids.I_TAGS, errors, 500)
    found: tuple[str, ...] = ()
    if raw_tags:
        try:
            found = tags(raw_tags)
        except UsageError:
            errors[ids.I_TAGS] = "Tags are words of letters, digits, - _ or ., separated by commas."
    project_id, project_name = project_ref(data)
    if errors:
        raise FormError(errors, {ids.I_TEXT: "Lesson"})
    return AddLesson(text=said or "", project_id=project_id, project_name=project_name, tags=found)
