"""The app factory: nothing is built at import time."""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.context.respond.internals import _build_message
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook import WebhookResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient
from sqlalchemy.engine import Engine

from bot.deps import Database, Deps, People
from bot.journal import CURRENT, Journal, journaled
from bot.settings import Settings
from handlers import slack as slack_front_end
from handlers.slack.errors import apology, apology_modal, guarded
from handlers.slack.render.common import plain_message
from handlers.slack.retries import retry_handlers
from storage.db import make_engine

log = logging.getLogger(__name__)
# Listeners past their ack() at once (see Backlog): measured with bench/ack_latency.py on 2 cores,
# 2 keeps the acks of a burst of commands within reach of a bare Bolt app's; more lets the work
# behind them slow the acks down.
BACKGROUND_LIMIT = 2


class Slot:
    """One listener's place in the `Backlog`: taken once, given back at its end or after `hold_s`,
    whichever comes first, so that work waiting on Slack (a 429's Retry-After) never holds up the rest."""

    def __init__(self, slots: asyncio.Semaphore, hold_s: float) -> None:
        self.slots = slots
        self.hold_s = hold_s
        self.state = "free"  # -> "held" -> "returned"
        self._timer: asyncio.TimerHandle | None = None

    async def take(self) -> None:
        if self.state != "free":
            return
        await self.slots.acquire()
        self.state = "held"
        self._timer = asyncio.get_running_loop().call_later(self.hold_s, self.give_back)

    def give_back(self) -> None:
        if self.state == "held":
            self.slots.release()
            if self._timer is not None:
                self._timer.cancel()
        self.state = "returned"


class Backlog:
    """How many listeners may be past their ack() at once; the others wait their turn.

    Acks are never held: a listener's `ack()` answers Slack at once and only then waits for a
    slot. Work after the ack (database, replies, posts) shares the process with the acks of
    requests still arriving; unbounded, a burst of commands piles up enough of it to slow every
    ack behind it. Bounded, the burst's work queues instead and is done a moment later."""

    def __init__(self, limit: int, hold_s: float = 1.0) -> None:
        self.limit = limit
        self.hold_s = hold_s
        self._slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None
        self.journal: Journal | None = None  # set by create_app: slash commands are journaled before their ack
        self.running: set[asyncio.Task[Any]] = set()  # listeners not finished yet (see `drain`)

    async def drain(self, timeout_s: float) -> int:
        """Wait for every listener still running (the work behind acks already sent), for at most
        `timeout_s`; returns how many were still running then (they are cancelled)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            left = {t for t in self.running if not t.done() and t.get_loop() is loop}
            if not left:
                return 0
            remaining = deadline - loop.time()
            if remaining <= 0:
                for task in left:
                    task.cancel()
                return len(left)
            await asyncio.wait(left, timeout=remaining)

    def slots(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots[0] is not loop:
            self._slots = (loop, asyncio.Semaphore(self.limit))
        return self._slots[1]

    def bound(self, listener: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        """`listener`, holding a slot from its ack() (or its start, if Bolt acks for it) to its end."""
        sig = inspect.signature(listener)
        names = set(sig.parameters)
        params = list(sig.parameters.values())
        if "ack" not in names:
            at = sum(p.kind <= inspect.Parameter.POSITIONAL_OR_KEYWORD for p in params)
            params.insert(at, inspect.Parameter("ack", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None))

        async def run(**kwargs: Any) -> Any:
            slot = Slot(self.slots(), self.hold_s)
            ack = kwargs.get("ack")
            task = asyncio.current_task()
            if task is not None:
                self.running.add(task)
                task.add_done_callback(self.running.discard)

            async def ack_then_wait(*args: Any, **kw: Any) -> Any:
                result = await ack(*args, **kw)  # type: ignore[misc]
                await slot.take()
                return result

            if "ack" in names and ack is not None:
                kwargs["ack"] = ack_then_wait
            else:
                await slot.take()
            try:
                return await listener(**{k: v for k, v in kwargs.items() if k in names})
            finally:
                slot.give_back()
                command_id = CURRENT.get()  # journaled by the app's middleware, see create_app
                if command_id is not None and self.journal is not None:
                    CURRENT.set(None)
                    self.journal.close(command_id)

        run.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
        run.__name__ = run.__qualname__ = getattr(listener, "__name__", "listener")
        run.__doc__ = listener.__doc__
        run.__module__ = listener.__module__
        return run


class BotApp(AsyncApp):
    """Bolt's app with every listener wrapped by `handlers.slack.errors.guarded`, whoever registers it,
    so that an error after ack() is answered instead of turning into an HTTP error, and bounded by
    the app's `Backlog`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.backlog = Backlog(BACKGROUND_LIMIT)
        super().__init__(*args, **kwargs)

    def _register_listener(self, functions: Sequence[Any], *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        functions = list(functions)
        wrapped = guarded(self.backlog.bound(functions[0]))
        registered = super()._register_listener([wrapped, *functions[1:]], *args, **kwargs)
        return functions[0] if len(functions) == 1 else registered


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
        message = _build_message(**text) if isinstance(text, dict) else _build_message(text=text, **kwargs)
        return await AsyncWebhookClient(url=str(self.response_url), session=self.session).send_dict(message)


def make_client(settings: Settings) -> AsyncWebClient:
    """The Web API client: every call goes to SLACK_API_URL, with 429s and 5xx retried."""
    return PooledWebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        timeout=15,
        retry_handlers=retry_handlers(),
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

    journal = Journal(deps.engine)
    if journal.enabled:
        app.backlog.journal = deps.extras["journal"] = journal

    @app.middleware
    async def inject_deps(context: AsyncBoltContext, body: dict[str, Any], next: Any) -> Any:  # noqa: A002
        context["deps"] = deps
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
