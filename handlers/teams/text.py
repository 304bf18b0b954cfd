"""Teams' message text to the core's text, and the core's text for Teams' markdown and cards.

Teams sends a message's text HTML-encoded: what the person typed has `&`, `<`, `>` as entities
(and spaces sometimes as `&nbsp;`), and each mention is an `<at>Name</at>` tag with a `mention`
entity beside the text naming whom it stands for. `to_core` reads that once into the core's plain
text (`bot.text`): mentions become references to the person (their `aadObjectId`, else their
app-scoped `29:` id), the bot's own leading mention and a leading `/` go, and the entities are
decoded exactly once, so text typed as `&lt;b&gt;` is kept as those characters.

On output everything people wrote is escaped for Teams' markdown, so a title such as
`[pay](http://evil.example)`, `**x**` or `<at>Boss</at>` shows as the characters typed and never
becomes a link, emphasis or a mention: `markdown` for a message's text (which Teams also reads as
HTML, so `&`, `<` and `>` are entities there) and `plain` for an Adaptive Card's TextBlock (a
markdown subset, no HTML). People are drawn as their display name when the caller knows it, else
as `@id`: a live Teams mention needs an entity in the activity, which these strings cannot carry.
`core` and `core_plain` do the same for the core's own sentences, keeping their light emphasis
(`code` and *words*, see `bot.text`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from bot import text

AT = re.compile(r"<at(?:\s[^<>]*)?>(.*?)</at>", re.I | re.S)
TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)(?:\s[^<>]*)?/?>")
BREAKS = {"br", "p", "div", "li"}
ENTITY = re.compile(r"&(amp|lt|gt|nbsp|quot|apos|#39|#160);")
_DECODE = {"amp": "&", "lt": "<", "gt": ">", "nbsp": " ", "quot": '"', "apos": "'", "#39": "'", "#160": " "}
BOT_PREFIX = "28:"  # Teams gives bots ids of this form; people have `29:` ids

# Characters Teams' markdown (and a card's markdown subset) could read as markup: escaped with a
# backslash. `&`, `<`, `>` are HTML entities in a message's text, backslash-escaped in a card.
_MD_ALWAYS = set("\\`*_~[]|")
_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])", re.M)
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
SPAN = re.compile(r"`([^`\n]+)`|\*([^*\n]+)\*")

Names = Mapping[str, str]


# ---- Teams -> core --------------------------------------------------------------------------------

def _decode(part: str) -> str:
    return ENTITY.sub(lambda m: _DECODE[m.group(1)], part).replace("\xa0", " ")


def _is_bot(mentioned: Mapping[str, Any], bot_id: str | None) -> bool:
    who = str(mentioned.get("id") or "")
    return who == bot_id if bot_id else who.startswith(BOT_PREFIX)


def to_core(teams_text: str, mentions: Iterable[Mapping[str, Any]] = (), *, bot_id: str | None = None) -> str:
    """A message's text as the person meant it, in the core's text.

    `mentions` are the activity's entities (those of type `mention` are used, in order, each for
    the first `<at>` tag with the same text not matched yet). The bot is `bot_id` (the activity's
    `recipient.id`), or any `28:` id when it is not given: its mention at the start is dropped, and
    elsewhere it stays as its name. A tag with no entity stays as the name it shows."""
    pending = [m for m in mentions if m.get("type") == "mention" and isinstance(m.get("mentioned"), Mapping)]
    raw = text.clean(teams_text)
    pieces: list[str] = []
    last = 0
    leading = True  # nothing but space and the bot's mentions so far

    def plain(segment: str) -> None:
        nonlocal leading
        segment = TAG.sub(lambda t: "\n" if t.group(1).lower() in BREAKS else "", segment)
        decoded = _decode(segment)
        if decoded.strip():
            leading = False
        pieces.append(decoded)

    for m in AT.finditer(raw):
        plain(raw[last:m.start()])
        last = m.end()
        entity = next((e for e in pending if str(e.get("text") or "").strip().lower() == m.group(0).strip().lower()),
                      None)
        name = _decode(TAG.sub("", m.group(1))).strip()
        if entity is None:
            pieces.append(name)
            leading = leading and not name
            continue
        pending.remove(entity)
        mentioned = entity["mentioned"]
        if _is_bot(mentioned, bot_id):
            if not leading:
                pieces.append(name)
            continue
        who = str(mentioned.get("aadObjectId") or mentioned.get("id") or "")
        pieces.append(text.person(who) if text.person_id(text.person(who)) else name)
        leading = False
    plain(raw[last:])
    out = "".join(pieces).strip()
    return out[1:].lstrip() if out.startswith("/") else out


# ---- core -> Teams --------------------------------------------------------------------------------

def _escaper(html: bool) -> Callable[[str], str]:
    def escape(part: str) -> str:
        out = []
        for ch in part:
            if ch in _MD_ALWAYS:
                out.append("\\" + ch)
            elif ch in _HTML:
                out.append(_HTML[ch] if html else "\\" + ch)
            else:
                out.append(ch)
        # A line's first mark would start a heading, quote or list; its escape keeps it a character.
        return _LINE_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1],
                               "".join(out))

    return escape


_md_escape = _escaper(html=True)
_card_escape = _escaper(html=False)


NAMES_KEPT = 10_000
_known: dict[str, str] = {}  # aadObjectId -> display name, as Teams last told it (see `remember_name`)


def remember_name(user_id: str, name: str | None) -> None:
    """Keep a person's display name for `person_name` (the front end tells every name it sees)."""
    if not user_id or not name:
        return
    if len(_known) >= NAMES_KEPT and user_id not in _known:
        _known.pop(next(iter(_known)))
    _known[user_id] = name


def person_name(user_id: str, names: Names | None = None) -> str:
    """How a person is shown: their display name when known (given, or seen by this process), else `@id`."""
    return (names or {}).get(user_id) or _known.get(user_id) or f"@{user_id}"


def place_name(conversation_id: str, names: Names | None = None) -> str:
    """How a conversation is shown: its name when known, else `#id`."""
    return (names or {}).get(conversation_id) or f"#{conversation_id}"


def _draw(core_text: str, escape: Callable[[str], str], names: Names | None) -> str:
    return text.render(core_text, person=lambda i: escape(person_name(i, names)),
                       place=lambda i: escape(place_name(i, names)), plain=escape)


def markdown(core_text: str | None, names: Names | None = None) -> str:
    """Core text (what people wrote) for a message's markdown: every mark escaped, people by name."""
    return _draw(core_text, _md_escape, names) if core_text else ""


def plain(core_text: str | None, names: Names | None = None) -> str:
    """Core text (what people wrote) for a card's TextBlock or FactSet: every mark escaped."""
    return _draw(core_text, _card_escape, names) if core_text else ""


def raw(core_text: str | None, names: Names | None = None) -> str:
    """Core text where nothing is read as markup (an input's value, a choice's or button's title)."""
    if not core_text:
        return ""
    return text.render(core_text, person=lambda i: person_name(i, names), place=lambda i: place_name(i, names))


def _sentences(core_text: str, escape: Callable[[str], str], names: Names | None, *, code: bool) -> str:
    out: list[str] = []
    last = 0
    for m in SPAN.finditer(core_text):
        out.append(_draw(core_text[last:m.start()], escape, names))
        if m.group(1) is not None:
            out.append(f"`{raw(m.group(1), names)}`" if code else _draw(m.group(1), escape, names))
        else:
            out.append(f"**{_draw(m.group(2), escape, names)}**")
        last = m.end()
    out.append(_draw(core_text[last:], escape, names))
    return "".join(out)


def core(core_text: str | None, names: Names | None = None) -> str:
    """The core's own sentences (an answer, a refusal, a usage) for a message's markdown: `code`
    and *emphasis* kept as Teams' code and bold, everything else escaped as `markdown` does."""
    return _sentences(core_text, _md_escape, names, code=True) if core_text else ""


def core_plain(core_text: str | None, names: Names | None = None) -> str:
    """The core's own sentences for a card's TextBlock: *emphasis* as bold, `code` as its words
    (cards have no code spans), everything else escaped as `plain` does."""
    return _sentences(core_text, _card_escape, names, code=False) if core_text else ""
