"""Long messages are packed over several messages within Slack's limits on a whole message, and a
long text is split at a line end (a longer line at a space), never inside markup."""

from __future__ import annotations

import re
from typing import Any

from handlers.slack.render import common
from tests.message_limits import check_whole_message

MENTION = re.compile(r"<@U\d+>")


def check_messages(msgs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    assert msgs
    for m in msgs:
        check_whole_message(m)
    return msgs


def test_split_text_cuts_at_line_ends_and_keeps_every_line() -> None:
    lines = [f"• line {n} " + "y" * 300 for n in range(40)]
    pieces = common.split_text("\n".join(lines), 3000)
    assert len(pieces) > 1 and all(len(p) <= 3000 for p in pieces)
    assert "\n".join(pieces).split("\n") == lines  # cut only between lines, nothing lost


def test_split_text_never_cuts_inside_a_mention_a_link_or_bold() -> None:
    mentions = ", ".join(f"<@U{n:09d}>" for n in range(400))  # one line of 5,200 characters
    pieces = common.split_text(mentions, 3000)
    assert len(pieces) == 2 and all(len(p) <= 3000 for p in pieces)
    for p in pieces:
        assert MENTION.sub("", p).replace(",", "").strip() == ""  # only whole mentions
    assert len(MENTION.findall(" ".join(pieces))) == 400
    links = " ".join(f"<https://example.com/{n}|link number {n}>" for n in range(200))
    for p in common.split_text(links, 1000):
        assert len(p) <= 1000 and p.count("<") == p.count(">") and p.startswith("<") and p.endswith(">")
    bold = " ".join(f"*bold words {n}* plain words" for n in range(200))
    for p in common.split_text(bold, 500):
        assert len(p) <= 500 and p.count("*") % 2 == 0
    # a token with no space in it at all is still not cut inside a mention
    glued = "x" * 2990 + "<@U123456789>"
    first, second = common.split_text(glued, 3000)
    assert first == "x" * 2990 and second == "<@U123456789>"


def test_messages_respect_the_limits_on_the_whole_message() -> None:
    blocks = [common.header("A long digest")]
    for n in range(120):
        blocks += common.sections(f"*<@U{n:09d}>*\n" + "word " * 500)
    msgs = check_messages(common.messages("A long digest", blocks))
    assert len(msgs) > 1
    assert [b for m in msgs for b in m["blocks"]] == blocks  # in order, nothing lost
    assert msgs[0]["text"] == "A long digest" and msgs[1]["text"].startswith("(2/")
    many = [common.context(f"<@U{n}>") for n in range(130)]
    msgs = check_messages(common.messages("many", many))
    assert [len(m["blocks"]) for m in msgs] == [50, 50, 30]


def test_a_header_or_divider_opens_the_next_message_rather_than_ending_one() -> None:
    big = common.section("z" * 2900)
    blocks = [big, big, big, common.divider(), common.header("Next part"), big]
    msgs = check_messages(common.messages("t", blocks))
    assert [b["type"] for b in msgs[0]["blocks"]] == ["section"] * 3
    assert [b["type"] for b in msgs[1]["blocks"]] == ["divider", "header", "section"]
    blocks = [big, big, common.section("z" * 2000), common.divider(), common.header("Next part"), big]
    msgs = check_messages(common.messages("t", blocks))
    assert [b["type"] for b in msgs[1]["blocks"]] == ["divider", "header", "section"]


def test_at_most_max_messages_and_the_last_says_what_was_left_out() -> None:
    blocks = [common.section("z" * 2900) for _ in range(40)]
    msgs = check_messages(common.messages("t", blocks, max_messages=5, more="`/summary project=NAME`"))
    assert len(msgs) == 5
    assert msgs[-1]["blocks"][-1]["type"] == "context"
    assert "`/summary project=NAME`" in msgs[-1]["blocks"][-1]["elements"][0]["text"]


def test_sections_split_a_long_text_and_keep_the_accessory_on_the_first() -> None:
    button = common.button("Go", "go")
    out = common.sections("\n".join("• " + "w" * 100 for _ in range(100)), accessory=button)
    assert len(out) == 4 and out[0]["accessory"] == button and all("accessory" not in b for b in out[1:])
    assert all(len(b["text"]["text"]) <= common.MAX_SECTION for b in out)
