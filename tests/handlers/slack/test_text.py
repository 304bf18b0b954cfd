"""Slack's text to the core's and back: read once on the way in, escaped once on the way out."""

from __future__ import annotations

from bot import text
from handlers.slack.render.common import safe
from handlers.slack.text import mrkdwn, plain, to_core


def test_to_core_decodes_entities_and_unwraps_links() -> None:
    assert to_core("R&amp;D &lt;urgent&gt; ") == "R&D <urgent> "
    assert to_core("see <https://example.com/x|example.com/x>") == "see https://example.com/x"
    assert to_core("&amp;lt;") == "&lt;"  # decoded once: a typed "&lt;" stays as typed


def test_to_core_shows_text_as_written_with_references() -> None:
    typed = "<@U123|bob> in <#C123|sales>, <!here> and <!subteam^S1|@devs>: R&amp;D &lt;3 <mailto:a@b.c|a@b.c>"
    assert to_core(typed) == f"{text.person('U123')} in {text.place('C123')}, @here and @devs: R&D <3 mailto:a@b.c"


def test_no_one_can_type_a_reference() -> None:
    forged = f"{text.OPEN}@UBOSS{text.CLOSE}"
    assert text.person_id(to_core(forged)) is None
    assert text.OPEN not in to_core(forged)


def test_out_again_escaped_once_with_live_mentions_only() -> None:
    core = to_core("<@U1|ann> &lt;!channel&gt; <!channel> R&amp;D <https://evil.example|https://bank.example>")
    assert mrkdwn(core) == "<@U1> &lt;!channel&gt; @channel R&amp;D https://bank.example (https://evil.example)"
    assert safe(core) == mrkdwn(core)
    assert plain(core).startswith("@U1 <!channel>")


def test_rows_stored_with_slack_mentions_still_show_them_live() -> None:
    assert mrkdwn("Ask <@U1> in <#C1> & <b>") == "Ask <@U1> in <#C1> &amp; &lt;b&gt;"


def test_safe_cuts_without_breaking_a_mention() -> None:
    core = "ab " + text.person("U12345")
    assert safe(core, limit=6) == "ab …"
