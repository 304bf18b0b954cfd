"""Views as plain text: `render(view)` gives the lines to print, `choices(view)` the buttons it offers.

Both are `functools.singledispatch` functions; each feature's module here registers its views, and
everyone goes through `handlers.console.render.catalog`, which imports them all. A view no module
knows (a dataclass added to the core since) is still shown, by its class name and simple fields.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from handlers.console.text import show


@dataclass(frozen=True)
class Choice:
    """A button: `label` to print, `action` and `args` (plain JSON values) to carry it out
    (`handlers.console.buttons`)."""

    label: str
    action: str
    args: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "action": self.action, "args": dict(self.args)}

    @classmethod
    def from_json(cls, data: Any) -> Choice | None:
        if not isinstance(data, dict) or not isinstance(data.get("action"), str):
            return None
        args = data.get("args")
        return cls(str(data.get("label") or data["action"]), data["action"], args if isinstance(args, dict) else {})


SIMPLE = (str, int, float, bool, date, datetime)


@functools.singledispatch
def render(view: Any) -> list[str]:
    """The lines that show `view`. Unknown views: their class name and simple fields."""
    if dataclasses.is_dataclass(view) and not isinstance(view, type):
        return [fallback(view)]
    if view is None:
        return []
    return [show(str(view))]


def fallback(view: Any) -> str:
    bits = []
    for f in dataclasses.fields(view):
        value = getattr(view, f.name, None)
        if isinstance(value, SIMPLE):
            bits.append(f"{f.name}={show(str(value))}")
        elif isinstance(number := getattr(value, "number", None), int):  # a stored row with a number
            bits.append(f"{f.name}=#{number}")
    return f"{type(view).__name__}: " + ", ".join(bits) if bits else type(view).__name__


@functools.singledispatch
def choices(view: Any) -> list[Choice]:
    """The buttons `view` offers (none unless its module says so)."""
    return []


@render.register
def _text(view: str) -> list[str]:
    return show(view).splitlines() or [""]


@render.register
def _part(view: dict) -> list[str]:  # type: ignore[type-arg]
    """A message as the console's `Sender` stored it in the ledger (see `handlers.console.ports`)."""
    lines = view.get("lines")
    if isinstance(lines, list):
        return [str(line) for line in lines]
    return [show(str(view.get("text", "")))]


@choices.register
def _part_choices(view: dict) -> list[Choice]:  # type: ignore[type-arg]
    found = [Choice.from_json(c) for c in view.get("choices") or []]
    return [c for c in found if c is not None]


def when(moment: datetime | None, tz: str | None = None) -> str:
    """An instant for people: `Mon 3 Mar 2031 09:00 UTC`, in `tz` when given."""
    if moment is None:
        return "—"
    if tz:
        with contextlib.suppress(KeyError, ValueError):
            moment = moment.astimezone(ZoneInfo(tz))
    return moment.strftime("%a %-d %b %Y %H:%M %Z").strip()


def risk_id(number: int) -> str:
    return f"R-{number}"
