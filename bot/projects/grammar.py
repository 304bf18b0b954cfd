"""`/project` text -> request."""

from __future__ import annotations

from datetime import date

from bot import parsing
from bot.errors import UsageError
from bot.projects import service as projects
from bot.requests import HELP_WORDS, Call, Help, Legacy
from handlers.slack.render.projects import USAGE
from storage import clock


def parse(text: str, today: date | None = None) -> Legacy:
    if not (text or "").strip():
        return Call(projects.list_projects, write=False)
    first = text.split(None, 1)[0].lower()
    if first in HELP_WORDS:
        return Help(USAGE)
    if first in ("new", "add", "create"):
        p = parsing.parse(text, options={"client", "channel", "deadline", "budget"}, usage=USAGE)
        name = parsing.plain(p.rest)
        if not name:
            raise UsageError("Give the project a name: `/project new NAME`.", USAGE)
        deadline = (parsing.iso_date(p.options["deadline"], "deadline", USAGE, today=today)
                    if "deadline" in p.options else None)
        if deadline and deadline < (today or clock.today()):
            raise UsageError(f"The deadline {deadline} is in the past.", USAGE)
        client = parsing.plain(p.options["client"]) if "client" in p.options else None
        if client is not None and not client:
            raise UsageError("`client=` needs a name.", USAGE)
        if client and len(client) > 200:
            raise UsageError("`client=` can have at most 200 characters.", USAGE)
        return Call(projects.create, write=True, kwargs={
            "name": name, "client": client,
            "channel_id": parsing.channel_id(p.options["channel"], "channel", USAGE) if "channel" in p.options
            else None,
            "deadline": deadline,
            "budget": parsing.amount(p.options["budget"], "budget", USAGE) if "budget" in p.options else None,
            "usage": USAGE,
        })
    if first in ("list", "ls"):
        p = parsing.parse(text, usage=USAGE)
        if p.words:
            raise UsageError("`/project list` takes nothing more.", USAGE)
        return Call(projects.list_projects, write=False)
    if first in ("show", "view"):
        p = parsing.parse(text, usage=USAGE)
        name = " ".join(parsing.plain(p.rest).split())
        if not name:
            raise UsageError("Which project? `/project show NAME`.", USAGE)
        return Call(projects.show, write=False, kwargs={"name": name})
    raise UsageError(f"I don't know `/project {parsing.echo(first)}`.", USAGE)
