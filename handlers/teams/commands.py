"""Commands typed to the bot: each feature's grammar, then its service (or flow).

`COMMANDS` maps a command's first word to its handler: a new command is one line there (and its
word in `handlers.teams.ids`). The text given to a handler is already the core's text
(`handlers.teams.text.to_core`); help and bad input come from the grammar and go to the person
alone, like the grammar's refusals; a grammar's `Modal` answers with the command's form card.
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
from bot.projects import grammar as project_grammar
from bot.projects import service as projects
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
from handlers.teams import forms, ids, lessons, scope
from handlers.teams.session import Turn

NOT_RUNNING = "My scheduler isn't running right now, so nothing was sent. Please try again in a minute."
Handler = Callable[[Turn, str], Awaitable[None]]


async def risk(turn: Turn, text: str) -> None:
    request = risk_grammar.parse(text)
    if isinstance(request, Help):
        await turn.tell(request.text)
    elif isinstance(request, Modal):
        await forms.send_risk_form(turn, request.prefill)
    else:
        await turn.perform(request, risks.perform)


async def feedback_command(turn: Turn, text: str) -> None:
    request = feedback_grammar.parse(text)
    if isinstance(request, Help):
        await turn.tell(request.text)
    elif isinstance(request, Modal):
        await forms.send_feedback_form(turn)
    else:  # what someone says about a colleague is for them and the managers, not the channel
        await turn.perform(request, feedback.perform, private=True)


async def project(turn: Turn, text: str) -> None:
    request = project_grammar.parse(text)
    if isinstance(request, Help):
        await turn.tell(request.text)
    elif isinstance(request, project_grammar.CloseProject):
        await lessons.close_project(turn, request)
    else:
        await turn.perform(request, projects.perform)


async def checkin(turn: Turn, text: str) -> None:
    request = checkin_grammar.parse(text)
    if isinstance(request, Help):
        await turn.tell(request.text)
    elif isinstance(request, checkin_grammar.Send):
        await checkin_now(turn, request)
    else:
        await turn.perform(request, functools.partial(checkins.perform, fallback_tz=turn.fallback_tz))


async def checkin_now(turn: Turn, request: checkin_grammar.Send) -> None:
    """`checkin send`: the same flow the schedule runs, for the occurrence of this minute; whoever
    could not be reached is named in the answer."""
    actor = await turn.actor()
    target = await turn.deps.db.read(checkins.prepare_send, actor=actor, project_name=request.project_name)
    rhythm = turn.deps.rhythm
    if rhythm is None:
        raise Unavailable(NOT_RUNNING)
    report = await checkin_flows.send_poll(rhythm, turn.team, target.project_id,
                                           occurrence=occurrence_key(rhythm.now()), sent_by=turn.user)
    await turn.tell(Sent(target.project_name, sent=report.sent, skipped=report.skipped, retry=report.retry,
                         failed=report.failed, errors=dict(report.errors)))


async def standup(turn: Turn, text: str) -> None:
    request = standup_grammar.parse(text, current_channel=None if turn.personal else turn.inbound.conversation)
    if isinstance(request, Help):
        await turn.tell(request.text)
    elif isinstance(request, standup_grammar.SendNow):
        await standup_now(turn, request)
    else:
        if isinstance(request, standup_grammar.Setup) and request.members:
            for member in dict.fromkeys(request.members):  # their zones, for the schedule
                await turn.deps.people.profile(turn.team, member)
        await turn.perform(request, functools.partial(standups.perform, fallback_tz=turn.fallback_tz))


async def standup_now(turn: Turn, request: standup_grammar.SendNow) -> None:
    rhythm = turn.deps.rhythm
    if rhythm is None:
        raise Unavailable(NOT_RUNNING)
    actor = await turn.actor()
    s = await turn.deps.db.read(standups.for_now, actor=actor, channel_id=request.channel_id,
                                current_channel=request.current_channel)
    result = await standup_flows.prompt_now(rhythm, turn.team, s)
    r = result.report
    await turn.tell(PromptsSent(s, sent=r.sent + r.retry, already=r.skipped, off=result.off, failed=r.errors))


async def summary(turn: Turn, text: str) -> None:
    request = summary_grammar.parse(text)
    if isinstance(request, Help):
        await turn.tell(request.text)
    else:
        await turn.perform(request, summaries.perform)


COMMANDS: dict[str, Handler] = {
    ids.RISK: risk,
    ids.FEEDBACK: feedback_command,
    ids.PROJECT: project,
    ids.CHECKIN: checkin,
    ids.STANDUP: standup,
    ids.SUMMARY: summary,
    ids.SCOPE: scope.command,
    ids.LESSON: lessons.command,
}

HELP = ("I keep the team's risks, feedback, check-ins, stand-ups, project scope and lessons learned. Type a "
        "command, for example `risk add Vendor may slip p=4 i=5`, `risk list`, `feedback`, `project list`, "
        "`checkin results`, `standup report`, `summary`, `scope show Apollo`, `scope change project=Apollo "
        "Add SSO days=5` or `lesson list q=vendor`; add `help` after one (`scope help`) to see what it can do. "
        "In a channel or group chat, @mention me first.")
