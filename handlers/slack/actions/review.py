"""The buttons of a risk review reminder: still valid, update (a modal), close.

Each press is acked at once. Who may press is the register's rule (owner, the
person who logged it, or a manager); anyone else is told so privately and
nothing changes. Once done, the reminder DM is rewritten to say what was done,
without buttons."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UserError
from bot.outcomes import Outcome
from bot.parsing import button_json
from bot.reviews import service as reviews
from bot.reviews.service import CloseAtReview, ReviewRequest, StillValid
from bot.reviews.views import UpdateForm
from handlers.slack.common import deliver, get_deps, respond_or_dm, run_request, team_of, user_of
from handlers.slack.render import reviews as ui
from handlers.slack.render.catalog import render
from handlers.slack.render.common import plain_message

log = logging.getLogger(__name__)

STALE = "That button belongs to a message I can no longer read. `/risk show R-N` shows the risk."


def number_of(body: dict[str, Any]) -> int | None:
    state = button_json((body.get("actions") or [{}])[0].get("value") or "{}")
    n = state.get("n") if isinstance(state, dict) else None
    return n if isinstance(n, int) and not isinstance(n, bool) and 0 < n < 10**9 else None


def message_of(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """The reminder's conversation and ts, for chat.update."""
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
    return channel, ts


async def show_done(client: AsyncWebClient, channel: str | None, ts: str | None, outcome: Outcome, actor_id: str,
                    fallback: Any) -> None:
    """Rewrite the reminder to say what was done; if it cannot be rewritten, `fallback` tells the person.
    Later notes (e.g. an announcement that could not be posted) go to `fallback` too."""
    rewritten = False

    async def update(**message: Any) -> None:
        nonlocal rewritten
        if rewritten or not channel or not ts:
            await fallback(**message)
            return
        rewritten = True
        try:
            await client.chat_update(channel=channel, ts=ts, **ui.done(message, actor_id))
        except SlackApiError as e:
            log.info("could not update the review reminder (%s)", e.response.get("error"))
            await fallback(**message)

    await deliver(outcome, client, update)


async def _press(request_for: Callable[[int], ReviewRequest], body: dict[str, Any], respond: AsyncRespond,
                 client: AsyncWebClient, context: dict[str, Any]) -> None:
    """A button that acts on the reminder's risk: refused if its value no longer names one."""
    async def private(**message: Any) -> None:
        await respond_or_dm(respond, client, user_of(body), message)

    number = number_of(body)
    if number is None:
        await private(**plain_message(STALE))
        return
    try:
        outcome = await run_request(request_for(number), reviews.perform, get_deps(context), client, team_of(body),
                                    user_of(body))
    except UserError as e:
        for part in render(e):
            await private(**part)
        return
    channel, ts = message_of(body)
    await show_done(client, channel, ts, outcome, user_of(body), private)


async def handle_still_valid(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                             context: dict[str, Any]) -> None:
    await ack()
    await _press(StillValid, body, respond, client, context)


async def handle_close(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                       context: dict[str, Any]) -> None:
    await ack()
    await _press(CloseAtReview, body, respond, client, context)


async def handle_update(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient,
                        context: dict[str, Any]) -> None:
    """Open the update modal, prefilled, for someone who may change the risk."""
    await ack()
    number = number_of(body)
    if number is None:
        await respond(response_type="ephemeral", replace_original=False, **plain_message(STALE))
        return
    try:
        outcome = await run_request(reviews.OpenUpdate(number), reviews.perform, get_deps(context), client,
                                    team_of(body), user_of(body))
    except UserError as e:
        for part in render(e):
            await respond(response_type="ephemeral", replace_original=False, **part)
        return
    form = outcome.reply
    assert isinstance(form, UpdateForm)
    channel, ts = message_of(body)
    await client.views_open(trigger_id=body["trigger_id"], view=ui.update_modal(
        form.risk, form.next_review, {"n": number, "channel": channel, "ts": ts}))
