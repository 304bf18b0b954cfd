"""Slack's text to the core's and back.

Slack sends a command's text escaped (`should_escape: true`): `&`, `<`, `>` as entities, people as
`<@U123|name>`, channels as `<#C123|name>`, broadcasts as `<!channel>`, links as `<url|label>`.
`to_core` reads that once into the core's plain text (`bot.text`), and `mrkdwn` writes core text
for a mrkdwn field or a message's `text` fallback, escaped exactly once by Slack's rules.
"""

from __future__ import annotations

import re

from bot import text

# Slack's ids are short; anything longer than the 32 characters they are stored in is not one.
SLACK_ID = r"[A-Z0-9]{1,31}"
USER = re.compile(rf"^<@([UW]{SLACK_ID})(?:\|[^>]*)?>$")
CHANNEL = re.compile(rf"^<#([CG]{SLACK_ID})(?:\|([^>]*))?>$")
BROADCASTS = {"channel", "here", "everyone"}
MARKUP = re.compile(r"<([^<>]*)>")  # one piece of Slack markup; a literal < or > arrives as &lt; / &gt;
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
ENTITY = re.compile(r"&(amp|lt|gt);")
_DECODE = {"amp": "&", "lt": "<", "gt": ">"}
# A mention of one person or a channel reference as stored before the core had its own references.
LEGACY_REF = re.compile(rf"<@([UW]{SLACK_ID})>|<#([CG]{SLACK_ID})>")
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def link_text(url: str, label: str | None) -> str:
    """A link as text that shows where it leads: the URL, after its label when that says something else."""
    label = (label or "").strip()
    bare = SCHEME.sub("", url).removeprefix("//")
    if not label or label in (url, bare, bare.rstrip("/")):
        return url
    return f"{label} ({url})"


def to_core(slack_text: str) -> str:
    """Slack's escaped text as the person meant it, in the core's text.

    Mentions of one person and channel references become the core's references (`bot.text`);
    broadcasts become the words `@channel`, `@here`, `@everyone`, user groups `@name`, and a link
    its label with the real URL (`link_text`). Slack's three entities are decoded exactly once,
    after the markup is read, so text typed as `&lt;!channel&gt;` is kept as the characters
    `<!channel>`, which `mrkdwn` escapes again on output."""

    def markup(m: re.Match[str]) -> str:
        target, _, label = m.group(1).partition("|")
        if user := USER.match(f"<{target}>"):
            return text.person(user.group(1))
        if channel := CHANNEL.match(f"<{target}>"):
            return text.place(channel.group(1))
        if target.startswith("!"):
            name = target[1:]
            if name in BROADCASTS:
                return f"@{name}"
            if name.startswith("subteam^"):
                return f"@{label.lstrip('@')}" if label.strip("@ ") else "@group"
            return label or name  # `<!date^…|fallback>` and the like: the words Slack would show
        if SCHEME.match(target):
            return link_text(target, label)
        return m.group(0)

    return ENTITY.sub(lambda m: _DECODE[m.group(1)], MARKUP.sub(markup, text.clean(slack_text)))


def _escape(part: str) -> str:
    return "".join(_ESCAPES.get(ch, ch) for ch in part)


def legacy(core_text: str) -> str:
    """Rows written before the core had its own references hold Slack's: read them as references."""
    return LEGACY_REF.sub(lambda m: text.person(m.group(1)) if m.group(1) else text.place(m.group(2)), core_text)


def mrkdwn(core_text: str | None) -> str:
    """Core text for mrkdwn or a `text` fallback: &, < and > escaped, references drawn live.

    What anyone typed reaches Slack as text, so `<!channel>`, user groups and disguised links never
    come alive; only a mention of one person and a channel reference do, as in the person's own
    message. plain_text objects need no escaping (Slack does not parse them): use `plain`."""
    if not core_text:
        return ""
    return text.render(legacy(core_text), person=lambda i: f"<@{i}>", place=lambda i: f"<#{i}>", plain=_escape)


def plain(core_text: str | None) -> str:
    """Core text for a plain_text field: references shown as Slack shows unresolved ones."""
    if not core_text:
        return ""
    return text.render(legacy(core_text), person=lambda i: f"@{i}", place=lambda i: f"#{i}")
