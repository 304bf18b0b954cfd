"""`/risk` text -> a typed request for the risk register's service (`bot.risks.service.perform`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot import parsing
from bot.errors import UsageError
from bot.requests import HELP_WORDS, Help, Modal, Request
from bot.risks.views import USAGE

STATUSES = ("open", "mitigating", "monitoring", "closed")
DEFAULT_LEVEL = 3  # probability or impact when not given
MAX_TITLE = 200
MAX_TEXT = 3000


@dataclass
class RiskInput:
    """What a person asked for; None means 'not given'."""

    title: str | None = None
    description: str | None = None
    probability: int | None = None
    impact: int | None = None
    owner_id: str | None = None
    project_name: str | None = None
    project_id: int | None = None
    mitigation: str | None = None
    contingency: str | None = None
    review_date: date | None = None
    status: str | None = None
    source: str = "manual"


@dataclass(frozen=True)
class AddRisk(Request):
    data: RiskInput


@dataclass(frozen=True)
class ListRisks(Request):
    """A page of the register; limited to a project when one is named (or, from a button, given by id)."""

    write = False
    project_name: str | None = None
    project_id: int | None = None
    include_closed: bool = False
    page: int = 1


@dataclass(frozen=True)
class ShowRisk(Request):
    write = False
    number: int


@dataclass(frozen=True)
class UpdateRisk(Request):
    number: int
    data: RiskInput
    note: str | None = None  # kept in the history with the change


@dataclass(frozen=True)
class CloseRisk(Request):
    number: int
    note: str | None = None


RiskRequest = AddRisk | ListRisks | ShowRisk | UpdateRisk | CloseRisk

TEXT_OPTIONS = {"description", "mitigation", "contingency", "title"}
OPTIONS = {"probability", "impact", "owner", "project", "review", "status", "page"} | TEXT_OPTIONS
ALIASES = {"p": "probability", "prob": "probability", "i": "impact", "imp": "impact", "desc": "description",
           "mit": "mitigation", "due": "review"}


def _one_line(text: str | None) -> str:
    """A title as one line: Slack's entities decoded, runs of white space made one space."""
    return " ".join(parsing.plain(text or "").split())


def _input(opts: dict[str, str], title: str | None) -> RiskInput:
    """`title` is already decoded (by `_one_line`); the options are as Slack sent them."""
    data = RiskInput(title=title or None)
    for key, value in opts.items():
        if key == "probability":
            data.probability = parsing.int_in(value, "p", 1, 5, USAGE)
        elif key == "impact":
            data.impact = parsing.int_in(value, "i", 1, 5, USAGE)
        elif key == "owner":
            data.owner_id = parsing.user_id(value, "owner", USAGE)
        elif key == "project":
            if not value:
                raise UsageError("`project=` needs a project name.", USAGE)
            data.project_name = parsing.plain(value)
        elif key == "review":
            data.review_date = parsing.iso_date(value, "review", USAGE)
        elif key == "status":
            data.status = parsing.choice(value, "status", STATUSES, USAGE)
        elif key == "title":
            data.title = _one_line(value)
        elif key in TEXT_OPTIONS:
            setattr(data, key, parsing.plain(value))
    return data


def _number(words: list[str], sub: str) -> tuple[int, list[str]]:
    if not words:
        raise UsageError(f"Which risk? Give its id: `/risk {parsing.echo(sub)} R-12`.", USAGE)
    return parsing.item_number(words[0], "R", USAGE), words[1:]


def _only(opts: dict[str, str], allowed: set[str], sub: str) -> None:
    extra = set(opts) - allowed
    if extra:
        raise UsageError(f"`/risk {parsing.echo(sub)}` does not take `{sorted(extra)[0]}=`.", USAGE)


def parse(text: str) -> RiskRequest | Help | Modal:
    if not (text or "").strip():
        return Modal()
    first = text.split(None, 1)[0].lower()
    flags = {"all"} if first in ("list", "ls") else set()
    p = parsing.parse(text, options=OPTIONS, aliases=ALIASES, flags=flags, usage=USAGE)
    sub = p.sub
    if sub in HELP_WORDS:
        return Help(USAGE)
    if sub in ("add", "new", "log"):
        _only(p.options, OPTIONS - {"status", "page"}, sub)
        if p.rest and "title" in p.options:
            raise UsageError("Give the title once: either as the text or as `title=`, not both.", USAGE)
        title = _one_line(p.options.pop("title", None) or p.rest)
        if not title:
            raise UsageError("A risk needs a title: `/risk add TITLE p=… i=…`.", USAGE)
        data = _input(p.options, title)
        return AddRisk(data)
    if sub in ("list", "ls"):
        _only(p.options, {"project", "page"}, sub)
        if p.words:
            raise UsageError("`/risk list` takes only `project=`, `page=` and `all`, "
                             f"not `{parsing.echo(p.words[0])}`.", USAGE)
        page = parsing.int_in(p.options["page"], "page", 1, 100_000, USAGE) if "page" in p.options else 1
        return ListRisks(project_name=parsing.plain(p.options["project"]) if p.options.get("project") else None,
                         include_closed="all" in p.flags, page=page)
    if sub in ("show", "view"):
        _only(p.options, set(), sub)
        number, rest = _number(p.words, sub)
        if rest:
            raise UsageError("`/risk show` takes one id, like `/risk show R-12`.", USAGE)
        return ShowRisk(number)
    if sub in ("update", "edit", "set"):
        _only(p.options, OPTIONS - {"page"}, sub)
        number, rest = _number(p.words, sub)
        if rest:
            raise UsageError("Put changes as options, e.g. `/risk update R-12 p=4 status=mitigating`; "
                             'quote text values: `mitigation="weekly check"`.', USAGE)
        if not p.options:
            raise UsageError(f"What should change on R-{number}? e.g. `/risk update R-{number} p=4`.", USAGE)
        return UpdateRisk(number, _input(p.options, None))
    if sub in ("close", "done", "resolve"):
        _only(p.options, set(), sub)
        number, _ = _number(p.words, sub)
        note = parsing.plain(p.text_from(1))
        return CloseRisk(number, note or None)
    raise UsageError(f"I don't know `/risk {parsing.echo(sub)}`.", USAGE)

