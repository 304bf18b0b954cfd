"""The core's `Directory` over Slack's Web API (`users.info`, `auth.test`)."""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.ports import Profile
from handlers.slack.messenger import FAILURES

log = logging.getLogger(__name__)


class SlackDirectory:
    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def profile(self, team_id: str, user_id: str) -> Profile | None:
        """`users.info`; a refusal is None (the person is looked up again later). A lost connection
        is not caught: the request it serves cannot know who is asking."""
        try:
            resp = await self.client.users_info(user=user_id)
        except SlackApiError as e:
            log.warning("users.info failed: %s", e.response.get("error"))
            return None
        u = resp.get("user") or {}
        return Profile(
            user_id=user_id, name=(u.get("profile") or {}).get("display_name") or u.get("name"),
            tz=u.get("tz") if isinstance(u.get("tz"), str) else None, is_admin=bool(u.get("is_admin")),
            is_owner=bool(u.get("is_owner")), is_guest=bool(u.get("is_restricted") or u.get("is_ultra_restricted")))

    async def _auth(self, field: str) -> str | None:
        try:
            resp = await self.client.auth_test()
        except FAILURES as e:
            log.warning("auth.test failed (%s)", type(e).__name__)
            return None
        return str(resp.get(field) or "") or None

    async def bot_user_id(self, team_id: str) -> str | None:
        return await self._auth("user_id")

    async def own_team(self) -> str | None:
        return await self._auth("team_id")
