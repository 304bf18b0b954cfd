"""The console driven by a list of typed lines, on a real database, with the real scheduler runtime."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy.engine import Engine

from handlers.console.main import build, console_settings, serve
from handlers.console.ports import Screen
from handlers.console.session import Console

Drive = Callable[..., str]


async def settle(console: Console) -> None:
    """Wait until the scheduled jobs started so far have finished (their output is then printed)."""
    await asyncio.sleep(0.05)
    rhythm = console.deps.rhythm
    if rhythm is None:
        return
    executor = rhythm.scheduler._lookup_executor("default")  # type: ignore[attr-defined]
    for _ in range(500):
        if not getattr(executor, "_pending_futures", None):
            return
        await asyncio.sleep(0.02)


def drive_console(engine: Engine, lines: list[str], *, user: str = "manager", member: bool = False) -> str:
    """Type `lines` at a console (then the end of input) and return everything it printed."""
    out: list[str] = []
    screen = Screen(out.append)
    deps = build(engine, console_settings({}, str(engine.url)), screen, [] if member else [user])
    feed = iter(lines)

    async def read(prompt: str) -> str | None:
        await settle(console)
        line = next(feed, None)
        if line is not None:
            out.append(f"{prompt}{line}")
        return line

    console = Console(deps, screen, read, user=user)
    asyncio.run(serve(deps, console))
    return "\n".join(out)
