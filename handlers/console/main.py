"""`python -m bot console`: the console over the embedded SQLite, with the real scheduler.

No Slack setting is needed or read: see `console_settings`. The scheduler's runtime (`Rhythm`) runs
on the console's event loop with the console's ports, so check-ins, stand-up prompts, reminders and
summaries arrive while the person types. With `--now` the clock (`storage.clock`) starts at another
instant; APScheduler itself waits by the machine's clock, so the console then also looks for due
occurrences by the moved clock every `TICK_S` seconds (`Rhythm.catch_up`, which the ledger keeps from
sending anything twice).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.interval import IntervalTrigger
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from bot.database import Database
from bot.deps import Deps
from bot.people import People
from bot.ports import Platform
from bot.settings import Settings
from handlers.console import loop
from handlers.console.ports import ConsoleDirectory, ConsoleMessenger, ConsoleSender, Screen
from handlers.console.session import Console, Read
from scheduler import build_scheduler
from scheduler.runtime import Rhythm
from storage import clock
from storage.db import make_engine, migrate

log = logging.getLogger(__name__)
DEFAULT_DB = "data/console.db"
TICK_S = 20
PLACEHOLDER_TOKEN = "xoxb-console-never-used"


def console_settings(env: dict[str, str] | os._Environ[str], database_url: str) -> Settings:
    """The settings the core reads (BOT_TIMEZONE, BOT_MANAGERS, LOG_LEVEL, from the environment), with
    placeholder Slack values that nothing in the console uses: the console starts without SLACK_*.
    BOT_MANAGERS names console people (`ann,bo`), not Slack ids, so it is read as it is."""
    tz = (env.get("BOT_TIMEZONE") or "UTC").strip()
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise SystemExit(f"error: setting BOT_TIMEZONE {tz!r} is not a known time zone; use one such as "
                         "Europe/London") from None
    managers = ",".join(m.strip().lstrip("@") for m in (env.get("BOT_MANAGERS") or "").split(",") if m.strip())
    level = (env.get("LOG_LEVEL") or "WARNING").upper()
    return Settings.model_construct(
        slack_bot_token=SecretStr(PLACEHOLDER_TOKEN), slack_signing_secret=SecretStr("console"),
        slack_app_token=None, slack_api_url="https://slack.invalid/api/", database_url=database_url, port=3000,
        bot_managers=managers, bot_timezone=tz,
        log_level=level if level in ("DEBUG", "INFO", "WARNING", "ERROR") else "WARNING")


def build(engine: Engine, settings: Settings, screen: Screen, managers: Iterable[str]) -> Deps:
    """Deps over the console's ports."""
    db = Database(engine)
    directory = ConsoleDirectory(frozenset(managers) | settings.managers, tz=settings.bot_timezone)
    platform = Platform(messenger=ConsoleMessenger(screen), directory=directory, sender=ConsoleSender(screen))
    return Deps(settings=settings, engine=engine, db=db, platform=platform,
                people=People(db=db, managers=settings.managers, directory=directory))


async def serve(deps: Deps, console: Console, *, tick: bool = False) -> None:
    """Run the scheduler's runtime on this loop while the console reads; stop both at the end."""
    scheduler = build_scheduler(deps.settings.bot_timezone)
    scheduler.start()
    rhythm = Rhythm(deps, scheduler)
    deps.rhythm = rhythm
    try:
        await rhythm.start()
        if tick:
            scheduler.add_job(rhythm.catch_up, IntervalTrigger(seconds=TICK_S), id="console:clock",
                              replace_existing=True, coalesce=True, max_instances=1)
        await loop.run(console)
    finally:
        scheduler.shutdown(wait=False)
        rhythm.close()
        deps.rhythm = None


def stdin_reader() -> Read:
    """Lines from standard input, read off the event loop so that scheduled messages keep arriving."""

    async def read(prompt: str) -> str | None:
        if sys.stdin.isatty():
            sys.stdout.write(prompt)
            sys.stdout.flush()
        line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        return line.rstrip("\n") if line else None

    return read


def instant(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not an ISO instant such as 2031-03-03T08:05:00+00:00"
                                         ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bot console", description="A terminal chat with the bot.")
    p.add_argument("--user", default="manager", help="who you are (a plain name; default: manager)")
    p.add_argument("--member", action="store_true", help="be a plain member instead of a manager")
    p.add_argument("--now", type=instant, help="start the clock at this instant (ISO 8601), for a demo")
    p.add_argument("--db", default=DEFAULT_DB, help=f"the SQLite file (default: {DEFAULT_DB})")
    args = p.parse_args(argv)
    if not args.user or not all(c.isalnum() or c in "_.-" for c in args.user):
        p.error("--user takes a plain name such as ann")
    return args


def main(argv: list[str], *, read: Read | None = None, write: Callable[[str], None] | None = None) -> int:
    args = parse_args(argv)
    path = Path(args.db)
    settings = console_settings(os.environ, f"sqlite:///{path}")
    logging.basicConfig(level=settings.log_level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.now is not None:
        clock.start_at(args.now)
    try:
        engine = make_engine(settings.database_url)
        migrate(engine)
    except Exception as e:  # noqa: BLE001 - one line for the person, not a traceback
        print(f"error: cannot open the console's database {path} ({type(e).__name__}: {e})", file=sys.stderr)
        return 2
    screen = Screen(write or print)
    deps = build(engine, settings, screen, [] if args.member else [args.user])
    console = Console(deps, screen, read or stdin_reader(), user=args.user)
    try:
        asyncio.run(serve(deps, console, tick=args.now is not None))
    except KeyboardInterrupt:
        pass
    finally:
        engine.dispose()
    return 0
