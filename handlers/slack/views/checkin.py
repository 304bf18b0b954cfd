"""The check-in comment modal, submitted."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.checkins import service as checkins
from bot.errors import UserError
from handlers.slack import forms, ids
from handlers.slack.actions.checkin import record
from handlers.slack.common import get_deps, team_of, user_of
from handlers.slack.views.risk import metadata

OUT_OF_DATE = "This form is out of date. Press the comment button in your latest check-in again."


async def handle_comment_modal(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient,
                               context: dict[str, Any]) -> None:
    meta = metadata(view)
    poll_id = meta.get("poll")
    if not isinstance(poll_id, int) or isinstance(poll_id, bool) or not 0 < poll_id < 2**31:
        await ack(response_action="errors", errors={ids.B_COMMENT: OUT_OF_DATE})
        return
    comment = forms.field((view.get("state") or {}).get("values") or {}, ids.B_COMMENT)
    text = comment if isinstance(comment, str) else ""
    if len(text) > checkins.MAX_COMMENT:
        await ack(response_action="errors",
                  errors={ids.B_COMMENT: f"At most {checkins.MAX_COMMENT} characters, please."})
        return
    deps = get_deps(context)
    team_id, user_id = team_of(body), user_of(body)
    channel = meta.get("channel") if isinstance(meta.get("channel"), str) else None
    ts = meta.get("ts") if isinstance(meta.get("ts"), str) else None
    # Checked before closing the modal, so a refusal shows under the field instead of vanishing.
    try:
        await deps.db.read(checkins.open_poll, team_id=team_id, poll_id=poll_id, user_id=user_id, channel=channel)
    except UserError as e:
        await ack(response_action="errors", errors={ids.B_COMMENT: e.message[:150]})
        return
    await ack()

    async def respond(**message: Any) -> None:
        """No response_url comes with a modal: refusals and notes go to the person by DM."""
        message.pop("response_type", None)
        message.pop("replace_original", None)
        await client.chat_postMessage(channel=user_id, **message)

    await record(deps, client, respond, team_id=team_id, user_id=user_id, poll_id=poll_id,
                 changes={"comment": text}, channel=channel, ts=ts)
