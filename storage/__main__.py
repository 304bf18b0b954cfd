"""`python -m storage upgrade` applies the migrations; `python -m storage current` shows the revision.

Only DATABASE_URL is read (environment first, then `.env` in the working directory, then the
default `sqlite:///data/bot.db`), so this works before any Slack token exists, e.g. to prepare a
database ahead of the first start. The bot itself also migrates at start.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from dotenv import dotenv_values
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from storage.db import alembic_config, make_engine, migrate

DEFAULT_URL = "sqlite:///data/bot.db"
NAME = "DATABASE_URL"


class CliError(Exception):
    """One line for the operator, with the exit status to end with."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def database_url(env_file: str | Path = ".env") -> str:
    """DATABASE_URL as the bot reads it: the environment wins over `.env`; names are case-insensitive."""
    for key, value in os.environ.items():
        if key.upper() == NAME:
            return value
    path = Path(env_file)
    if path.is_file():
        for key, file_value in dotenv_values(path).items():
            if key.upper() == NAME and file_value is not None:
                return file_value
    return DEFAULT_URL


def _parse(url: str) -> URL:
    try:
        return make_url(url)
    except ArgumentError:
        raise CliError(f"setting {NAME} is not a database URL: set it to an SQLAlchemy URL such as "
                       "sqlite:///data/bot.db or postgresql+psycopg://host/db", 2) from None


def _engine(url: str) -> Engine:
    _parse(url)
    try:
        return make_engine(url)
    except ArgumentError as e:  # e.g. an unknown dialect or driver
        raise CliError(f"setting {NAME} names a database this install cannot use ({e}); "
                       "use sqlite:///… or postgresql+psycopg://…", 2) from None


def _unreachable(e: OperationalError) -> CliError:
    return CliError(f"cannot reach the database at {NAME} ({type(e.orig).__name__}); "
                    "check that it is running and the URL is right", 1)


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(url: str) -> str | None:
    """The revision the database is at, or None when it has never been migrated."""
    from alembic.runtime.migration import MigrationContext

    u = _parse(url)
    if (u.drivername.startswith("sqlite") and u.database not in (None, "", ":memory:")
            and not Path(str(u.database)).expanduser().exists()):
        return None  # don't create an empty file just to look at it
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except OperationalError as e:
        raise _unreachable(e) from None
    finally:
        engine.dispose()


def upgrade(url: str) -> str | None:
    engine = _engine(url)
    try:
        migrate(engine)
    except OperationalError as e:
        raise _unreachable(e) from None
    finally:
        engine.dispose()
    return current_revision(url)


def describe(revision: str | None, head: str | None) -> str:
    if revision is None:
        return "none (not migrated yet: run `python -m storage upgrade`)"
    if revision == head:
        return f"{revision} (head)"
    return f"{revision} (behind {head}: run `python -m storage upgrade`)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m storage", description="Apply or show the database migrations.")
    parser.add_argument("action", choices=["upgrade", "current"],
                        help="upgrade: apply the migrations; current: print the database's revision")
    args = parser.parse_args(argv)
    url = database_url()
    try:
        if args.action == "upgrade":
            shown = _parse(url).render_as_string(hide_password=True)
            revision = upgrade(url)
            print(f"{shown}: upgraded to {describe(revision, head_revision())}")
        else:
            print(describe(current_revision(url), head_revision()))
    except CliError as e:
        print(f"error: {e}", file=sys.stderr)
        return e.status
    return 0


if __name__ == "__main__":
    sys.exit(main())
