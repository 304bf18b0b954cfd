"""`lesson` on Teams, closing a project, and the buttons of lessons and similar risks: the lesson
form card and its submit, a lesson list's pages, the closed project's "Log a lesson" (the form with
the project chosen) and "close the new risk as a duplicate". The same requests and services the
Slack front end and the console use.
"""

from __future__ import annotations

from typing import Any

from bot.errors import UserError
from bot.lessons import flows as lesson_flows
from bot.lessons import service as lessons
from bot.lessons.grammar import ListLessons, parse
from bot.projects import service as projects
from bot.projects.closing import ProjectClosed
from bot.projects.grammar import CloseProject
from bot.requests import Help, Modal
from bot.risks import duplicates
from handlers.teams import forms, ids
from handlers.teams.answers import Answer, Later, note, number, shown
from handlers.teams.render import Rendered
from handlers.teams.render.lessons import lesson_form
from handlers.teams.session import Turn

MAX_QUERY = 500


async def command(turn: Turn, text: str) -> None:
    request = parse(text)
    if isinstance(request, Help):
        await turn.tell(request.text)
    elif isinstance(request, Modal):
        await send_lesson_form(turn, request.prefill)
    else:
        await turn.perform(request, lessons.perform)


async def send_lesson_form(turn: Turn, prefill: dict[str, Any] | None = None) -> None:
    await turn.actor()  # a guest is refused before the form is shown
    await turn.say_activities(lesson_form(await forms.projects(turn), prefill))


async def close_project(turn: Turn, request: CloseProject) -> None:
    """`project close`: the answer, then the lesson prompts (once each, through the delivery ledger)."""
    outcome = await turn.run_request(request, projects.perform)
    await turn.deliver(outcome)
    closed = outcome.reply
    if isinstance(closed, ProjectClosed) and closed.project.id is not None:
        await lesson_flows.ask_for_lessons(turn.deliverer(), turn.deps.db, turn.team, closed.project.id)


# ---- the buttons ------------------------------------------------------------------------------------

async def submit(turn: Turn, data: dict[str, Any], later: Later) -> Answer:
    return await shown(turn, await turn.run_request(forms.lesson_request(data), lessons.perform), later)


def _text(data: dict[str, Any], key: str, limit: int) -> str | None:
    v = data.get(key)
    return v[:limit] if isinstance(v, str) and v.strip() else None


async def page(turn: Turn, data: dict[str, Any], later: Later) -> Answer:
    query = _text(data, ids.D_QUERY, MAX_QUERY)
    request = ListLessons(project_id=number(data, ids.D_PROJECT), tag=_text(data, ids.D_TAG, 40),
                          words=tuple(dict.fromkeys(query.lower().split()[:10])) if query else (),
                          page=number(data, ids.D_PAGE) or 1)
    return await shown(turn, await turn.run_request(request, lessons.perform), later)


async def open_form(turn: Turn, data: dict[str, Any], later: Later) -> Answer:
    """The closed project's prompt: the lesson form, with the project chosen, as a message of its own
    (the prompt stays, so more than one lesson can be logged)."""
    project_id = number(data, ids.D_PROJECT)
    await turn.actor()
    await turn.tell(Rendered(tuple(lesson_form(await forms.projects(turn),
                                               {"project_id": project_id} if project_id else {}))))
    return note("I've sent you the lesson form in our chat." if not turn.personal else "Here is the lesson form.")


async def duplicate(turn: Turn, data: dict[str, Any], later: Later) -> Answer:
    """Close the new risk as a duplicate of the similar one (the answer replaces the card with the
    button); refused to whoever may not close it, and nothing changes then."""
    new, of = number(data, ids.D_NUMBER), number(data, ids.D_OF)
    if new is None or of is None:
        raise UserError("This button no longer works: risk list shows the risks.")
    outcome = await turn.run_request(duplicates.CloseAsDuplicate(new, of), duplicates.perform)
    return await shown(turn, outcome, later)
