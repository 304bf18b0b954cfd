"""`scope` on Teams: the command, its two form cards (baseline, change request) and their submits,
the Approve / Reject buttons of a change request's card, and "Log as change request" under a
stand-up answer or in a low check-in alert. The same requests and services the Slack front end and
the console use; the DMs an outcome calls for (the managers asked to decide, the requester told)
go through the delivery ledger (`bot.scope.flows.after`), after the answer.
"""

from __future__ import annotations

from typing import Any

from bot.errors import Refused, UserError
from bot.requests import Help, Request
from bot.scope import flows
from bot.scope import prefill as prefill_from
from bot.scope import service as scope
from bot.scope.grammar import BaselineForm, ChangeForm, DecideChange, parse
from bot.scope.service import BASELINE_REFUSAL
from handlers.teams import forms, ids
from handlers.teams.answers import Answer, Later, need, note, number, shown
from handlers.teams.render import Activity, Rendered
from handlers.teams.render.scope import baseline_form, change_form
from handlers.teams.session import Turn
from storage.repositories import projects as projects_repo
from storage.repositories import scope as scope_repo

NO_PROJECTS = "There are no projects yet: managers create one with `project new NAME`."
STALE_SOURCE = "This button no longer works: log the change with `scope change project=NAME TITLE`."


async def command(turn: Turn, text: str) -> None:
    request = parse(text)
    if isinstance(request, Help):
        await turn.tell(request.text)
    elif isinstance(request, BaselineForm):
        await turn.say_activities(await baseline_card(turn, str(request.prefill.get("project_name") or "")))
    elif isinstance(request, ChangeForm):
        await turn.say_activities(await change_card(turn, request.prefill))
    elif isinstance(request, Request):
        outcome = await turn.run_request(request, scope.perform)
        await turn.deliver(outcome)
        await flows.after(turn.deliverer(), turn.deps.db, turn.team, outcome.reply)


# ---- the forms --------------------------------------------------------------------------------------

async def baseline_card(turn: Turn, project_name: str) -> list[Activity]:
    """The baseline form of the project called `project_name`, for a manager (`Refused` for others)."""
    actor = await turn.actor()
    if not actor.is_manager:
        raise Refused(BASELINE_REFUSAL)

    def read(*, session: Any) -> Any:
        project = scope.project_of(session=session, team_id=turn.team, name=project_name)
        assert project.id is not None
        return project, scope_repo.baseline(session=session, team_id=turn.team, project_id=project.id)

    project, base = await turn.deps.db.read(read)
    return baseline_form(project, base)


async def change_card(turn: Turn, prefill: dict[str, Any] | None = None) -> list[Activity]:
    """The change request form (`Refused` for a guest account); a project named in `prefill` chosen."""
    await turn.actor()
    projects = await turn.deps.db.read(projects_repo.list_all, team_id=turn.team)
    if not projects:
        raise UserError(NO_PROJECTS)
    pre = dict(prefill or {})
    if pre.get("project_name") and not pre.get("project_id"):
        match = [p.id for p in projects if p.name_key == str(pre["project_name"]).lower()]
        pre["project_id"] = match[0] if match else None
    return change_form([(p.id, p.name) for p in projects if p.id is not None], pre)


async def baseline_submit(turn: Turn, data: dict[str, Any], later: Later) -> Answer:
    request = forms.baseline_request(data, need(number(data, ids.D_PROJECT)))
    return await shown(turn, await turn.run_request(request, scope.perform), later)


async def change_submit(turn: Turn, data: dict[str, Any], later: Later) -> Answer:
    outcome = await turn.run_request(forms.change_request(data), scope.perform)
    later(flows.after(turn.deliverer(), turn.deps.db, turn.team, outcome.reply))  # the managers asked to decide
    return await shown(turn, outcome, later)


# ---- the buttons ------------------------------------------------------------------------------------

async def _decide(turn: Turn, data: dict[str, Any], later: Later, *, approve: bool) -> Answer:
    """`scope approve|reject C-N` by whoever pressed: a manager's decision replaces the card and the
    requester is told; anyone else is refused (a note) and nothing changes."""
    outcome = await turn.run_request(DecideChange(need(number(data, ids.D_CHANGE)), approve=approve), scope.perform)
    later(flows.after(turn.deliverer(), turn.deps.db, turn.team, outcome.reply))
    return await shown(turn, outcome, later)


async def approve(turn: Turn, data: dict[str, Any], later: Later) -> Answer:
    return await _decide(turn, data, later, approve=True)


async def reject(turn: Turn, data: dict[str, Any], later: Later) -> Answer:
    return await _decide(turn, data, later, approve=False)


async def _send_change_form(turn: Turn, prefill: dict[str, Any]) -> Answer:
    """The change form, prefilled, in the presser's 1:1 chat (the card pressed stays as it was)."""
    await turn.tell(Rendered(tuple(await change_card(turn, prefill))))
    return note("I've sent you the change request form in our chat." if not turn.personal
                else "Here is the change request form.")


async def from_standup(turn: Turn, data: dict[str, Any], later: Later) -> Answer:
    """"Log as change request" under a stand-up answer: the same access as logging its blocker as a risk."""
    answer_id = number(data, ids.D_ANSWER)
    if answer_id is None:
        raise UserError(STALE_SOURCE)
    actor = await turn.actor()
    prefill, _ = await turn.deps.db.read(prefill_from.from_standup, actor=actor, answer_id=answer_id)
    return await _send_change_form(turn, prefill)


async def from_checkin(turn: Turn, data: dict[str, Any], later: Later) -> Answer:
    """"Log as change request" in a low check-in alert: for the managers it was sent to, as "Log as risk"."""
    answerer, poll_id = data.get(ids.D_ANSWERER), number(data, ids.D_POLL)
    if not isinstance(answerer, str) or not answerer or poll_id is None:
        raise UserError(STALE_SOURCE)
    await turn.actor()
    profile = await turn.deps.people.profile(turn.team, answerer)
    prefill = await turn.deps.db.read(prefill_from.from_checkin, team_id=turn.team, poll_id=poll_id,
                                      answerer=answerer, presser=turn.user, answerer_name=profile.name)
    return await _send_change_form(turn, prefill)
