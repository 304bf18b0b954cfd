"""The slash commands at the console: each feature's grammar, then its service (or flow).

The text given here is already the core's text (`handlers.console.text.to_core`). Help and bad input
come from the grammar; a grammar's `Modal` opens the command's form (`handlers.console.forms`).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from bot.checkins import flows as checkin_flows
from bot.checkins import grammar as checkin_grammar
from bot.checkins import service as checkins
from bot.checkins.views import Sent
from bot.errors import Unavailable
from bot.feedback import grammar as feedback_grammar
from bot.feedback import service as feedback
from bot.lessons import flows as lesson_flows
from bot.lessons import grammar as lesson_grammar
from bot.lessons import service as lessons
from bot.projects import grammar as project_grammar
from bot.projects import service as projects
from bot.projects.closing import ProjectClosed
from bot.requests import Help, Modal
from bot.risks import grammar as risk_grammar
from bot.risks import service as risks
from bot.schedules import occurrence_key
from bot.standups import flows as standup_flows
from bot.standups import grammar as standup_grammar
from bot.standups import service as standups
from bot.standups.views import PromptsSent
from bot.summaries import grammar as summary_grammar
from bot.summaries import service as summaries
from handlers.console import forms, scope
from handlers.console.ports import TEAM
from handlers.console.session import Console

NOT_RUNNING = "My scheduler isn't running right now, so nothing was sent."


async def risk(console: Console, text: str) -> None:
    request = risk_grammar.parse(text)
    if isinstance(request, Help):
        console.say(request.text)
    elif isinstance(request, Modal):
        await forms.risk_form(console, request.prefill)
    else:
        await console.perform(request, risks.perform)


async def feedback_command(console: Console, text: str) -> None:
    request = feedback_grammar.parse(text)
    if isinstance(request, Help):
        console.say(request.text)
    elif isinstance(request, Modal):
        await forms.feedback_form(console)
    else:
        await console.perform(request, feedback.perform)


async def project(console: Console, text: str) -> None:
    request = project_grammar.parse(text)
    if isinstance(request, Help):
        console.say(request.text)
    elif isinstance(request, project_grammar.CloseProject):
        await close_project(console, request)
    else:
        await console.perform(request, projects.perform)


async def lesson(console: Console, text: str) -> None:
    request = lesson_grammar.parse(text)
    if isinstance(request, Help):
        console.say(request.text)
    elif isinstance(request, Modal):
        await forms.lesson_form(console, request.prefill)
    else:
        await console.perform(request, lessons.perform)


async def close_project(console: Console, request: project_grammar.CloseProject) -> None:
    """`/project close`: the answer, then the lesson prompts (once each, through the delivery ledger)."""
    outcome = await console.run_request(request, projects.perform)
    await console.deliver(outcome)
    if isinstance(outcome.reply, ProjectClosed) and outcome.reply.project.id is not None:
        await lesson_flows.ask_for_lessons(console.deliverer(), console.deps.db, TEAM, outcome.reply.project.id)


async def checkin(console: Console, text: str) -> None:
    request = checkin_grammar.parse(text)
    if isinstance(request, Help):
        console.say(request.text)
    elif isinstance(request, checkin_grammar.Send):
        await checkin_now(console, request)
    else:
        await console.perform(request, functools.partial(checkins.perform, fallback_tz=console.fallback_tz))


async def checkin_now(console: Console, request: checkin_grammar.Send) -> None:
    """`/checkin send`: the same flow the schedule runs, for the occurrence of this minute."""
    actor = await console.actor()
    target = await console.deps.db.read(checkins.prepare_send, actor=actor, project_name=request.project_name)
    rhythm = console.deps.rhythm
    if rhythm is None:
        raise Unavailable(NOT_RUNNING)
    report = await checkin_flows.send_poll(rhythm, TEAM, target.project_id, occurrence=occurrence_key(rhythm.now()),
                                           sent_by=console.user)
    console.say(Sent(target.project_name, sent=report.sent, skipped=report.skipped, retry=report.retry,
                     failed=report.failed, errors=dict(report.errors)))


async def standup(console: Console, text: str) -> None:
    request = standup_grammar.parse(text, current_channel=console.channel)
    if isinstance(request, Help):
        console.say(request.text)
    elif isinstance(request, standup_grammar.SendNow):
        await standup_now(console, request)
    else:
        if isinstance(request, standup_grammar.Setup) and request.members:
            for member in dict.fromkeys(request.members):  # their zones, for the schedule
                await console.deps.people.profile(TEAM, member)
        await console.perform(request, functools.partial(standups.perform, fallback_tz=console.fallback_tz))


async def standup_now(console: Console, request: standup_grammar.SendNow) -> None:
    rhythm = console.deps.rhythm
    if rhythm is None:
        raise Unavailable(NOT_RUNNING)
    actor = await console.actor()
    s = await console.deps.db.read(standups.for_now, actor=actor, channel_id=request.channel_id,
                                   current_channel=request.current_channel)
    result = await standup_flows.prompt_now(rhythm, TEAM, s)
    r = result.report
    console.say(PromptsSent(s, sent=r.sent + r.retry, already=r.skipped, off=result.off, failed=r.errors))


async def summary(console: Console, text: str) -> None:
    request = summary_grammar.parse(text)
    if isinstance(request, Help):
        console.say(request.text)
    else:
        await console.perform(request, summaries.perform)


COMMANDS: dict[str, Callable[[Console, str], Awaitable[None]]] = {
    "risk": risk, "feedback": feedback_command, "project": project, "checkin": checkin, "standup": standup,
    "summary": summary, "scope": scope.command, "lesson": lesson,
}
