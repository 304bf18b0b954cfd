"""Teams' message text becomes the core's text once; the core's text is escaped once for Teams."""

from __future__ import annotations

import re

import pytest

from bot import text
from handlers.teams.text import core, core_plain, markdown, plain, raw, to_core

BOT = {"type": "mention", "mentioned": {"id": "28:app-id", "name": "Assistant"}, "text": "<at>Assistant</at>"}
ANN = {"type": "mention", "mentioned": {"id": "29:1ann", "name": "Ann Lee", "aadObjectId": "aaaa-1111"},
       "text": "<at>Ann Lee</at>"}
BO = {"type": "mention", "mentioned": {"id": "29:1bo", "name": "Bo"}, "text": "<at>Bo</at>"}

HOSTILE = ["[pay](http://evil.example)", "**x**", "<at>Boss</at>", "_it_ ~~gone~~ `code`", "# Heading",
           "- item\n1. one\n> quote", "R&D <b>bold</b> &amp; \\*", "![img](http://evil.example/x.png)"]


def unescape_markdown(md: str) -> str:
    """What a markdown reader shows for text `markdown` escaped: backslash escapes and the three
    entities undone, nothing else."""
    shown = re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", md)
    return shown.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def unescape_card(md: str) -> str:
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", md)


def live(md: str) -> list[str]:
    """Marks a markdown reader would act on: an unescaped `[`, `*`, `_`, `~`, backtick, `<`, or a
    line starting with `#`, `>`, `-`, `+` or `N.`."""
    found = re.findall(r"(?<!\\)[\[*_~`<]", re.sub(r"\\\\", "", md))
    found += re.findall(r"(?m)^\s*(?:[#>+\-]|\d+\.)", md)
    return found


# ---- Teams -> core ------------------------------------------------------------------------------

def test_mentions_become_references_and_the_bots_own_leading_mention_goes() -> None:
    typed = "<at>Assistant</at> checkin add <at>Ann Lee</at>, <at>Bo</at> project=Apollo"
    core_text = to_core(typed, [BOT, ANN, BO])
    assert core_text == f"checkin add {text.person('aaaa-1111')}, {text.person('29:1bo')} project=Apollo"
    assert to_core(typed, [BOT, ANN, BO], bot_id="28:app-id") == core_text


def test_a_mention_of_the_bot_later_in_the_text_stays_as_its_name() -> None:
    assert to_core("<at>Assistant</at> risk add ask <at>Assistant</at> p=2", [BOT, BOT]) == "risk add ask Assistant p=2"


def test_a_leading_slash_and_formatting_tags_go() -> None:
    assert to_core("<p>/risk list</p>", []) == "risk list"
    assert to_core("<at>Assistant</at>&nbsp;/feedback Good&nbsp;call", [BOT]) == "feedback Good call"


def test_entities_are_decoded_exactly_once() -> None:
    assert to_core("risk add R&amp;D &lt;EU&gt; p=5", []) == "risk add R&D <EU> p=5"
    assert to_core("feedback &amp;lt;b&amp;gt; ok", []) == "feedback &lt;b&gt; ok"
    assert to_core("feedback &quot;quoted&quot; it&#39;s", []) == "feedback \"quoted\" it's"


def test_typed_tags_and_delimiters_cannot_forge_a_mention() -> None:
    # What the person typed as `<at>Boss</at>` arrives encoded: it stays those characters.
    assert to_core("risk add &lt;at&gt;Boss&lt;/at&gt; p=1", []) == "risk add <at>Boss</at> p=1"
    forged = f"risk add {text.OPEN}@29:boss{text.CLOSE}"
    assert text.REF.search(to_core(forged, [])) is None
    # A tag with no entity for it shows its name, no reference.
    assert to_core("ping <at>Ghost</at>", []) == "ping Ghost"


def test_the_same_name_twice_takes_each_entity_in_turn() -> None:
    other_bo = {"type": "mention", "mentioned": {"id": "29:2bo", "name": "Bo"}, "text": "<at>Bo</at>"}
    assert to_core("<at>Bo</at> and <at>Bo</at>", [BO, other_bo]) == (
        f"{text.person('29:1bo')} and {text.person('29:2bo')}")


# ---- core -> Teams ------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", HOSTILE)
def test_what_people_wrote_shows_as_typed_in_a_message(typed: str) -> None:
    md = markdown(typed)
    assert unescape_markdown(md) == typed
    assert not live(md), md
    assert "<" not in md and "](" not in md.replace("\\](", "")


@pytest.mark.parametrize("typed", HOSTILE)
def test_what_people_wrote_shows_as_typed_in_a_card(typed: str) -> None:
    md = plain(typed)
    assert unescape_card(md) == typed
    assert not live(md), md


def test_references_are_drawn_as_names_or_ids() -> None:
    said = f"ask {text.person('aaaa-1111')} in {text.place('19:chan')}"
    assert markdown(said) == "ask @aaaa\\-1111 in #19:chan" or unescape_markdown(markdown(said)) == (
        "ask @aaaa-1111 in #19:chan")
    assert markdown(said, {"aaaa-1111": "Ann *Lee*"}).startswith("ask Ann \\*Lee\\*")
    assert raw(said, {"aaaa-1111": "Ann"}) == "ask Ann in #19:chan"


def test_the_cores_own_sentences_keep_their_emphasis_and_nothing_else() -> None:
    said = "*Usage of /risk* — `/risk add TITLE` [x](http://evil.example) <at>Boss</at>"
    md = core(said)
    assert md.startswith("**Usage of /risk** — `/risk add TITLE` ")
    assert "\\[x\\]" in md and "&lt;at&gt;" in md
    card = core_plain(said)
    assert card.startswith("**Usage of /risk** — /risk add TITLE ") and "\\<at\\>" in card
