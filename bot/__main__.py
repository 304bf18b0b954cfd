"""`python -m bot`: check the settings, migrate the database, serve."""

from __future__ import annotations

import logging
import sys
import time

from sqlalchemy.exc import OperationalError

from bot.logs import setup_logging
from bot.settings import SettingsError, load_settings

log = logging.getLogger("bot")

START_RETRY_S = 30


def main() -> int:
    try:
        settings = load_settings()
    except SettingsError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.secrets())

    from bot.server import serve
    from storage.db import make_engine, migrate

    engine = make_engine(settings.database_url)
    deadline = time.monotonic() + START_RETRY_S
    while True:
        try:
            migrate(engine)
            break
        except OperationalError as e:
            if time.monotonic() > deadline:
                print(f"error: cannot reach the database at DATABASE_URL ({type(e.orig).__name__}); "
                      "check that it is running and the URL is right", file=sys.stderr)
                return 1
            log.warning("database not reachable yet; retrying")
            time.sleep(2)
    engine.dispose()
    return serve(settings)


if __name__ == "__main__":
    sys.exit(main())
