"""`/scope`: a project's baseline and its change requests; and what every Slack entry to scope
shares: opening its forms, and the DMs a request's outcome calls for (through the delivery ledger)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.delivery import Deliverer
from bot.deps import Deps
from bot.errors import Refused, UserError
from bot.outcomes import Outcome
from bot.scope import flows
from bot.scope import service as scope
from bot.scope.grammar import BaselineForm, ChangeForm, parse
from bot.scope.service import BASELINE_REFUSAL
from handlers.slack.common import (
    acknowledge,
    actor_of,
    deliver,
    get_deps,
    respond_or_dm,
    run_request,
    text_of,
)
from handlers.slack.render import scope as ui
from handlers.slack.render.catalog import render
from storage.repositories import projects as projects_repo
from storage.repositories import scope as scope_repo


async def handle_scope(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                       context: dict[str, Any]) -> None:
    request = await acknowledge(ack, lambda: parse(text_of(command)))
    if request is None:
        return
    deps = get_deps(context)
    team_id, user_id = command["team_id"], command["user_id"]

    async def say(**message: Any) -> None:
        await respond_or_dm(respond, client, user_id, message)

    meta = {"channel": command.get("channel_id")}
    try:
        if isinstance(request, BaselineForm):
            await open_baseline_modal(client, deps, team_id, command["trigger_id"], meta,
                                      str(request.prefill.get("project_name") or ""), user_id=user_id)
            return
        if isinstance(request, ChangeForm):
            await open_change_modal(client, deps, team_id, command["trigger_id"], meta, request.prefill,
                                    user_id=user_id)
            return
        outcome = await run_request(request, scope.perform, deps, client, team_id, user_id)
    except UserError as e:
        for part in render(e):
            await say(**part)
        return
    await finish(outcome, deps, client, say, team_id)


def deliverer(deps: Deps) -> Deliverer:
    """The running rhythm's deliverer (one per instance), else one for this request."""
    return deps.rhythm.deliverer if deps.rhythm is not None else Deliverer(deps.db, deps.platform.sender)


async def finish(outcome: Outcome, deps: Deps, client: AsyncWebClient, say: Any, team_id: str) -> None:
    """Show the outcome, then send the DMs it calls for: a new change request to the project's
    managers, a decision to the requester."""
    await deliver(outcome, client, say, deps)
    await flows.after(deliverer(deps), deps.db, team_id, outcome.reply)


async def open_baseline_modal(client: AsyncWebClient, deps: Deps, team_id: str, trigger_id: str,
                              metadata: dict[str, Any], project_name: str, *, user_id: str) -> None:
    """The baseline form of the project called `project_name`, for a manager (`Refused` for others)."""
    actor = await actor_of(deps, client, team_id, user_id)
    if not actor.is_manager:
        raise Refused(BASELINE_REFUSAL)

    def read(*, session: Any) -> Any:
        project = scope.project_of(session=session, team_id=team_id, name=project_name)
        assert project.id is not None
        return project, scope_repo.baseline(session=session, team_id=team_id, project_id=project.id)

    project, base = await deps.db.read(read)
    await client.views_open(trigger_id=trigger_id, view=ui.baseline_modal(project, base, metadata))


async def open_change_modal(client: AsyncWebClient, deps: Deps, team_id: str, trigger_id: str,
                            metadata: dict[str, Any], prefill: dict[str, Any] | None = None, *, user_id: str) -> None:
    """The change request form, for `user_id`; `Refused` for a guest account."""
    await actor_of(deps, client, team_id, user_id)
    projects = await deps.db.read(projects_repo.list_all, team_id=team_id)
    if not projects:
        raise UserError("There are no projects yet: managers create one with `/project new NAME`.")
    pre = dict(prefill or {})
    if pre.get("project_name") and not pre.get("project_id"):
        match = [p.id for p in projects if p.name_key == str(pre["project_name"]).lower()]
        pre["project_id"] = match[0] if match else None
    await client.views_open(trigger_id=trigger_id, view=ui.change_modal(
        [(p.id, p.name) for p in projects if p.id is not None], metadata, pre))
