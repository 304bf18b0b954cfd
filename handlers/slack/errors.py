"""Unexpected errors in listeners: logged once with their traceback, and the person told.

Bolt hands an error raised before `ack()` to the app's error handler (`bot.app.on_error`),
which answers in the HTTP response. An error raised after `ack()` is caught here instead:
Bolt's asyncio listener runner (slack_bolt 1.x) clears the acknowledgement it already had
when such an error reaches its error handler, so if that happens within its 10 ms polling
interval Slack gets a 404 three seconds later instead of the ack ("dispatch_failed" for
the user). Every listener is registered wrapped in `guarded` (in the `register` functions of
`handlers.slack.commands`, `.actions`, `.views` and `.events`) so that never happens.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from typing import Any

from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.kwargs_injection.async_args import AsyncArgs

from bot.backlog import Backlog
from bot.errors import Unavailable, UserError
from handlers.slack.common import respond_or_dm
from handlers.slack.render.common import core_message, plain, section

log = logging.getLogger(__name__)

SORRY = ("Sorry, something went wrong on my side and I couldn't finish that. "
         "Nothing was half-saved; please try again, and tell your Slack admin if it keeps happening.")

Listener = Callable[..., Awaitable[Any]]
Guarded = Callable[[AsyncArgs], Awaitable[None]]


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
        await respond_or_dm(respond, context.client, context.user_id or "", core_message(text))
    except Exception:  # noqa: BLE001 - the apology itself failed; the log already has the cause
        log.warning("could not tell the user about an error", exc_info=True)


def guarded(listener: Listener) -> Guarded:
    """`listener`, as registered with Bolt: run in its turn of the app's `Backlog`, with errors
    raised after its ack() answered here (see the module's docstring).

    The wrapper takes Bolt's documented `args` parameter (every argument Bolt offers a listener)
    and calls `listener` with the ones its parameters name, as Bolt would, except that its `ack`
    is the backlog's: it acknowledges at once, then waits for a slot. The wrapper's `guards`
    attribute is the listener it wraps (wrapping it again changes nothing)."""
    if getattr(listener, "guards", None) is not None:
        return listener
    names = tuple(inspect.signature(listener).parameters)
    where = getattr(listener, "__name__", "a listener")

    async def run(args: AsyncArgs) -> None:
        context = args.context
        backlog = context.get("backlog")  # put there by the app's middleware, see bot.app.create_app
        turn = backlog.turn(args.ack if "ack" in names else None) if isinstance(backlog, Backlog) \
            else nullcontext(args.ack)
        async with turn as ack:
            try:
                await listener(**{name: ack if name == "ack" else argument(args, name) for name in names})
            except Exception as error:  # noqa: BLE001 - the one place post-ack errors are reported
                if context.ack.response is None:  # not acknowledged yet: Bolt's error handler answers
                    raise
                await tell(context, apology(error, where))

    run.__name__ = run.__qualname__ = where  # what Bolt's logs call the listener
    run.__doc__ = listener.__doc__
    run.__module__ = listener.__module__
    run.guards = listener  # type: ignore[attr-defined]
    return run


def argument(args: AsyncArgs, name: str) -> Any:
    """The listener argument `name`, as Bolt injects it: one of its own, else an item of the context."""
    if name == "args":
        return args
    if hasattr(args, name):
        return getattr(args, name)
    return args.context.get(name)
