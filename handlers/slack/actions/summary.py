"""The summary's "All open risks" button: answers with the first page of `/risk list`."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UserError
from bot.parsing import button_json
from bot.summaries import service as summaries
from bot.summaries.grammar import AllOpenRisks
from handlers.slack.common import get_deps, run_request, team_of, user_of
from handlers.slack.render.catalog import render


def _project_id(body: dict[str, Any]) -> int | None:
    state = button_json((body.get("actions") or [{}])[0].get("value") or "{}")
    pid = state.get("p") if isinstance(state, dict) else None
    return pid if isinstance(pid, int) and not isinstance(pid, bool) and 0 < pid < 10**9 else None


async def handle_full_risks(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                            context: dict[str, Any]) -> None:
    await ack()
    request = AllOpenRisks(project_id=_project_id(body))
    try:
        outcome = await run_request(request, summaries.perform, get_deps(context), client, team_of(body),
                                    user_of(body))
    except UserError as e:
        for part in render(e):  # a view too: one that quotes what someone typed escapes it in its renderer
            await respond(response_type="ephemeral", replace_original=False, **part)
        return
    # A new message under the summary, which stays as it is; the list pages in place from there.
    for part in render(outcome.reply):
        await respond(response_type="ephemeral", replace_original=False, **part)
