"""Errors whose message is meant for the person who typed the command.

Handlers catch `UserError` (and only it) and show `str(error)`; anything else
is a bug and goes to the app's one error handler.
"""

from __future__ import annotations


class UserError(Exception):
    """A request that cannot be done as asked; nothing was written."""

    def __init__(self, message: str, usage: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage

    def __str__(self) -> str:
        if self.usage:
            return f"{self.message}\n\n{self.usage}"
        return self.message


class UsageError(UserError):
    """The command's words are off: wrong sub-command, option or value."""


class NotFound(UserError):
    """The thing named does not exist in this workspace."""


class Refused(UserError):
    """The person may not do this (e.g. only managers may)."""


class Unavailable(UserError):
    """The database cannot be reached right now."""
