"""Errors and small helpers every feature's rendering shares."""

from __future__ import annotations

from bot.errors import UserError
from handlers.console.render import render
from handlers.console.text import show


@render.register
def _error(view: UserError) -> list[str]:
    return show(str(view)).splitlines()


def person(user_id: str | None) -> str:
    return f"@{user_id}" if user_id else "nobody"


def people(user_ids: list[str] | tuple[str, ...]) -> str:
    return ", ".join(person(u) for u in user_ids) or "nobody"


def cut(value: str | None, limit: int = 200) -> str:
    """One line of at most `limit` characters."""
    v = " ".join(show(value or "").split())
    return v if len(v) <= limit else v[: limit - 1] + "…"
