"""The app factory: nothing is built at import time."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.engine import Engine

from bot.deps import Database, Deps, People
from bot.settings import Settings
from bot.ui.common import plain_message
from handlers import register_all
from handlers.errors import apology, apology_modal, guarded
from storage.db import make_engine

log = logging.getLogger(__name__)


class BotApp(AsyncApp):
    """Bolt's app with every listener wrapped by `handlers.errors.guarded`, whoever registers it,
    so that an error after ack() is answered instead of turning into an HTTP error."""

    def _register_listener(self, functions: Sequence[Any], *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        functions = list(functions)
        registered = super()._register_listener([guarded(functions[0]), *functions[1:]], *args, **kwargs)
        return functions[0] if len(functions) == 1 else registered


def make_client(settings: Settings) -> AsyncWebClient:
    """The Web API client: every call goes to SLACK_API_URL, with 429s and 5xx retried."""
    return AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        timeout=15,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=8),
            AsyncServerErrorRetryHandler(max_retry_count=3),
        ],
    )


def build_deps(settings: Settings, engine: Engine | None = None) -> Deps:
    engine = engine or make_engine(settings.database_url)
    db = Database(engine)
    return Deps(settings=settings, engine=engine, db=db, people=People(db=db, managers=settings.managers))


def create_app(settings: Settings, *, deps: Deps | None = None) -> AsyncApp:
    deps = deps or build_deps(settings)
    app = BotApp(
        client=make_client(settings),
        # Bolt's own loggers copy this one's level (else the root's, DEBUG when LOG_LEVEL=DEBUG),
        # so the cap bot.logs puts on "slack_bolt" holds: its DEBUG lines carry request bodies.
        logger=logging.getLogger("slack_bolt"),
        signing_secret=settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else "",
        request_verification_enabled=not settings.socket_mode,
        process_before_response=False,
        ignoring_self_events_enabled=True,
    )

    @app.middleware
    async def inject_deps(context: dict[str, Any], next: Any) -> Any:  # noqa: A002 (Bolt's name)
        context["deps"] = deps
        return await next()

    app.error(on_error)
    register_all(app)
    return app


async def on_error(error: Exception, body: dict[str, Any], response: BoltResponse | None,
                   client: AsyncWebClient, respond: Any = None) -> BoltResponse | None:
    """Errors Bolt hands over: those raised before ack() are answered in the HTTP response."""
    kind = body.get("type") or ("slash_command" if body.get("command") else "unknown")
    text = apology(error, f"a {kind} listener")
    if response is not None:  # not acknowledged yet: answer in the HTTP response
        if kind == "view_submission":
            payload = {"response_action": "push", "view": apology_modal(text)}
        else:
            payload = {"response_type": "ephemeral", **plain_message(text)}
        return BoltResponse(status=200, body=json.dumps(payload),
                            headers={"content-type": "application/json;charset=utf-8"})
    try:
        if respond is not None and (body.get("response_url") or body.get("response_urls")):
            await respond(response_type="ephemeral", replace_original=False, **plain_message(text))
        else:
            user = body.get("user_id") or (body.get("user") or {}).get("id")
            if user:
                await client.chat_postMessage(channel=user, **plain_message(text))
    except Exception:  # noqa: BLE001 - the apology itself failed; the log already has the cause
        log.warning("could not tell the user about the error", exc_info=True)
    return None
