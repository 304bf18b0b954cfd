"""The Teams front end's one error handler: an unexpected error is logged once with its traceback,
and the person is told something useful (never what they typed)."""

from __future__ import annotations

import logging

from bot.errors import Unavailable, UserError

log = logging.getLogger(__name__)

SORRY = ("Sorry, something went wrong on my side and I couldn't finish that. "
         "Nothing was half-saved; please try again, and tell your Teams admin if it keeps happening.")


def apology(error: BaseException, where: str) -> str:
    """What to tell the person about `error`, logged as it deserves."""
    if isinstance(error, Unavailable):
        log.warning("database unavailable during %s", where)
        return error.message
    if isinstance(error, UserError):
        log.info("%s ended with %s", where, type(error).__name__)
        return str(error)
    log.error("unhandled error in %s", where, exc_info=error)
    return SORRY
