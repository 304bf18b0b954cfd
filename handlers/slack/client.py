"""The Slack Web API client: one pool of keep-alive connections, 429s and 5xx retried, and
response_url answers over the same pool."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import aiohttp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.models.basic_objects import JsonObject
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook import WebhookResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.settings import Settings
from handlers.slack.retries import retry_handlers


class PooledWebClient(AsyncWebClient):
    """The Web API client, reusing one pool of keep-alive connections on the serving event loop.

    Without a session slack_sdk opens and closes an aiohttp session, and so a TCP connection, for
    every call: on a busy bot that costs more than the call. The pool (`use_pool`, opened by the
    server's runtime) is used only on the loop that opened it; a caller on another loop (a script
    or test running a flow with asyncio.run) gets a session per call as before."""

    _pool: aiohttp.ClientSession | None = None
    _pool_loop: asyncio.AbstractEventLoop | None = None

    @property  # type: ignore[override]
    def session(self) -> aiohttp.ClientSession | None:
        pool = self._pool
        if pool is None or pool.closed:
            return None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None
        return pool if loop is self._pool_loop else None

    @session.setter
    def session(self, value: aiohttp.ClientSession | None) -> None:
        self.use_pool(value)

    def use_pool(self, pool: aiohttp.ClientSession | None) -> None:
        try:
            self._pool_loop = asyncio.get_running_loop() if pool is not None else None
        except RuntimeError:
            pool = None
        self._pool = pool


class PooledRespond(AsyncRespond):
    """Bolt's `respond()`, posting to response_url over the client's pool instead of a new session."""

    def __init__(self, *, response_url: str, session: aiohttp.ClientSession) -> None:
        super().__init__(response_url=response_url)
        self.session = session

    async def __call__(self, text: str | dict[str, Any] = "", **kwargs: Any) -> WebhookResponse:  # type: ignore[override]
        message = response_message(**text) if isinstance(text, dict) else response_message(text=text, **kwargs)
        return await AsyncWebhookClient(url=str(self.response_url), session=self.session).send_dict(message)


def response_message(text: str = "", blocks: Sequence[dict[str, Any] | JsonObject] | None = None,
                     attachments: Sequence[dict[str, Any] | JsonObject] | None = None,
                     response_type: str | None = None, replace_original: bool | None = None,
                     delete_original: bool | None = None, unfurl_links: bool | None = None,
                     unfurl_media: bool | None = None, thread_ts: str | None = None,
                     metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    """The body `respond()` posts to response_url, as Bolt's own builds it: the text always, blocks
    and attachments when there are some, every other field only when given (an unknown one is a
    TypeError, as with Bolt)."""
    message: dict[str, Any] = {"text": text}
    for key, items in (("blocks", blocks), ("attachments", attachments)):
        if items:
            message[key] = [item.to_dict() if isinstance(item, JsonObject) else item for item in items]
    flags = {"response_type": response_type, "replace_original": replace_original,
             "delete_original": delete_original, "unfurl_links": unfurl_links, "unfurl_media": unfurl_media,
             "thread_ts": thread_ts, "metadata": metadata}
    message.update((key, value) for key, value in flags.items() if value is not None)
    return message


def make_client(settings: Settings) -> AsyncWebClient:
    """The Web API client: every call goes to SLACK_API_URL, with 429s and 5xx retried."""
    return PooledWebClient(
        token=settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None,
        base_url=settings.slack_api_url,
        timeout=15,
        retry_handlers=retry_handlers(),
    )
