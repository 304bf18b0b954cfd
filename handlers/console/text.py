"""What the console's person types, as the core's text, and the core's text as the console shows it.

People and channels are named by plain names: `@ann` is the person whose id is `ann`, `#sales` the
conversation whose id is `sales`. Typed text loses the core's reference delimiters first, so a
reference can only come from `@`/`#`.
"""

from __future__ import annotations

import re

from bot import text

NAME = r"[A-Za-z0-9_.\-]{1,80}"
# `@ann` or `#sales` at the start of a word or after `=`, `,` or an opening quote; not in an e-mail address.
TYPED_REF = re.compile(rf"(?<![A-Za-z0-9_.@#])([@#])({NAME})")
EMPHASIS = re.compile(r"\*([^*\n]+)\*")


def to_core(typed: str) -> str:
    """A typed line as core text: delimiters stripped, `@name`/`#name` as references."""

    def ref(m: re.Match[str]) -> str:
        name = m.group(2).rstrip(".-")
        tail = m.group(2)[len(name):]
        if not name:
            return m.group(0)
        return (text.person(name) if m.group(1) == "@" else text.place(name)) + tail

    return TYPED_REF.sub(ref, text.clean(typed))


def places(core_text: str) -> set[str]:
    """The conversations referred to in `core_text`."""
    return {m.group(2) for m in text.REF.finditer(core_text) if m.group(1) == text.PLACE}


def show(core_text: str | None) -> str:
    """Core text for the terminal: references as `@ann`/`#sales`, *emphasis* without its stars."""
    if not core_text:
        return ""
    return EMPHASIS.sub(r"\1", text.plain_text(core_text))
