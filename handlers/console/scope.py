"""`/scope` at the console: the command, its two forms (baseline, change request) and the Approve /
Reject buttons of a change request's DM; the same requests and services the Slack front end uses,
and the same DMs through the delivery ledger."""

from __future__ import annotations

from typing import Any

from bot import parsing
from bot.errors import Refused, UsageError, UserError
from bot.outcomes import Outcome
from bot.ports import Posted
from bot.requests import Help, Request
from bot.scope import flows
from bot.scope import prefill as prefill_from
from bot.scope import service as scope
from bot.scope.grammar import (
    MAX_TITLE,
    BaselineForm,
    ChangeForm,
    DecideChange,
    RequestChange,
    SetBaseline,
    parse,
    person_days,
)
from bot.scope.service import BASELINE_REFUSAL
from handlers.console import forms
from handlers.console.ports import TEAM
from handlers.console.session import Console
from storage.repositories import scope as scope_repo

STALE = "That button no longer works."


async def run(console: Console, request: Request, where: Posted | None = None) -> None:
    """Carry a scope request out, show its reply (in place of `where` when given), then send the DMs."""
    outcome = await console.run_request(request, scope.perform)
    reply = outcome.reply
    if where is not None:
        await console.deps.platform.messenger.update(where, reply)
        outcome = Outcome(reply=None, more=outcome.more, posts=outcome.posts)
    await console.deliver(outcome)
    await flows.after(console.deliverer(), console.deps.db, TEAM, reply)


async def command(console: Console, text: str) -> None:
    request = parse(text)
    if isinstance(request, Help):
        console.say(request.text)
    elif isinstance(request, BaselineForm):
        await baseline_form(console, str(request.prefill.get("project_name") or ""))
    elif isinstance(request, ChangeForm):
        await change_form(console, request.prefill)
    elif isinstance(request, Request):
        await run(console, request)


async def _days(console: Console, label: str, default: float | None, *, signed: bool = False) -> float | None:
    for _ in range(forms.TRIES):
        value = await forms.text(console, label, default=None if default is None else f"{default:g}", limit=12)
        if value is None:
            return None
        try:
            return person_days(value, "days", signed=signed)
        except UsageError:
            console.say("  A number of person-days such as 40 or 2.5, please.")
    raise forms.Cancelled


async def baseline_form(console: Console, project_name: str) -> None:
    actor = await console.actor()
    if not actor.is_manager:
        raise Refused(BASELINE_REFUSAL)

    def read(*, session: Any) -> Any:
        project = scope.project_of(session=session, team_id=TEAM, name=project_name)
        assert project.id is not None
        return project, scope_repo.baseline(session=session, team_id=TEAM, project_id=project.id)

    project, base = await console.deps.db.read(read)
    console.say(f"Scope baseline of {project.name} (Enter keeps [the value], `cancel` closes the form):")
    days = await _days(console, "Estimate (person-days)", base.days if base else None)
    texts = [await forms.text(console, label, default=getattr(base, field) if base else None) or ""
             for label, field in (("In scope", "in_scope"), ("Out of scope", "out_scope"),
                                  ("Assumptions", "assumptions"))]
    await run(console, SetBaseline(project_id=project.id, days=days, in_scope=texts[0], out_scope=texts[1],
                                   assumptions=texts[2]))


async def change_form(console: Console, prefill: dict[str, Any] | None = None, *, source: str = "manual") -> None:
    await console.actor()  # a guest is refused before the form opens
    pre = prefill or {}
    console.say("New change request (Enter keeps [the value], `cancel` closes the form):")
    title = await forms.text(console, "Change", default=pre.get("title"), required=True, limit=MAX_TITLE)
    project_id = None
    while project_id is None:
        project_id = await forms.project_choice(console, pre.get("project_id"))
        if project_id is None:
            console.say("  A change request belongs to a project: pick one.")
    days = await _days(console, "Person-days (negative takes away)", pre.get("days"), signed=True)
    cost_text = await forms.text(console, "Cost", limit=20)
    cost = parsing.amount(cost_text, "cost") if cost_text else None
    await run(console, RequestChange(title=" ".join((title or "").split()), project_id=project_id, days=days,
                                     cost=cost, source=source))


async def press(console: Console, action: str, args: dict[str, Any], where: Posted | None) -> None:
    """Approve or Reject in a change request's DM, as the person at the console."""
    number = args.get("c")
    if not isinstance(number, int) or isinstance(number, bool) or not 0 < number < 2**31:
        raise UserError(STALE)
    await run(console, DecideChange(number, approve=action == "scope.approve"), where)


async def from_standup(console: Console, answer_id: int) -> None:
    """"Log as change request" under a stand-up answer: the change form, prefilled."""
    actor = await console.actor()
    prefill, _ = await console.deps.db.read(prefill_from.from_standup, actor=actor, answer_id=answer_id)
    await change_form(console, prefill, source="standup")


async def from_checkin(console: Console, poll_id: int, answerer: Any) -> None:
    """"Log as change request" in a manager's check-in alert: the change form, prefilled from the comment."""
    if not isinstance(answerer, str):
        raise UserError(STALE)
    await console.actor()
    profile = await console.deps.people.profile(TEAM, answerer)
    prefill = await console.deps.db.read(prefill_from.from_checkin, team_id=TEAM, poll_id=poll_id, answerer=answerer,
                                         presser=console.user, answerer_name=profile.name)
    await change_form(console, prefill, source="checkin")
