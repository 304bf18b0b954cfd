"""`python -m bot`: check the settings, migrate the database, serve. `python -m bot console`: the
terminal front end instead (`handlers.console`). `python -m bot teams-package`: write the Teams app
package (`handlers.teams.package`)."""

from __future__ import annotations

import logging
import re
import sys
import time

from sqlalchemy.exc import OperationalError

from bot.logs import setup_logging
from bot.settings import SettingsError, load_settings

log = logging.getLogger("bot")

START_RETRY_S = 30


def main() -> int:
    if sys.argv[1:2] == ["console"]:  # the terminal front end: no Slack settings needed
        from handlers.console.main import main as console

        return console(sys.argv[2:])
    if sys.argv[1:2] == ["teams-package"]:  # builds a zip from teams/: no Slack settings needed
        from handlers.teams.package import main as teams_package

        return teams_package(sys.argv[2:])
    try:
        settings = load_settings()
    except SettingsError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.secrets())

    from bot.server import serve
    from storage.db import make_engine, migrate

    try:
        engine = make_engine(settings.database_url)
    except OSError as e:  # the SQLite file's folder cannot be created
        print(f"error: setting DATABASE_URL names a SQLite file whose folder cannot be created "
              f"({e.strerror or type(e).__name__}); use a path the bot may write to", file=sys.stderr)
        return 2
    deadline = time.monotonic() + START_RETRY_S
    while True:
        try:
            migrate(engine)
            break
        except OperationalError as e:
            lasting = lasting_problem(e, sqlite=engine.dialect.name == "sqlite")
            if lasting is not None:  # waiting would not help
                print(f"error: {lasting}", file=sys.stderr)
                return 2
            if time.monotonic() > deadline:
                print(f"error: cannot reach the database at DATABASE_URL ({type(e.orig).__name__}); "
                      "check that it is running and the URL is right", file=sys.stderr)
                return 1
            log.warning("database not reachable yet; retrying")
            time.sleep(2)
    engine.dispose()
    return serve(settings)


def lasting_problem(e: OperationalError, *, sqlite: bool) -> str | None:
    """What is wrong with DATABASE_URL when retrying cannot help (one line), else None (not up yet)."""
    text = str(e.orig)
    if sqlite:  # "database is locked" (another process migrating) passes; a file that cannot be opened won't
        if "unable to open" not in text and "readonly" not in text:
            return None
        return (f"setting DATABASE_URL names a SQLite file that cannot be opened ({text}); "
                "use a path the bot may read and write")
    if re.search(r'database "[^"]*" does not exist', text):
        return ("the database named in setting DATABASE_URL does not exist on the server; "
                "create it (e.g. `createdb NAME`) or fix the name in the URL")
    if re.search(r'role "[^"]*" does not exist|password authentication failed', text):
        return "the server refused the user or password in setting DATABASE_URL; fix them in the URL"
    return None


if __name__ == "__main__":
    sys.exit(main())
