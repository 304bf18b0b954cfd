"""Parsing of a command's text, in the core's text (`bot.text`): each front end first turns its
platform's text into it (Slack: `handlers.slack.text.to_core`).

Options are `key=value` words anywhere after the sub-command; a value may be
quoted with straight or curly quotes (`key="several words"`, `key=“a b”`). A
word that starts with a quote is free text even if it holds `=`. People and
channels are the core's reference tokens (`text.person`, `text.place`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot import text as core_text
from bot.errors import UsageError
from storage import clock

OPEN_QUOTES = {'"': '"', "“": "”", "”": "”", "„": "“", "«": "»", "‘": "’", "’": "’"}
CLOSE_QUOTES = set('"”“»’')
OPTION = re.compile(r"^([A-Za-z][A-Za-z_-]*)=(.*)$", re.S)
MAX_ID = 64  # the most characters a person's id is stored in (an Entra object id has 36)
MAX_PLACE_ID = 200  # and a conversation's (a Teams conversation id runs to some 200)


@dataclass
class Token:
    text: str
    quoted: bool  # the word began with a quote: free text, never an option
    raw: str = ""  # the word as typed, quotes included
    sep: str = ""  # the white space typed before it


@dataclass
class Parsed:
    sub: str  # the sub-command, lower-cased ("" when none)
    options: dict[str, str] = field(default_factory=dict)
    words: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    free: list[Token] = field(default_factory=list)  # the tokens behind `words`

    @property
    def rest(self) -> str:
        return self.text_from(0)

    def text_from(self, index: int) -> str:
        """The free text from word `index` on, as typed: quotes, line breaks and spacing kept.

        Only when the whole of it is one quoted run (`"Vendor may slip"`) are the quotes dropped.
        """
        toks = self.free[index:]
        if not toks:
            return ""
        if len(toks) == 1 and toks[0].quoted:
            return toks[0].text.strip()
        return (toks[0].raw + "".join(t.sep + t.raw for t in toks[1:])).strip()


def tokenize(text: str) -> list[Token]:
    """Split on white space, keeping quoted runs (straight or curly quotes) together."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        space_start = i
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            break
        sep, start = text[space_start:i], i
        buf: list[str] = []
        starts_quoted = text[i] in OPEN_QUOTES and text[i] not in "’"
        while i < n and not text[i].isspace():
            ch = text[i]
            # a quote opens a run at the start of a word or right after `key=`
            if ch in OPEN_QUOTES and (not buf or buf[-1] == "=") and (ch != "’" or not buf):
                i += 1
                while i < n and text[i] not in CLOSE_QUOTES:
                    buf.append(text[i])
                    i += 1
                i += 1  # the closing quote (or the end)
                continue
            buf.append(ch)
            i += 1
        tokens.append(Token("".join(buf), starts_quoted, text[start:i], sep))
    return tokens


def parse(
    text: str,
    *,
    options: Iterable[str] = (),
    aliases: dict[str, str] | None = None,
    flags: Iterable[str] = (),
    leading_flags_only: bool = False,
    has_sub: bool = True,
    usage: str | None = None,
) -> Parsed:
    """Parse command text into sub-command, options, flags and free words.

    `options` are the allowed keys (after `aliases` maps e.g. p -> probability);
    any other `key=` word is refused. `flags` are bare words such as `all`;
    with `leading_flags_only` they count only before the free text starts, so
    "private" in the middle of a sentence stays text.
    """
    allowed = set(options)
    aliases = aliases or {}
    flagset = {f.lower() for f in flags}
    tokens = tokenize(strip_nul(text or ""))
    out = Parsed(sub="")
    if has_sub and tokens and not tokens[0].quoted:
        out.sub = tokens.pop(0).text.lower()
    text_started = False
    for tok in tokens:
        m = None if tok.quoted else OPTION.match(tok.text)
        if m and person(tok.text) is None:
            key = aliases.get(m.group(1).lower(), m.group(1).lower())
            if key not in allowed:
                known = ", ".join(f"{k}=" for k in sorted(allowed)) or "none"
                raise UsageError(
                    f"I don't know the option `{echo(m.group(1))}=` here (options: {known}). "
                    "To use `=` in text, put that text in quotes.",
                    usage,
                )
            if key in out.options:
                raise UsageError(f"The option `{key}=` is given twice.", usage)
            out.options[key] = m.group(2).strip()
            continue
        low = tok.text.lower()
        if not tok.quoted and low in flagset and not (leading_flags_only and text_started):
            out.flags.add(low)
            continue
        text_started = True
        out.words.append(tok.text)
        out.free.append(tok)
    return out


def strip_nul(text: str) -> str:
    """Text without NUL characters, which no one types on purpose and PostgreSQL cannot store."""
    return text.replace("\x00", "")


MAX_BUTTON_JSON = 3000  # Slack's limits: a button's value 2,000 characters, a form's private_metadata 3,000


def button_json(value: Any) -> Any:
    """A button value (or form metadata) the bot wrote as JSON, read back; None for anything else.

    Values come back in the request as the sender chose them, so they are bounded before parsing
    (a 50,000-deep `[[[…` would exhaust the recursion limit) and any failure is a stale button."""
    if not isinstance(value, str) or len(value) > MAX_BUTTON_JSON:
        return None
    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        return None


def blank(text: str) -> bool:
    """Nothing a reader would see: only white space and invisible format characters (zero-width
    space, joiners, soft hyphen, byte-order mark…), which count as empty wherever text is required."""
    return all(c.isspace() or unicodedata.category(c) == "Cf" for c in text)


def plain(text: str) -> str:
    """Free text for storage: outer white space dropped, and nothing visible is ''."""
    v = text.strip()
    return "" if blank(v) else v


def echo(raw: str) -> str:
    """Command text as it may be quoted back in a reply. Core text is never escaped here: each
    front end escapes whatever it shows, exactly once."""
    return raw


def person(value: str) -> str | None:
    """The id of the one person `value` refers to, if it is exactly a reference to one."""
    found = core_text.person_id(value.strip())
    return found if found and len(found) <= MAX_ID else None


def place(value: str) -> str | None:
    """The id of the one conversation `value` refers to, if it is exactly a reference to one."""
    found = core_text.place_id(value.strip())
    return found if found and len(found) <= MAX_PLACE_ID else None


def user_id(value: str, what: str, usage: str | None = None) -> str:
    found = person(value)
    if found is None:
        raise UsageError(
            f"`{what}=` needs a person mentioned with @ (pick them from the list), not `{echo(value)}`.", usage
        )
    return found


def user_ids(value: str, what: str, usage: str | None = None) -> list[str]:
    parts = [p for p in re.split(r"[,\s]+", value.strip()) if p]
    if not parts:
        raise UsageError(f"`{what}=` needs at least one person mentioned with @.", usage)
    out: list[str] = []
    for p in parts:
        uid = user_id(p, what, usage)
        if uid not in out:
            out.append(uid)
    return out


def channel_id(value: str, what: str, usage: str | None = None) -> str:
    found = place(value)
    if found is None:
        raise UsageError(
            f"`{what}=` needs a channel picked with # from the list (e.g. #sales), not `{echo(value)}`.", usage
        )
    return found


def int_in(value: str, what: str, low: int, high: int, usage: str | None = None) -> int:
    v = value.strip()
    if not re.fullmatch(r"[+-]?\d{1,6}", v) or not low <= int(v) <= high:
        raise UsageError(f"`{what}=` must be a whole number from {low} to {high}, not `{echo(value)}`.", usage)
    return int(v)


MAX_YEARS_AHEAD = 10  # review dates, deadlines, days off: what the bot plans and schedules for


def latest_date(today: date) -> date:
    """The furthest date a person may give: `MAX_YEARS_AHEAD` years after `today`."""
    try:
        return today.replace(year=today.year + MAX_YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + MAX_YEARS_AHEAD, day=28)


def iso_date(value: str, what: str, usage: str | None = None, today: date | None = None) -> date:
    v = value.strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            raise ValueError
        d = date.fromisoformat(v)
    except ValueError:
        raise UsageError(f"`{what}=` must be a date written YYYY-MM-DD, not `{echo(value)}`.", usage) from None
    latest = latest_date(today or clock.today())
    if d > latest:
        raise UsageError(f"`{what}=` can be at most {MAX_YEARS_AHEAD} years ahead (until {latest.isoformat()}), "
                         f"not `{echo(value)}`.", usage)
    return d


def amount(value: str, what: str, usage: str | None = None) -> float:
    """A money amount: 50000, 50,000, 50k, 1.5m (currency signs ignored)."""
    v = value.strip().lower().replace(",", "").replace("_", "")
    v = re.sub(r"^[$€£¥]|[$€£¥]$", "", v)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([km]?)", v)
    if not m:
        raise UsageError(f"`{what}=` must be an amount such as 50000 or 50k, not `{echo(value)}`.", usage)
    n = float(m.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2)]
    if n > 1e15:
        raise UsageError(f"`{what}=` is too large.", usage)
    return n


def choice(value: str, what: str, allowed: Iterable[str], usage: str | None = None) -> str:
    v = value.strip().lower()
    allowed = list(allowed)
    if v not in allowed:
        raise UsageError(f"`{what}=` must be one of {', '.join(allowed)}, not `{echo(value)}`.", usage)
    return v


def item_number(value: str, prefix: str, usage: str | None = None) -> int:
    """`R-12`, `r12`, `#12` or `12` -> 12."""
    m = re.fullmatch(rf"(?:{prefix}-?|#)?(\d{{1,9}})", value.strip(), re.I)
    if not m:
        raise UsageError(f"`{echo(value)}` is not an id like {prefix}-12.", usage)
    return int(m.group(1))
