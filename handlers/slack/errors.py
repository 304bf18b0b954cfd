"""Unexpected errors in listeners: logged once with their traceback, and the person told.

Bolt hands an error raised before `ack()` to the app's error handler (`bot.app.on_error`),
which answers in the HTTP response. An error raised after `ack()` is caught here instead:
Bolt's asyncio listener runner (slack_bolt 1.x) clears the acknowledgement it already had
when such an error reaches its error handler, so if that happens within its 10 ms polling
interval Slack gets a 404 three seconds later instead of the ack ("dispatch_failed" for
the user). `guarded` wraps every listener (see `bot.app.BotApp`) so that never happens.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext

from bot.errors import Unavailable, UserError
from handlers.slack.common import respond_or_dm
from handlers.slack.render.common import plain, plain_message, section

log = logging.getLogger(__name__)

SORRY = ("Sorry, something went wrong on my side and I couldn't finish that. "
         "Nothing was half-saved; please try again, and tell your Slack admin if it keeps happening.")

Listener = Callable[..., Awaitable[Any]]


def apology(error: BaseException, where: str) -> str:
    """What to tell the person about `error`, logged as it deserves (never with their input)."""
    if isinstance(error, Unavailable):
        log.warning("database unavailable during %s", where)
        return error.message
    if isinstance(error, UserError):  # a refusal that slipped past its listener: its text is for the person
        log.info("%s ended with %s", where, type(error).__name__)
        return str(error)
    log.error("unhandled error in %s", where, exc_info=error)
    return SORRY


def apology_modal(text: str) -> dict[str, Any]:
    """Pushed over a form whose submission failed, so that closing it returns to what was typed."""
    return {"type": "modal", "title": plain("Something went wrong"), "close": plain("Back"),
            "blocks": [section(text)]}


async def tell(context: AsyncBoltContext, text: str) -> None:
    """After ack(): an ephemeral answer through response_url where there is one and it works, else a DM."""
    try:
        respond = context.respond if context.response_url else None
        await respond_or_dm(respond, context.client, context.user_id or "", plain_message(text))
    except Exception:  # noqa: BLE001 - the apology itself failed; the log already has the cause
        log.warning("could not tell the user about an error", exc_info=True)


def guarded(listener: Listener) -> Listener:
    """`listener`, with errors raised after its ack() answered here (see the module's docstring).

    Bolt passes a listener the arguments its signature names; the wrapper names the same ones
    plus `context`, which it needs to answer."""
    if getattr(listener, "_guarded", False):
        return listener
    sig = inspect.signature(listener)
    names = set(sig.parameters)
    params = list(sig.parameters.values())
    if "context" not in names:  # Bolt reads positional-or-keyword names only
        at = sum(p.kind <= inspect.Parameter.POSITIONAL_OR_KEYWORD for p in params)
        params.insert(at, inspect.Parameter("context", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None))
    where = getattr(listener, "__name__", "a listener")

    async def run(**kwargs: Any) -> Any:
        context: AsyncBoltContext = kwargs["context"]
        try:
            return await listener(**{k: v for k, v in kwargs.items() if k in names})
        except Exception as error:  # noqa: BLE001 - the one place post-ack errors are reported
            if context.ack.response is None:  # not acknowledged yet: Bolt's error handler answers
                raise
            await tell(context, apology(error, where))
            return None

    run.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    run.__name__ = run.__qualname__ = where
    run.__doc__ = listener.__doc__
    run.__module__ = listener.__module__
    run._guarded = True  # type: ignore[attr-defined]
    return run
