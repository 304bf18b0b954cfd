"""`/feedback` text -> a typed request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot import parsing
from bot.errors import UsageError
from bot.requests import HELP_WORDS, Help, Modal, Request

USAGE = """*Usage of /feedback*
• `/feedback` — open the form
• `/feedback [client|team] [project=NAME] [sentiment=positive|neutral|negative] [private] [anon] TEXT` \
— record feedback as F-N
• `/feedback list [project=NAME] [page=N]`
• `/feedback act F-N WHAT_WE_DID` — close the loop (managers); the author is told by DM unless it was anonymous
`private`: only managers and the author see it. `anon`: nobody, managers included, can learn who wrote it."""

SOURCES = ("client", "team")
SENTIMENTS = ("positive", "neutral", "negative")
MAX_TEXT = 3000
FLAGS = {"client", "team", "private", "anon", "anonymous"}


@dataclass(frozen=True)
class GiveFeedback(Request):
    """Record feedback. The author is not looked up (nor even known to be a guest), so that
    anonymous feedback leaves no trace of them; everyone, guests included, may give it."""

    lookup_actor: ClassVar[bool] = False
    guests: ClassVar[bool] = True
    text: str
    source: str = "team"
    sentiment: str | None = None  # None: guessed from the text
    project_name: str | None = None
    project_id: int | None = None  # from a form's project select; wins over the name
    private: bool = False
    anonymous: bool = False


@dataclass(frozen=True)
class ListFeedback(Request):
    """A page of the feedback the person may see, newest first."""

    write: ClassVar[bool] = False
    project_name: str | None = None
    project_id: int | None = None  # from a list's Previous/Next buttons
    page: int = 1


@dataclass(frozen=True)
class ActOnFeedback(Request):
    """Close the loop on F-`number` (managers): say what was done."""

    number: int
    what: str


FeedbackRequest = GiveFeedback | ListFeedback | ActOnFeedback


def parse(text: str) -> FeedbackRequest | Help | Modal:
    if not (text or "").strip():
        return Modal()
    first = text.split(None, 1)[0].lower()
    if first in HELP_WORDS:
        return Help(USAGE)
    if first in ("list", "ls"):
        p = parsing.parse(text, options={"project", "page"}, usage=USAGE)
        if p.words:
            raise UsageError("`/feedback list` takes only `project=` and `page=`, "
                             f"not `{parsing.echo(p.words[0])}`.", USAGE)
        page = parsing.int_in(p.options["page"], "page", 1, 100_000, USAGE) if "page" in p.options else 1
        return ListFeedback(
            project_name=parsing.plain(p.options["project"]) if p.options.get("project") else None, page=page)
    if first == "act":
        p = parsing.parse(text, usage=USAGE)
        if not p.words:
            raise UsageError("Which feedback? `/feedback act F-12 WHAT_WE_DID`.", USAGE)
        number = parsing.item_number(p.words[0], "F", USAGE)
        what = parsing.plain(p.text_from(1))
        if not what:
            raise UsageError(f"Say what was done: `/feedback act F-{number} WHAT_WE_DID`.", USAGE)
        return ActOnFeedback(number=number, what=what)
    # Giving feedback: the flags count only before the text starts.
    p = parsing.parse(text, options={"project", "sentiment"}, flags=FLAGS, leading_flags_only=True,
                      has_sub=False, usage=USAGE)
    if {"client", "team"} <= p.flags:
        raise UsageError("Feedback comes from the client or the team, not both.", USAGE)
    request = GiveFeedback(
        text=parsing.plain(p.rest),
        source="client" if "client" in p.flags else "team",
        sentiment=parsing.choice(p.options["sentiment"], "sentiment", SENTIMENTS, USAGE)
        if "sentiment" in p.options else None,
        project_name=parsing.plain(p.options["project"]) if p.options.get("project") else None,
        private="private" in p.flags,
        anonymous=bool({"anon", "anonymous"} & p.flags),
    )
    if not request.text:
        raise UsageError("What is the feedback? Write it after the options.", USAGE)
    if "project" in p.options and not request.project_name:
        raise UsageError("`project=` needs a project name.", USAGE)
    return request
