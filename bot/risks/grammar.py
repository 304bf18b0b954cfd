"""`/risk` text -> request."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot import parsing
from bot.errors import UsageError
from bot.requests import HELP_WORDS, Call, Help, Legacy, Modal
from bot.risks import service as risks
from handlers.slack import forms, ids
from handlers.slack.render.risks import USAGE

TEXT_OPTIONS = {"description", "mitigation", "contingency", "title"}
OPTIONS = {"probability", "impact", "owner", "project", "review", "status", "page"} | TEXT_OPTIONS
ALIASES = {"p": "probability", "prob": "probability", "i": "impact", "imp": "impact", "desc": "description",
           "mit": "mitigation", "due": "review"}


def _one_line(text: str | None) -> str:
    """A title as one line: Slack's entities decoded, runs of white space made one space."""
    return " ".join(parsing.plain(text or "").split())


def _input(opts: dict[str, str], title: str | None) -> risks.RiskInput:
    """`title` is already decoded (by `_one_line`); the options are as Slack sent them."""
    data = risks.RiskInput(title=title or None)
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
            data.status = parsing.choice(value, "status", risks.STATUSES, USAGE)
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


def parse(text: str) -> Legacy:
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
        return Call(risks.add, write=True, kwargs={"data": data})
    if sub in ("list", "ls"):
        _only(p.options, {"project", "page"}, sub)
        if p.words:
            raise UsageError("`/risk list` takes only `project=`, `page=` and `all`, "
                             f"not `{parsing.echo(p.words[0])}`.", USAGE)
        page = parsing.int_in(p.options["page"], "page", 1, 100_000, USAGE) if "page" in p.options else 1
        return Call(risks.list_page, write=False, kwargs={
            "project_name": parsing.plain(p.options["project"]) if p.options.get("project") else None,
            "include_closed": "all" in p.flags, "page": page})
    if sub in ("show", "view"):
        _only(p.options, set(), sub)
        number, rest = _number(p.words, sub)
        if rest:
            raise UsageError("`/risk show` takes one id, like `/risk show R-12`.", USAGE)
        return Call(risks.show, write=False, kwargs={"number": number})
    if sub in ("update", "edit", "set"):
        _only(p.options, OPTIONS - {"page"}, sub)
        number, rest = _number(p.words, sub)
        if rest:
            raise UsageError("Put changes as options, e.g. `/risk update R-12 p=4 status=mitigating`; "
                             'quote text values: `mitigation="weekly check"`.', USAGE)
        if not p.options:
            raise UsageError(f"What should change on R-{number}? e.g. `/risk update R-{number} p=4`.", USAGE)
        return Call(risks.update, write=True, kwargs={"number": number, "data": _input(p.options, None)})
    if sub in ("close", "done", "resolve"):
        _only(p.options, set(), sub)
        number, _ = _number(p.words, sub)
        note = parsing.plain(p.text_from(1))
        return Call(risks.close, write=True, kwargs={"number": number, "note": note or None})
    raise UsageError(f"I don't know `/risk {parsing.echo(sub)}`.", USAGE)


def parse_form(values: dict[str, Any], today: date) -> risks.RiskInput:
    """The risk modal's fields -> RiskInput, or `FormError` with a message per field."""
    errors: dict[str, str] = {}
    data = risks.RiskInput(
        title=forms.as_text(values, ids.B_TITLE, errors, risks.MAX_TITLE, required=True),
        description=forms.as_text(values, ids.B_DESCRIPTION, errors, risks.MAX_TEXT),
        probability=forms.as_int(values, ids.B_PROBABILITY, 1, 5, errors, default=risks.DEFAULT_LEVEL),
        impact=forms.as_int(values, ids.B_IMPACT, 1, 5, errors, default=risks.DEFAULT_LEVEL),
        owner_id=forms.as_user(values, ids.B_OWNER, errors),
        mitigation=forms.as_text(values, ids.B_MITIGATION, errors, risks.MAX_TEXT),
        contingency=forms.as_text(values, ids.B_CONTINGENCY, errors, risks.MAX_TEXT),
        review_date=forms.as_date(values, ids.B_REVIEW, errors, not_before=today),
    )
    data.project_id, data.project_name = forms.project_ref(values, ids.B_PROJECT)
    if errors:
        raise forms.FormError(errors)
    return data

