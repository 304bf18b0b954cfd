"""`/scope` text -> a typed request for the scope service (`bot.scope.service.perform`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from bot import parsing
from bot.errors import UsageError
from bot.requests import HELP_WORDS, Help, Modal, Request
from bot.scope.views import USAGE

MAX_DAYS = 100_000
MAX_TITLE = 200
MAX_TEXT = 3000
TEXTS = {"in": "in_scope", "out": "out_scope", "assumptions": "assumptions"}


@dataclass(frozen=True)
class ShowScope(Request):
    write: ClassVar[bool] = False
    name: str


@dataclass(frozen=True)
class SetBaseline(Request):
    """Record or change a project's baseline (managers); None means 'not given'."""

    project_name: str | None = None
    project_id: int | None = None
    days: float | None = None
    in_scope: str | None = None
    out_scope: str | None = None
    assumptions: str | None = None


@dataclass(frozen=True)
class RequestChange(Request):
    """Log a change request `C-N` (anyone but guests)."""

    title: str
    project_name: str | None = None
    project_id: int | None = None
    days: float | None = None
    cost: float | None = None
    source: str = "manual"


@dataclass(frozen=True)
class DecideChange(Request):
    """Approve or reject `C-number` (managers)."""

    number: int
    approve: bool
    note: str | None = None


@dataclass
class BaselineForm(Modal):
    """Open the baseline form (prefill: `project_name`, and the baseline's current values)."""


@dataclass
class ChangeForm(Modal):
    """Open the change request form (prefill: `project_name`, `title`, …)."""


ScopeRequest = ShowScope | SetBaseline | RequestChange | DecideChange


def person_days(value: str, what: str = "days", *, signed: bool = False) -> float:
    """Person-days: a whole number or one with a decimal or two (`2.5`); negative only when `signed`."""
    v = value.strip().replace(",", ".")
    sign = "[+-]?" if signed else r"\+?"
    if not re.fullmatch(rf"{sign}\d{{1,6}}(\.\d{{1,2}})?", v) or abs(float(v)) > MAX_DAYS:
        low = f"-{MAX_DAYS}" if signed else "0"
        raise UsageError(f"`{what}=` must be a number of person-days from {low} to {MAX_DAYS}, such as 40 or "
                         f"2.5, not `{parsing.echo(value)}`.", USAGE)
    return float(v)


def _text(value: str, what: str) -> str:
    v = parsing.plain(value)
    if len(v) > MAX_TEXT:
        raise UsageError(f"`{what}=` can have at most {MAX_TEXT} characters (it has {len(v)}).", USAGE)
    return v


def _project(options: dict[str, str], sub: str) -> str:
    name = " ".join(parsing.plain(options.get("project", "")).split())
    if not name:
        raise UsageError(f"Which project? `/scope {sub} project=NAME …`.", USAGE)
    return name


def parse(text: str) -> ScopeRequest | Help | Modal:
    if not (text or "").strip():
        return Help(USAGE)
    first = text.split(None, 1)[0].lower()
    if first in HELP_WORDS:
        return Help(USAGE)
    if first == "set":
        p = parsing.parse(text, options={"project", "days", *TEXTS}, usage=USAGE)
        if p.words:
            raise UsageError("`/scope set` takes options only; quote text values: "
                             '`in="reports, exports"`.', USAGE)
        name = _project(p.options, "set")
        if set(p.options) == {"project"}:
            return BaselineForm({"project_name": name})
        texts = {TEXTS[k]: _text(v, k) for k, v in p.options.items() if k in TEXTS}
        return SetBaseline(project_name=name,
                           days=person_days(p.options["days"]) if "days" in p.options else None,
                           in_scope=texts.get("in_scope"), out_scope=texts.get("out_scope"),
                           assumptions=texts.get("assumptions"))
    if first == "change":
        p = parsing.parse(text, options={"project", "days", "cost", "title"}, usage=USAGE)
        if not p.options and not p.words:
            return ChangeForm()
        if p.rest and "title" in p.options:
            raise UsageError("Give the title once: either as the text or as `title=`, not both.", USAGE)
        name = _project(p.options, "change")
        title = " ".join(parsing.plain(p.options.get("title") or p.rest).split())
        if not title:
            raise UsageError("A change request needs a title: `/scope change project=NAME TITLE [days=N]`.",
                             USAGE)
        if len(title) > MAX_TITLE:
            raise UsageError(f"A title can have at most {MAX_TITLE} characters (it has {len(title)}).", USAGE)
        return RequestChange(
            title=title, project_name=name,
            days=person_days(p.options["days"], signed=True) if "days" in p.options else None,
            cost=parsing.amount(p.options["cost"], "cost", USAGE) if "cost" in p.options else None)
    if first in ("approve", "reject"):
        p = parsing.parse(text, usage=USAGE)
        if not p.words:
            raise UsageError(f"Which change request? `/scope {first} C-12 [NOTE]`.", USAGE)
        number = parsing.item_number(p.words[0], "C", USAGE)
        note = parsing.plain(p.text_from(1))
        if len(note) > MAX_TEXT:
            raise UsageError(f"A note can have at most {MAX_TEXT} characters.", USAGE)
        return DecideChange(number, approve=first == "approve", note=note or None)
    p = parsing.parse(text, has_sub=first in ("show", "view"), usage=USAGE)
    name = " ".join(parsing.plain(p.rest).split())
    if not name:
        raise UsageError("Which project? `/scope NAME`.", USAGE)
    return ShowScope(name)
