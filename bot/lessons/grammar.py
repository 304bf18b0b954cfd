"""`/lesson` text -> a typed request for `bot.lessons.service.perform`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

from bot import parsing
from bot.errors import UsageError
from bot.lessons.views import USAGE
from bot.requests import HELP_WORDS, Help, Modal, Request

MAX_TEXT = 3000
MAX_TAGS = 10
MAX_TAG = 40
MAX_WORDS = 10
TAG = re.compile(r"^[\w][\w.+-]*$")


@dataclass(frozen=True)
class AddLesson(Request):
    text: str
    project_name: str | None = None
    project_id: int | None = None  # from the form
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ListLessons(Request):
    write: ClassVar[bool] = False
    project_name: str | None = None
    project_id: int | None = None  # from a page button
    tag: str | None = None
    words: tuple[str, ...] = ()
    page: int = 1


LessonRequest = AddLesson | ListLessons


def tags(value: str, what: str = "tags") -> tuple[str, ...]:
    """`a, b,#C` -> ("a", "b", "c"): lower-cased, a leading `#` dropped, each once, in order."""
    out: list[str] = []
    for raw in value.replace(";", ",").split(","):
        tag = raw.strip().lstrip("#").lower()
        if not tag:
            continue
        if len(tag) > MAX_TAG or not TAG.match(tag):
            raise UsageError(f"`{parsing.echo(raw.strip())}` is not a tag: use letters, digits, `-`, `_` or `.` "
                             f"(at most {MAX_TAG} characters), separated by commas: `{what}=api,vendor`.", USAGE)
        if tag not in out:
            out.append(tag)
    if len(out) > MAX_TAGS:
        raise UsageError(f"At most {MAX_TAGS} tags, please.", USAGE)
    return tuple(out)


def words(value: str) -> tuple[str, ...]:
    found = tuple(dict.fromkeys(w.lower() for w in parsing.plain(value).split() if w))
    if not found:
        raise UsageError("`q=` needs words to look for: `q=\"vendor delay\"`.", USAGE)
    if len(found) > MAX_WORDS:
        raise UsageError(f"Look for at most {MAX_WORDS} words at once.", USAGE)
    return found


def _project(opts: dict[str, str]) -> str | None:
    if "project" not in opts:
        return None
    name = parsing.plain(opts["project"])
    if not name:
        raise UsageError("`project=` needs a project name.", USAGE)
    return name


def parse(text: str) -> LessonRequest | Help | Modal:
    if not (text or "").strip():
        return Modal()
    first = text.split(None, 1)[0].lower()
    if first in HELP_WORDS:
        return Help(USAGE)
    if first in ("list", "ls", "find", "search"):
        p = parsing.parse(text, options={"project", "tag", "q", "page"}, usage=USAGE)
        if p.words:
            raise UsageError("`/lesson list` takes only `project=`, `tag=`, `q=` and `page=`, "
                             f"not `{parsing.echo(p.words[0])}`. Put words to find in `q=\"…\"`.", USAGE)
        tag = None
        if "tag" in p.options:
            found = tags(p.options["tag"], "tag")
            if len(found) != 1:
                raise UsageError("`tag=` takes one tag: `/lesson list tag=vendor`.", USAGE)
            tag = found[0]
        page = parsing.int_in(p.options["page"], "page", 1, 100_000, USAGE) if "page" in p.options else 1
        return ListLessons(project_name=_project(p.options), tag=tag,
                           words=words(p.options["q"]) if "q" in p.options else (), page=page)
    p = parsing.parse(text, options={"project", "tags"}, aliases={"tag": "tags"}, has_sub=False, usage=USAGE)
    said = parsing.plain(p.rest).strip()
    if said.lower().startswith("add ") and len(said) > 4:  # `/lesson add TEXT`, as `/risk add`
        said = said[4:].strip()
    if not said:
        raise UsageError("What did the team learn? `/lesson TEXT [project=NAME] [tags=a,b]`.", USAGE)
    if len(said) > MAX_TEXT:
        raise UsageError(f"A lesson can have at most {MAX_TEXT} characters (it has {len(said)}).", USAGE)
    return AddLesson(text=said, project_name=_project(p.options),
                     tags=tags(p.options["tags"]) if "tags" in p.options else ())
