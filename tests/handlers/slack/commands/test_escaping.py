"""End to end: what anyone types reaches Slack as text. No broadcast, user-group ping or disguised link
comes alive in what the bot posts, in its blocks or in its `text` fallback; a mention of one person does."""

from __future__ import annotations

import re
from typing import Any

from handlers.slack import ids
from storage.models import Risk
from tests.handlers.slack.e2e import one
from tests.handlers.slack.render.mrkdwn import LIVE, mrkdwn_strings
from tests.handlers.slack.standups import CHANNEL, answer, prompt_for
from tests.slack_requests import SlackClient, select_value, text_value
from tests.slack_stub import SlackStub

PINGS = "<!channel> <!here> <!everyone> <!subteam^S0DEVS|@devs>"


def _project(slack: SlackClient, name: str = "Acme", channel: str = "CACME") -> None:
    t = slack.command("/project", f"new {name} channel=<#{channel}|{channel.lower()}>", user="UMGR").text()
    assert "Created project" in t, t


def _inert(msg: dict[str, Any]) -> str:
    """All mrkdwn of `msg` (blocks and `text`), after checking nothing in it pings or hides a link."""
    texts = mrkdwn_strings(msg)
    for s in texts:
        assert not LIVE.search(s), s
    return "\n".join(texts)


def _announced(stub: SlackStub, channel: str = "CACME") -> dict[str, Any]:
    return stub.wait_for("chat.postMessage", channel=channel)[0]


def test_risk_announcement_does_not_ping_the_channel(slack: SlackClient, stub: SlackStub, engine) -> None:
    _project(slack)
    reply = slack.command("/risk", f"add {PINGS} read this p=5 i=5 project=Acme", user="UMEMBER").messages()[0]
    _inert(reply)
    assert one(engine, Risk).title == "@channel @here @everyone @devs read this"
    shown = _inert(_announced(stub))
    assert "@channel @here @everyone @devs read this" in shown


def test_escaped_markup_stays_text(slack: SlackClient, stub: SlackStub, engine) -> None:
    _project(slack)
    slack.command("/risk", "add &lt;!channel&gt; Risk &amp; &lt;b&gt; of delay p=5 i=5 project=Acme").text()
    assert one(engine, Risk).title == "<!channel> Risk & <b> of delay"
    post = _announced(stub)
    shown = _inert(post)
    assert "&lt;!channel&gt; Risk &amp; &lt;b&gt; of delay" in post["text"]
    assert "&lt;!channel&gt; Risk &amp; &lt;b&gt; of delay" in shown


def test_disguised_link_shows_its_real_target(slack: SlackClient, stub: SlackStub) -> None:
    _project(slack)
    slack.command("/risk", "add Pay at <http://evil.example/pay|https://bank.example> p=5 i=5 project=Acme").text()
    post = _announced(stub)
    _inert(post)
    for s in mrkdwn_strings(post)[:2]:  # the fallback and the announcement's section
        assert "http://evil.example/pay" in s


def test_a_mention_of_one_person_stays_live(slack: SlackClient, stub: SlackStub) -> None:
    _project(slack)
    slack.command("/risk", "add Ask <@UMEMBER2|nina> about <!here> p=5 i=5 project=Acme").text()
    post = _announced(stub)
    _inert(post)
    assert all("<@UMEMBER2>" in s for s in mrkdwn_strings(post)[:2])


def test_risk_form_and_show_escape_what_was_typed(slack: SlackClient, stub: SlackStub, engine) -> None:
    _project(slack)
    slack.command("/risk", "", user="UMEMBER")
    view = stub.wait_for("views.open")[0]["view"]
    project_id = next(o["value"] for b in view["blocks"] if b["block_id"] == ids.B_PROJECT
                      for o in b["element"]["options"])
    sub = slack.submit(view, {ids.B_TITLE: text_value("<!channel> R&D <b>"), ids.B_PROBABILITY: select_value("5"),
                              ids.B_IMPACT: select_value("5"), ids.B_PROJECT: select_value(project_id),
                              ids.B_MITIGATION: text_value("<!here> see <http://evil.example|bank>")},
                       user="UMEMBER")
    assert sub.status == 200
    assert "&lt;!channel&gt; R&amp;D &lt;b&gt;" in _inert(_announced(stub))
    card = slack.command("/risk", "show R-1").messages()[0]
    assert "&lt;!here&gt; see &lt;http://evil.example|bank&gt;" in _inert(card)


def test_standup_answer_posted_to_the_channel_is_text(slack: SlackClient, stub: SlackStub) -> None:
    prompt = prompt_for(slack, stub)
    answer(slack, stub, prompt, "UMEMBER", today="<!channel> ask <@UMEMBER2> & <!subteam^S1|@devs>",
           blockers="<http://evil.example|bank>")
    post = stub.wait_for("chat.postMessage", channel=CHANNEL)[0]
    shown = _inert(post)
    assert "&lt;!channel&gt; ask <@UMEMBER2> &amp; &lt;!subteam^S1|@devs&gt;" in shown
    assert "<@UMEMBER2>" in post["text"]


# ---- error replies echo escaped input -------------------------------------------------------------

def test_unknown_project_is_echoed_escaped(slack: SlackClient) -> None:
    reply = slack.command("/risk", 'list project="R&amp;D &lt;EU&gt; <!channel>"').messages()[0]
    assert "There is no project called *R&amp;D &lt;EU&gt; @channel*" in _inert(reply)


def test_acted_feedback_is_echoed_escaped(slack: SlackClient) -> None:
    slack.command("/feedback", "team The report is late").text()
    slack.command("/feedback", "act F-1 Told &lt;!channel&gt; &amp; <!here>", user="UMGR").text()
    reply = slack.command("/feedback", "act F-1 Again", user="UMGR").messages()[0]
    assert "already acted on" in _inert(reply)
    assert "Told &lt;!channel&gt; &amp; @here" in reply["text"]


def test_standup_grammar_errors_are_echoed_escaped(slack: SlackClient) -> None:
    for text in ("<!channel>", "now <!here>", "setup channel=<#CSTAND|s> &lt;!everyone&gt;"):
        reply = slack.command("/standup", text, user="UMGR").messages()[0]
        shown = _inert(reply)
        assert re.search(r"@channel|@here|&lt;!everyone&gt;", shown), shown
