"""The core's text: plain characters, with people and conversations as references.

Text the core stores and says is plain: no platform markup, no escapes. A person or a conversation
inside it is a reference token, `person(id)` or `place(id)`, that every front end renders its own
way (Slack `<@U…>`, Teams a mention, the console `@name`). The tokens are delimited by two
characters of Unicode's private-use area, which front ends strip from what people type, so a
reference can only come from the platform's own mention syntax.

Emphasis in the core's own sentences is light and the same everywhere: `code` for what to type,
*words* for emphasis; each front end maps it to its platform's markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable

OPEN, CLOSE = "\ue000", "\ue001"
PERSON, PLACE = "@", "#"
# An id as its platform writes it (Teams channels: `19:…@thread.tacv2`): anything but white space.
REF = re.compile(f"{OPEN}([{PERSON}{PLACE}])([^{OPEN}{CLOSE}\\s]{{1,200}}){CLOSE}")


def person(user_id: str) -> str:
    """A reference to a person, by the id their platform gives them."""
    return f"{OPEN}{PERSON}{user_id}{CLOSE}"


def place(conversation_id: str) -> str:
    """A reference to a conversation (a channel), by its platform's id."""
    return f"{OPEN}{PLACE}{conversation_id}{CLOSE}"


def person_id(token: str) -> str | None:
    """The id in `token` if it is exactly one reference to a person."""
    m = REF.fullmatch(token)
    return m.group(2) if m and m.group(1) == PERSON else None


def place_id(token: str) -> str | None:
    """The id in `token` if it is exactly one reference to a conversation."""
    m = REF.fullmatch(token)
    return m.group(2) if m and m.group(1) == PLACE else None


def clean(typed: str) -> str:
    """What a person typed, with the reference delimiters taken out (they cannot forge one)."""
    return typed.replace(OPEN, "").replace(CLOSE, "")


def render(text: str, *, person: Callable[[str], str], place: Callable[[str], str],
           plain: Callable[[str], str] = lambda s: s) -> str:
    """`text` with each reference drawn by `person`/`place` and the rest passed through `plain`
    (a front end's escaping)."""
    out: list[str] = []
    last = 0
    for m in REF.finditer(text):
        out.append(plain(text[last:m.start()]))
        out.append(person(m.group(2)) if m.group(1) == PERSON else place(m.group(2)))
        last = m.end()
    out.append(plain(text[last:]))
    return "".join(out)


def plain_text(text: str) -> str:
    """`text` for a reader with no markup at all: references as `@id` and `#id`."""
    return render(text, person=lambda i: f"@{i}", place=lambda i: f"#{i}")
