"""The app factory: nothing is built at import time."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.engine import Engine

from bot.backlog import Backlog
from bot.database import Database
from bot.deps import Deps
from bot.journal import CURRENT, Journal
from bot.people import People
from bot.ports import Platform
from bot.routing import SLACK, TEAMS, routed
from bot.settings import Settings
from handlers import slack as slack_front_end
from handlers.slack.client import PooledRespond, make_client
from handlers.slack.errors import apology, apology_modal
from handlers.slack.journaling import describe, journaled
from handlers.slack.platform import SlackPlatform, slack_platform
from handlers.slack.render.common import core_message
from storage.db import make_engine

if TYPE_CHECKING:
    from handlers.teams.front import TeamsFrontEnd
    from handlers.teams.platform import TeamsPlatform

log = logging.getLogger(__name__)
# Listeners past their ack() at once (see Backlog): measured with bench/ack_latency.py on 2 cores,
# 2 keeps the acks of a burst of commands within reach of a bare Bolt app's; more lets the work
# behind them slow the acks down.
BACKGROUND_LIMIT = 2


class BotApp(AsyncApp):
    """Bolt's app, carrying the `Backlog` its listeners run in (see `handlers.slack.errors.guarded`,
    which every listener is registered with) and that a stop drains (`bot.server.Runtime.drain`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.backlog = Backlog(BACKGROUND_LIMIT)
        super().__init__(*args, **kwargs)


def build_deps(settings: Settings, engine: Engine | None = None, client: AsyncWebClient | None = None) -> Deps:
    """Deps over the platforms the settings name: Slack (one Web API client, `client` or a new one,
    behind every port; the Bolt app made by `create_app` uses it too) when `SLACK_BOT_TOKEN` is set,
    Teams (the connector, see `handlers.teams.platform`) when `TEAMS_APP_ID` is; with both, the
    core reaches each through one routed `Platform` (`bot.routing`)."""
    engine = engine or make_engine(settings.database_url)
    db = Database(engine)
    platforms: dict[str, Platform] = {}
    if settings.slack_enabled:
        platforms[SLACK] = slack_platform(client or make_client(settings))
    if settings.teams_enabled:
        from handlers.teams.platform import build as teams_platform

        platforms[TEAMS] = teams_platform(settings, db)
    platform = routed(platforms, default=SLACK if SLACK in platforms else TEAMS)
    return Deps(settings=settings, engine=engine, db=db, platform=platform,
                people=People(db=db, managers=settings.managers, directory=platform.directory))


def slack_of(deps: Deps) -> SlackPlatform | None:
    """The Slack platform among the deps' platforms, if Slack is served."""
    found = deps.platform.route("T")  # a Slack workspace id
    return found if isinstance(found, SlackPlatform) else None


def teams_of(deps: Deps) -> TeamsPlatform | None:
    """The Teams platform among the deps' platforms, if Teams is served."""
    from handlers.teams.platform import TeamsPlatform

    found = deps.platform.route("00000000-0000-0000-0000-000000000000")  # a tenant id
    return found if isinstance(found, TeamsPlatform) else None


def create_teams(settings: Settings, deps: Deps) -> TeamsFrontEnd:
    """The Teams front end serving `POST /api/messages` (see `handlers.teams.front`)."""
    from handlers.teams.front import TeamsFrontEnd

    return TeamsFrontEnd(settings, deps)


def create_app(settings: Settings, *, deps: Deps | None = None) -> AsyncApp:
    """The Bolt app serving Slack (only built when `SLACK_BOT_TOKEN` is set)."""
    deps = deps or build_deps(settings)
    slack = slack_of(deps)
    app = BotApp(
        client=slack.client if slack is not None else make_client(settings),
        # Bolt's own loggers copy this one's level (else the root's, DEBUG when LOG_LEVEL=DEBUG),
        # so the cap bot.logs puts on "slack_bolt" holds: its DEBUG lines carry request bodies.
        logger=logging.getLogger("slack_bolt"),
        signing_secret=settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else "",
        request_verification_enabled=not settings.socket_mode,
        process_before_response=False,
        ignoring_self_events_enabled=True,
    )

    journal = Journal(deps.engine, describe=describe)
    if journal.enabled:
        app.backlog.journal = deps.journal = journal

    @app.middleware
    async def inject_deps(context: AsyncBoltContext, body: dict[str, Any], next: Any) -> Any:  # noqa: A002
        context["deps"] = deps
        context["backlog"] = app.backlog  # the listeners' turns (handlers.slack.errors.guarded)
        pool = context.client.session
        if pool is not None and context.response_url:
            context["respond"] = PooledRespond(response_url=context.response_url, session=pool)
        if app.backlog.journal is not None and journaled(body):
            # Before the listener runs, and so before its ack; the listener's task inherits the id.
            try:
                CURRENT.set(await app.backlog.journal.open(body))
            except Exception as e:  # noqa: BLE001 - the command is still carried out
                log.warning("journal: could not record a command (%s)", type(e).__name__)
        return await next()

    app.error(on_error)
    slack_front_end.register(app)
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
            payload = {"response_type": "ephemeral", **core_message(text)}
        return BoltResponse(status=200, body=json.dumps(payload),
                            headers={"content-type": "application/json;charset=utf-8"})
    try:
        if respond is not None and (body.get("response_url") or body.get("response_urls")):
            await respond(response_type="ephemeral", replace_original=False, **core_message(text))
        else:
            user = body.get("user_id") or (body.get("user") or {}).get("id")
            if user:
                await client.chat_postMessage(channel=user, **core_message(text))
    except Exception:  # noqa: BLE001 - the apology itself failed; the log already has the cause
        log.warning("could not tell the user about the error", exc_info=True)
    return None
