"""Forms at the console: one question per field, choices by number, then the same request the Slack
form builds, carried out by the same service.

Enter keeps the value in [brackets] (or leaves an optional field empty); `cancel` closes the form
with nothing saved. An answer that does not fit is asked again.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from bot import parsing
from bot.errors import UserError
from bot.feedback import service as feedback
from bot.feedback.grammar import MAX_TEXT as FEEDBACK_MAX
from bot.feedback.grammar import SENTIMENTS, SOURCES, GiveFeedback
from bot.lessons import service as lessons
from bot.lessons.grammar import MAX_TEXT as LESSON_MAX
from bot.lessons.grammar import AddLesson
from bot.lessons.grammar import tags as lesson_tags
from bot.reviews.views import UpdateForm
from bot.risks import service as risks
from bot.risks.grammar import DEFAULT_LEVEL, MAX_TEXT, MAX_TITLE, STATUSES, AddRisk, RiskInput
from bot.standups.views import MAX_ANSWER
from bot.text import person, person_id
from handlers.console.ports import TEAM
from handlers.console.session import Console
from handlers.console.text import show, to_core
from storage import clock
from storage.models_rhythm import StandupAnswer
from storage.repositories import projects as projects_repo

T = TypeVar("T")
TRIES = 3


class Cancelled(UserError):
    def __init__(self) -> None:
        super().__init__("Form closed; nothing was saved.")


async def text(console: Console, label: str, *, default: str | None = None, required: bool = False,
               limit: int = MAX_TEXT) -> str | None:
    """A free-text field, as core text."""
    for _ in range(TRIES):
        shown = f" [{show(default)}]" if default else ""
        line = (await console.ask(f"  {label}{shown}: ")).strip()
        if line.lower() == "cancel":
            raise Cancelled
        value = parsing.plain(to_core(line)) if line else default
        if required and not value:
            console.say(f"  {label} is needed (or type `cancel`).")
        elif value and len(value) > limit:
            console.say(f"  At most {limit} characters, please.")
        else:
            return value or None
    raise Cancelled


async def pick(console: Console, label: str, options: list[tuple[T, str]], *, default: int | None = None) -> T:
    """One of `options` by its number (1…); Enter takes `default` (an index into `options`)."""
    for n, (_, name) in enumerate(options, 1):
        console.screen.write(f"    {n}. {show(name)}")
    for _ in range(TRIES):
        shown = f" [{default + 1}]" if default is not None else ""
        line = (await console.ask(f"  {label} (number){shown}: ")).strip()
        if line.lower() == "cancel":
            raise Cancelled
        if not line and default is not None:
            return options[default][0]
        if line.isdecimal() and 1 <= int(line) <= len(options):
            return options[int(line) - 1][0]
        console.say(f"  Type a number from 1 to {len(options)}.")
    raise Cancelled


async def level(console: Console, label: str, default: int | None) -> int:
    names = {1: "very low", 2: "low", 3: "medium", 4: "high", 5: "very high"}
    start = (default or DEFAULT_LEVEL) - 1
    return await pick(console, label, [(n, f"{n} · {names[n]}") for n in range(1, 6)], default=start)


async def day(console: Console, label: str, default: date | None = None) -> date | None:
    for _ in range(TRIES):
        shown = f" [{default.isoformat()}]" if default else ""
        line = (await console.ask(f"  {label} (YYYY-MM-DD){shown}: ")).strip()
        if line.lower() == "cancel":
            raise Cancelled
        if not line:
            return default
        try:
            value = parsing.iso_date(line, label)
        except UserError as e:
            console.say(e)
            continue
        if value < clock.today():
            console.say("  That day has passed; give a later one.")
            continue
        return value
    raise Cancelled


async def yes(console: Console, label: str) -> bool:
    return await pick(console, label, [(False, "no"), (True, "yes")], default=0)


async def project_choice(console: Console, default_id: int | None = None) -> int | None:
    projects = await console.deps.db.read(projects_repo.list_all, team_id=TEAM)
    options: list[tuple[int | None, str]] = [(None, "no project")]
    options += [(p.id, p.name) for p in projects if p.id is not None]
    start = next((i for i, (pid, _) in enumerate(options) if pid == default_id), 0)
    return await pick(console, "Project", options, default=start)


async def owner(console: Console, default: str | None) -> str | None:
    for _ in range(TRIES):
        value = await text(console, "Owner (@name, Enter for none)", default=person(default) if default else None)
        if value is None:
            return None
        uid = person_id(value.strip()) or (value.strip() if value.strip().isidentifier() else None)
        if uid:
            return uid
        console.say("  Name one person, e.g. @ann.")
    raise Cancelled


async def risk_form(console: Console, prefill: dict[str, Any] | None = None, *, source: str = "manual") -> None:
    """The risk form (`/risk` with no text, or a button that logs something as a risk)."""
    await console.actor()  # a guest is refused before the form opens
    pre = prefill or {}
    console.say("New risk (Enter keeps [the value], `cancel` closes the form):")
    data = RiskInput(
        title=await text(console, "Title", default=pre.get("title"), required=True, limit=MAX_TITLE),
        description=await text(console, "Description", default=pre.get("description")),
        probability=await level(console, "Probability", pre.get("probability")),
        impact=await level(console, "Impact", pre.get("impact")),
        owner_id=await owner(console, pre.get("owner_id")),
        project_id=await project_choice(console, pre.get("project_id")),
        mitigation=await text(console, "Mitigation", default=pre.get("mitigation")),
        contingency=await text(console, "Contingency", default=pre.get("contingency")),
        review_date=await day(console, "Review date"),
        source=source,
    )
    await console.perform(AddRisk(data), risks.perform)


async def lesson_form(console: Console, prefill: dict[str, Any] | None = None) -> None:
    """The lesson form (`/lesson` with no text, or the button of a closed project's prompt)."""
    await console.actor()  # a guest is refused before the form opens
    pre = prefill or {}
    console.say("New lesson (Enter keeps [the value], `cancel` closes the form):")
    said = await text(console, "Lesson", default=pre.get("text"), required=True, limit=LESSON_MAX)
    project_id = await project_choice(console, pre.get("project_id"))
    found: tuple[str, ...] = ()
    for _ in range(TRIES):
        raw = await text(console, "Tags (comma-separated, Enter for none)", limit=500)
        try:
            found = lesson_tags(raw) if raw else ()
            break
        except UserError as e:
            console.say(e)
    else:
        raise Cancelled
    await console.perform(AddLesson(text=said or "", project_id=project_id, tags=found), lessons.perform)


async def feedback_form(console: Console) -> None:
    console.say("New feedback (Enter keeps [the value], `cancel` closes the form):")
    said = await text(console, "Feedback", required=True, limit=FEEDBACK_MAX)
    source = await pick(console, "From", [(s, s) for s in SOURCES], default=SOURCES.index("team"))
    sentiment = await pick(console, "Sentiment", [(None, "guess from the text"), *((s, s) for s in SENTIMENTS)],
                           default=0)
    project_id = await project_choice(console)
    private = await yes(console, "Private (managers only)")
    anonymous = await yes(console, "Anonymous")
    request = GiveFeedback(text=said or "", source=source, sentiment=sentiment, project_id=project_id,
                           private=private, anonymous=anonymous)
    await console.perform(request, feedback.perform)


async def standup_answer(console: Console, earlier: StandupAnswer | None) -> tuple[str | None, str, str | None]:
    """Yesterday, today and blockers (today is needed), starting from an earlier answer of the day."""
    console.say("Your stand-up (Enter keeps [the value], `cancel` closes the form):")
    yesterday = await text(console, "Yesterday", default=earlier.yesterday if earlier else None, limit=MAX_ANSWER)
    today = await text(console, "Today", default=earlier.today if earlier else None, required=True,
                       limit=MAX_ANSWER)
    blockers = await text(console, "Blockers", default=earlier.blockers if earlier else None, limit=MAX_ANSWER)
    return yesterday, today or "", blockers


async def review_update(console: Console, form: UpdateForm) -> RiskInput:
    """The update at a review: probability, impact, status, mitigation and the next review."""
    r = form.risk
    console.say(form)
    data = RiskInput(probability=await level(console, "Probability", r.probability),
                     impact=await level(console, "Impact", r.impact))
    data.status = await pick(console, "Status", [(s, s) for s in STATUSES],
                             default=STATUSES.index(r.status) if r.status in STATUSES else 0)
    data.mitigation = await text(console, "Mitigation", default=r.mitigation)
    data.review_date = await day(console, "Next review", form.next_review)
    return data
