"""`/project` text -> a typed request."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from bot import parsing
from bot.errors import UsageError
from bot.projects.targets import UpdateProject, parse_update
from bot.requests import HELP_WORDS, Help, Request
from storage import clock

USAGE = """*Usage of /project*
• `/project new NAME [client=…] [channel=#c] [deadline=YYYY-MM-DD] [budget=N] [target=N] [booked=N]` — managers
• `/project update NAME [target=N] [booked=N] [client=…] [deadline=YYYY-MM-DD] [budget=N] [channel=#c]` — \
managers; `target=` is the sales target, `booked=` what is booked so far
• `/project list`
• `/project show NAME` — open risks by band, stakeholder score and trend, feedback, stand-up participation
• `/project close NAME [won|lost] [NOTE]` — managers: close it and ask the people who logged its
risks and feedback for a lesson"""


@dataclass(frozen=True)
class CreateProject(Request):
    """A new project (managers)."""

    name: str
    client: str | None = None
    channel_id: str | None = None
    deadline: date | None = None
    budget: float | None = None
    target: float | None = None
    booked: float | None = None


@dataclass(frozen=True)
class ListProjects(Request):
    """Every project of the workspace."""

    write: ClassVar[bool] = False


@dataclass(frozen=True)
class ShowProject(Request):
    """One project's card: its facts and health figures."""

    write: ClassVar[bool] = False
    name: str


@dataclass(frozen=True)
class CloseProject(Request):
    """Close a project (managers). `name_words` are its name when `exact`; otherwise the name is the
    longest run of them, from the first, that names a project, and the words after it are the note."""

    name_words: tuple[str, ...]
    outcome: str | None = None  # won | lost
    note: str | None = None
    exact: bool = True


ProjectRequest = CreateProject | ListProjects | ShowProject | UpdateProject | CloseProject
OUTCOMES = ("won", "lost")
MAX_NOTE = 3000


def _close(text: str) -> CloseProject:
    p = parsing.parse(text, usage=USAGE)
    if not p.free:
        raise UsageError("Which project? `/project close NAME [won|lost] [NOTE]`.", USAGE)
    words = [parsing.plain(t.text) for t in p.free]
    at = 1 if p.free[0].quoted else next((i for i, w in enumerate(words) if i and w.lower() in OUTCOMES), None)
    exact = at is not None
    name_words = tuple(words[:at] if at is not None else words)
    outcome = None
    if at is not None and at < len(words) and words[at].lower() in OUTCOMES:
        outcome = words[at].lower()
        at += 1
    note = parsing.plain(p.text_from(at)).strip() if at is not None else None
    if note and len(note) > MAX_NOTE:
        raise UsageError(f"The note can have at most {MAX_NOTE} characters.", USAGE)
    return CloseProject(name_words=name_words, outcome=outcome, note=note or None, exact=exact)


def parse(text: str, today: date | None = None) -> ProjectRequest | Help:
    if not (text or "").strip():
        return ListProjects()
    first = text.split(None, 1)[0].lower()
    if first in HELP_WORDS:
        return Help(USAGE)
    if first in ("new", "add", "create"):
        p = parsing.parse(text, options={"client", "channel", "deadline", "budget", "target", "booked"},
                          usage=USAGE)
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
        return CreateProject(
            name=name, client=client,
            channel_id=parsing.channel_id(p.options["channel"], "channel", USAGE) if "channel" in p.options
            else None,
            deadline=deadline,
            budget=parsing.amount(p.options["budget"], "budget", USAGE) if "budget" in p.options else None,
            target=parsing.amount(p.options["target"], "target", USAGE) if "target" in p.options else None,
            booked=parsing.amount(p.options["booked"], "booked", USAGE) if "booked" in p.options else None,
        )
    if first in ("list", "ls"):
        p = parsing.parse(text, usage=USAGE)
        if p.words:
            raise UsageError("`/project list` takes nothing more.", USAGE)
        return ListProjects()
    if first in ("show", "view"):
        p = parsing.parse(text, usage=USAGE)
        name = " ".join(parsing.plain(p.rest).split())
        if not name:
            raise UsageError("Which project? `/project show NAME`.", USAGE)
        return ShowProject(name=name)
    if first in ("close", "done"):
        return _close(text)
    if first in ("update", "edit"):
        return parse_update(text, USAGE, today=today)
    raise UsageError(f"I don't know `/project {parsing.echo(first)}`.", USAGE)
