"""`/summary` text -> request."""

from __future__ import annotations

from bot import parsing
from bot.errors import UsageError
from bot.requests import HELP_WORDS, Call, Help
from bot.summaries import service as summaries
from handlers.slack.render.summaries import USAGE


def parse(text: str) -> Call | Help:
    """`/summary [project=NAME]`. The call writes: using it subscribes a manager to the weekly DM."""
    words = (text or "").split()
    if words and words[0].lower() in HELP_WORDS:
        return Help(USAGE)
    p = parsing.parse(text, options={"project"}, has_sub=False, usage=USAGE)
    if p.words:
        word = p.words[0]
        hint = f" For one project: `/summary project={parsing.echo(word)}`." if len(p.words) == 1 else ""
        raise UsageError(f"I don't know `/summary {parsing.echo(p.rest)}`.{hint}", USAGE)
    project = parsing.plain(p.options["project"]) if "project" in p.options else None
    if project is not None and not project:
        raise UsageError("`project=` needs a project's name.", USAGE)
    return Call(summaries.build, write=True, kwargs={"project_name": project})
