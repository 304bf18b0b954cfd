"""Fixtures: a real database (SQLite, and PostgreSQL where reachable — always in CI),
a local Slack Web API stand-in, and the bot served over HTTP in-process.

No test touches a developer's own database: SQLite files live in pytest's tmp
dirs and PostgreSQL tests use a database of their own, dropped at the end.

`TEST_CLOCK=<ISO-8601 instant>` runs the whole suite with "now" starting at that instant and
ticking on (every xdist worker travels there when it starts), so the suite can be tried on any
date: the eve of a 29 February, a daylight-saving night, ten years ahead.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from bot.settings import Settings
from storage.db import make_engine, migrate
from tests.slack_requests import SlackClient
from tests.slack_stub import SlackStub
from tests.support.database import PG_ADMIN_URL, truncate_pg
from tests.support.processes import BotProcess
from tests.support.served import ServedBot, make_settings
from tests.support.workspace import USERS

# ---- the clock ---------------------------------------------------------------------------------

_TEST_CLOCK = pytest.StashKey[time_machine.travel]()


def pytest_configure(config: pytest.Config) -> None:
    instant = os.environ.get("TEST_CLOCK", "").strip()
    if not instant:
        return
    try:
        start = datetime.fromisoformat(instant)
    except ValueError as e:
        raise pytest.UsageError(f"TEST_CLOCK must be an ISO-8601 instant, e.g. 2028-02-28T23:30:00Z: {e}") from e
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    # A timestamp, not the datetime: time-machine would also set TZ from an aware destination, and the bot
    # processes the tests start would inherit it.
    traveller = time_machine.travel(start.timestamp(), tick=True)
    traveller.start()
    config.stash[_TEST_CLOCK] = traveller


def pytest_unconfigure(config: pytest.Config) -> None:
    traveller = config.stash.get(_TEST_CLOCK, None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config: pytest.Config) -> str | None:
    instant = os.environ.get("TEST_CLOCK", "").strip()
    return f"TEST_CLOCK: the suite starts at {instant}" if instant else None


# ---- databases ---------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    return path


def _pg_reachable() -> str | None:
    try:
        eng = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with eng.connect() as c:
            c.execute(text("SELECT 1"))
        eng.dispose()
        return None
    except Exception as e:  # noqa: BLE001 - any failure means "not reachable"
        return f"{type(e).__name__}: {e}"


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, migrated; dropped at the end."""
    if "postgres" not in _databases():
        pytest.skip("TEST_DATABASES leaves PostgreSQL out of this run")
    problem = _pg_reachable()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI but not reachable at {PG_ADMIN_URL}: {problem}")
        pytest.skip(f"PostgreSQL not reachable ({problem}); these tests run in CI")
    name = f"bot_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    yield url
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _databases() -> list[str]:
    """The databases the suite runs on: both unless `TEST_DATABASES` names fewer (e.g. `sqlite`)."""
    names = [n.strip() for n in os.environ.get("TEST_DATABASES", "sqlite,postgres").split(",") if n.strip()]
    unknown = set(names) - {"sqlite", "postgres"}
    if unknown or not names:
        raise pytest.UsageError(f"TEST_DATABASES names sqlite and/or postgres, not {sorted(unknown) or 'nothing'}")
    return names


@pytest.fixture(params=_databases())
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    """A clean, migrated database: each test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "bot.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_url")
    truncate_pg(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "bot.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


# ---- Slack -------------------------------------------------------------------------------------

@pytest.fixture
def stub() -> Iterator[SlackStub]:
    s = SlackStub(users={k: dict(v) for k, v in USERS.items()}).start()
    yield s
    s.stop()


@pytest.fixture
def settings(db_url: str, stub: SlackStub) -> Settings:
    return make_settings(db_url, stub.api_url)


@pytest.fixture
def served(settings: Settings, engine: Engine) -> Iterator[ServedBot]:
    bot = ServedBot(settings, engine)
    bot.url = bot.start()  # type: ignore[attr-defined]
    yield bot
    bot.stop()


@pytest.fixture
def slack(served: ServedBot, stub: SlackStub) -> SlackClient:
    """Send signed Slack requests to the running bot."""
    return SlackClient(served.url, stub)  # type: ignore[attr-defined]


# ---- the bot as a process ----------------------------------------------------------------------

@pytest.fixture
def started(tmp_path: Path, stub: SlackStub) -> Iterator[list[BotProcess]]:
    """Bots started as `python -m bot` (tests.support.processes.start adds them), stopped after the test."""
    bots: list[BotProcess] = []
    yield bots
    for b in bots:
        b.stop()
