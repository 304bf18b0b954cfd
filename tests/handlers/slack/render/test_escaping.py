"""Person-written text reaches Slack as text: decoded once on input, escaped once on output.

Slack markup in what people type (`<!channel>`, `<!subteam^…>`, `<url|label>`) is stored as the
plain words it stands for; on output `&`, `<` and `>` are escaped in blocks and in the `text`
fallback, and only single-person mentions (`<@U…>`) and channel references (`<#C…>`) stay live.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot import parsing
from bot import text as core_text
from bot.errors import UsageError
from bot.feedback.service import AlreadyActed
from bot.projects.lookup import DuplicateProject, UnknownProject
from bot.projects.views import Health
from bot.risks import grammar as g_risk
from bot.standups import grammar as g_standup
from handlers.slack.forms import _rich_text
from handlers.slack.render import common
from handlers.slack.render import feedback as fui
from handlers.slack.render import projects as pui
from handlers.slack.render import risks as rui
from handlers.slack.render.catalog import render
from handlers.slack.text import to_core
from tests.handlers.slack.render.builders import check_message, item, project, risk
from tests.handlers.slack.render.mrkdwn import LIVE, mrkdwn_strings

HOSTILE = ["<!channel>", "<!here>", "<!everyone>", "<!subteam^S1|@devs>", "<http://evil.example/pay|bank>",
           "R&D <b>", "&lt;!channel&gt;"]


def strings(obj: Any) -> list[str]:
    """Every string in a payload, keys aside."""
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, dict):
        return [s for v in obj.values() for s in strings(v)]
    if isinstance(obj, list):
        return [s for v in obj for s in strings(v)]
    return []


def assert_inert(msg: dict[str, Any]) -> None:
    for s in mrkdwn_strings(msg):
        assert not LIVE.search(s), s
        assert not re.search(r"&(?!amp;|lt;|gt;)", s), s  # every & is escaped or an entity


# ---- input: decoded exactly once ------------------------------------------------------------------

@pytest.mark.parametrize("raw,stored", [
    ("<!channel> read this", "@channel read this"),
    ("<!here|here> and <!everyone>", "@here and @everyone"),
    ("ping <!subteam^S0123|@devs>", "ping @devs"),
    ("<!subteam^S0123>", "@group"),
    ("<http://evil.example/pay|https://bank.example>", "https://bank.example (http://evil.example/pay)"),
    ("<https://example.com/x|example.com/x>", "https://example.com/x"),
    ("<https://example.com/?a=1&amp;b=2>", "https://example.com/?a=1&b=2"),
    ("ask <@U123|bob> in <#C9|sales>", f"ask {core_text.person('U123')} in {core_text.place('C9')}"),
    ("&lt;!channel&gt;", "<!channel>"),  # typed as text, stays text (escaped again on output)
    ("&amp;lt;b&amp;gt;", "&lt;b&gt;"),  # decoded once: a typed "&lt;" stays as typed
    ("R&amp;D &lt;EU&gt;", "R&D <EU>"),
])
def test_plain_stores_what_the_person_meant(raw: str, stored: str) -> None:
    assert parsing.plain(to_core(raw)) == stored


def test_risk_title_is_decoded_once() -> None:
    request = g_risk.parse(to_core("add Costs &amp;lt;b&amp;gt; &amp; more p=5 i=5"))
    assert isinstance(request, g_risk.AddRisk)
    assert request.data.title == "Costs &lt;b&gt; & more"
    request = g_risk.parse(to_core("add <!channel> read this p=5 i=5 project=Acme"))
    assert isinstance(request, g_risk.AddRisk) and request.data.title == "@channel read this"


def test_rich_text_broadcasts_and_links_become_text() -> None:
    node = {"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [
        {"type": "broadcast", "range": "channel"}, {"type": "text", "text": " see "},
        {"type": "link", "url": "http://evil.example/pay", "text": "bank"},
        {"type": "text", "text": " with "}, {"type": "user", "user_id": "U1"},
        {"type": "usergroup", "usergroup_id": "S1"}]}]}
    ann = core_text.person("U1")
    assert _rich_text(node).strip() == f"@channel see bank (http://evil.example/pay) with {ann}@group"


# ---- output: escaped exactly once -----------------------------------------------------------------

def test_safe_escapes_everything_but_people_and_channels() -> None:
    assert common.safe("a & b <c> <@U1> <#C1> <!channel> <!here> <https://x.io|y>") == \
        "a &amp; b &lt;c&gt; <@U1> <#C1> &lt;!channel&gt; &lt;!here&gt; &lt;https://x.io|y&gt;"
    assert common.safe("<@U1|<!channel>>") == "&lt;@U1|&lt;!channel&gt;&gt;"
    assert common.safe("&lt;") == "&amp;lt;"


@pytest.mark.parametrize("text", HOSTILE)
def test_risk_builders_escape_blocks_and_fallback(text: str) -> None:
    r = risk(title=parsing.plain(text), mitigation=parsing.plain(text), description=text)
    p = project(name=text)
    for msg in (rui.added(r, p, []), rui.announcement(r, p, "UMEMBER", "New risk"), rui.closed(r, text),
                rui.listing([r], {1: text}, total=1, page=1, pages=1, project=p, include_closed=False),
                rui.listing([], {}, total=0, page=1, pages=1, project=p, include_closed=False),
                rui.card(r, p, []), rui.updated(r, {"title": ["a", text]})):
        assert_inert(check_message(msg))


def test_fallback_of_an_added_risk_is_escaped() -> None:
    msg = rui.added(risk(number=4, title="Risk & <b> of delay"), None, [])
    assert "Risk &amp; &lt;b&gt; of delay" in msg["text"] and "<b>" not in msg["text"]


def test_user_mention_stays_live() -> None:
    msg = rui.announcement(risk(title="ask <@U123> first"), project(), "UMEMBER", "New risk")
    assert all("<@U123>" in s for s in mrkdwn_strings(msg)[:2])


@pytest.mark.parametrize("text", HOSTILE)
def test_feedback_and_project_builders_escape(text: str) -> None:
    f = item(text=text, action_text=text, acted_by="UMGR", acted_at=item().created_at)
    p = project(name=text, client=text)
    for msg in (fui.recorded(f, p, False), fui.listing([f], {1: text}, total=1, page=1, pages=1, project=p),
                fui.listing([], {}, total=0, page=1, pages=1, project=p), fui.acted(f),
                fui.author_notice(f), pui.created(p), pui.listing([p]), pui.card(p, Health())):
        assert_inert(check_message(msg))


@pytest.mark.parametrize("text", HOSTILE)
def test_feedback_and_project_errors_quote_what_was_typed_escaped(text: str) -> None:
    errors = (AlreadyActed(3, "UMGR", text), UnknownProject(text, [text]), DuplicateProject(text))
    for error in errors:
        [msg] = render(error)
        assert_inert(check_message(msg))
    [acted] = render(errors[0])
    assert acted["text"] == f"F-3 was already acted on by <@UMGR>: {common.safe(text)}"
    [unknown] = render(errors[1])
    assert f"There is no project called *{common.safe(text)}*. Did you mean *{common.safe(text)}*?" in unknown["text"]


# ---- error replies echo escaped input -------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "add x p=<!channel>", "list <!channel>", "<!channel>", "add x review=<!here>", "show R-1 <!channel>",
])
def test_risk_usage_errors_echo_escaped(text: str) -> None:
    with pytest.raises(UsageError) as e:
        g_risk.parse(to_core(text))
    assert "<!" not in common.safe(str(e.value))  # as the Slack front end shows it


@pytest.mark.parametrize("text", ["<!channel>", "add <!here>", "set <!everyone> channel=<#C1|x>"])
def test_standup_usage_errors_echo_escaped(text: str) -> None:
    with pytest.raises(UsageError) as e:
        g_standup.parse(to_core(text))
    assert "<!" not in common.safe(e.value.message)


def test_echo_escapes_decoded_input() -> None:
    assert common.safe(parsing.echo(to_core("R&amp;D &lt;EU&gt; <!channel>"))) == "R&amp;D &lt;EU&gt; @channel"


def test_checkin_answer_as_plain_text_is_not_escaped() -> None:
    from handlers.slack.render import checkins as cui
    from storage.models_rhythm import CheckinAnswer

    a = CheckinAnswer(score=2, comment="R&D <late>")
    assert "R&amp;D &lt;late&gt;" in cui.answer_text(a)
    assert "“R&D <late>”" in cui.answer_text(a, mrkdwn=False)  # for the risk form's description
