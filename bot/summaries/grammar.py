"""`/summary` text -> request, and the requests of the summary's own button."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot import parsing
from bot.errors import UsageError
from bot.requests import HELP_WORDS, Help, Request

USAGE = """*Usage of /summary* (managers)
• `/summary` — this week across all projects: top open risks, new risks and overdue reviews, feedback by \
sentiment and not yet acted on, stakeholder scores with their trend and who has not answered, stand-up \
participation, and messages that failed or runs that were missed
• `/summary project=NAME` — the same for one project
Managers also get it by DM every Monday at 08:00 in their own time zone."""


@dataclass(frozen=True)
class Summarize(Request):
    """The summary now, of every project or of one. It writes: asking subscribes a manager to the weekly DM."""

    project_name: str | None = None


@dataclass(frozen=True)
class AllOpenRisks(Request):
    """The summary's "All open risks" button: the first page of the open risks (of one project, or all)."""

    write: ClassVar[bool] = False
    project_id: int | None = None


SummaryRequest = Summarize | AllOpenRisks


def parse(text: str) -> Summarize | Help:
    """`/summary [project=NAME]`."""
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
    return Summarize(project_name=project)
