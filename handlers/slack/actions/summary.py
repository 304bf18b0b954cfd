"""The summary's "All open risks" button: answers with the first page of `/risk list`."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UserError
from bot.parsing import button_json
from bot.requests import Call
from bot.risks import service as risks
from handlers.slack import ids
from handlers.slack.common import get_deps, run_call, team_of, user_of
from handlers.slack.render.common import plain_message


def register(app: AsyncApp) -> None:
    app.action(ids.SUMMARY_FULL_RISKS)(handle_full_risks)


def _project_id(body: dict[str, Any]) -> int | None:
    state = button_json((body.get("actions") or [{}])[0].get("value") or "{}")
    pid = state.get("p") if isinstance(state, dict) else None
    return pid if isinstance(pid, int) and not isinstance(pid, bool) and 0 < pid < 10**9 else None


async def handle_full_risks(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                            context: dict[str, Any]) -> None:
    await ack()
    call = Call(risks.list_page, write=False, kwargs={"project_id": _project_id(body), "page": 1})
    try:
        outcome = await run_call(call, get_deps(context), client, team_of(body), user_of(body))
    except UserError as e:
        await respond(response_type="ephemeral", replace_original=False, **plain_message(str(e)))
        return
    # A new message under the summary, which stays as it is; the list pages in place from there.
    await respond(response_type="ephemeral", replace_original=False, **outcome.reply)
