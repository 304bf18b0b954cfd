"""Parsing of slash-command text as Slack sends it (`should_escape: true`).

Options are `key=value` words anywhere after the sub-command; a value may be
quoted with straight or curly quotes (`key="several words"`, `key=“a b”`). A
word that starts with a quote is free text even if it holds `=`. Mentions
arrive escaped: `<@U123|name>`, `<#C123|name>`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from bot.errors import UsageError

OPEN_QUOTES = {'"': '"', "“": "”", "”": "”", "„": "“", "«": "»", "‘": "’", "’": "’"}
CLOSE_QUOTES = set('"”“»’')
OPTION = re.compile(r"^([A-Za-z][A-Za-z_-]*)=(.*)$", re.S)
# Slack's ids are short; anything longer than the 32 characters they are stored in is not one.
SLACK_ID = r"[A-Z0-9]{1,31}"
USER = re.compile(rf"^<@([UW]{SLACK_ID})(?:\|[^>]*)?>$")
CHANNEL = re.compile(rf"^<#([CG]{SLACK_ID})(?:\|([^>]*))?>$")
ANY_ESCAPE = re.compile(r"<([@#!])([^|>]+)(?:\|([^>]*))?>")
LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")


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
            end = text.find(">", i) if ch == "<" else -1
            if end != -1:  # Slack's escapes (`<@U1|name>`) stay whole; a literal < arrives as &lt;
                buf.append(text[i:end + 1])
                i = end + 1
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
        if m and not USER.match(tok.text):
            key = aliases.get(m.group(1).lower(), m.group(1).lower())
            if key not in allowed:
                known = ", ".join(f"{k}=" for k in sorted(allowed)) or "none"
                raise UsageError(
                    f"I don't know the option `{m.group(1)}=` here (options: {known}). "
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


def unescape(text: str) -> str:
    """Slack's escaped text as a person wrote it: mentions to @name, entities decoded."""

    def mention(m: re.Match[str]) -> str:
        sigil, ident, label = m.group(1), m.group(2), m.group(3)
        if sigil == "@":
            return f"<@{ident}>"  # keep user mentions live when shown back in Slack
        if sigil == "#":
            return f"<#{ident}>"
        return f"@{(label or ident).lstrip('@^')}"

    text = ANY_ESCAPE.sub(mention, text)
    text = LINK.sub(lambda m: m.group(1), text)
    return html.unescape(text)


def plain(text: str) -> str:
    """Free text for storage: Slack's HTML entities decoded, links unwrapped."""
    return html.unescape(LINK.sub(lambda m: m.group(1), text)).strip()


def user_id(value: str, what: str, usage: str | None = None) -> str:
    m = USER.match(value.strip())
    if not m:
        raise UsageError(
            f"`{what}=` needs a person mentioned with @ (pick them from Slack's list), not `{value}`.", usage
        )
    return m.group(1)


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
    m = CHANNEL.match(value.strip())
    if not m:
        raise UsageError(
            f"`{what}=` needs a channel picked with # from Slack's list (e.g. #sales), not `{value}`.", usage
        )
    return m.group(1)


def int_in(value: str, what: str, low: int, high: int, usage: str | None = None) -> int:
    v = value.strip()
    if not re.fullmatch(r"[+-]?\d{1,6}", v) or not low <= int(v) <= high:
        raise UsageError(f"`{what}=` must be a whole number from {low} to {high}, not `{value}`.", usage)
    return int(v)


def iso_date(value: str, what: str, usage: str | None = None) -> date:
    v = value.strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            raise ValueError
        return date.fromisoformat(v)
    except ValueError:
        raise UsageError(f"`{what}=` must be a date written YYYY-MM-DD, not `{value}`.", usage) from None


def amount(value: str, what: str, usage: str | None = None) -> float:
    """A money amount: 50000, 50,000, 50k, 1.5m (currency signs ignored)."""
    v = value.strip().lower().replace(",", "").replace("_", "")
    v = re.sub(r"^[$€£¥]|[$€£¥]$", "", v)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([km]?)", v)
    if not m:
        raise UsageError(f"`{what}=` must be an amount such as 50000 or 50k, not `{value}`.", usage)
    n = float(m.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2)]
    if n > 1e15:
        raise UsageError(f"`{what}=` is too large.", usage)
    return n


def choice(value: str, what: str, allowed: Iterable[str], usage: str | None = None) -> str:
    v = value.strip().lower()
    allowed = list(allowed)
    if v not in allowed:
        raise UsageError(f"`{what}=` must be one of {', '.join(allowed)}, not `{value}`.", usage)
    return v


def item_number(value: str, prefix: str, usage: str | None = None) -> int:
    """`R-12`, `r12`, `#12` or `12` -> 12."""
    m = re.fullmatch(rf"(?:{prefix}-?|#)?(\d{{1,9}})", value.strip(), re.I)
    if not m:
        raise UsageError(f"`{value}` is not an id like {prefix}-12.", usage)
    return int(m.group(1))
