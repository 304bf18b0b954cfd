"""Stand-ups end to end: setting one up, the prompt a member receives, and answering it through its form."""

from __future__ import annotations

from typing import Any

from handlers.slack import ids
from tests.slack_requests import SlackClient, text_value
from tests.slack_stub import SlackStub

CHANNEL = "CSTAND"
SETUP = f"setup channel=<#{CHANNEL}|standup> members=<@UMEMBER|mike>,<@UMEMBER2|nina> time=09:30 days=daily"


def setup_standup(slack: SlackClient, text: str = SETUP) -> str:
    t = slack.command("/standup", text, user="UMGR").text()
    assert "stand-up" in t.lower() and "Usage" not in t, t
    return t


def dm_to(stub: SlackStub, user: str, count: int = 1) -> list[dict[str, Any]]:
    return stub.wait_for("chat.postMessage", count=count, channel=user)


def answer(slack: SlackClient, stub: SlackStub, prompt: dict[str, Any], user: str, today: str,
           blockers: str = "", yesterday: str = "Wrote the proposal") -> dict[str, Any]:
    """Press the prompt's button and submit the form; returns the view that was opened."""
    opened = len(stub.find("views.open"))
    r = slack.click(prompt, ids.STANDUP_OPEN, user=user, channel=f"D{user}")
    assert r.status == 200
    view = stub.wait_for("views.open", count=opened + 1)[opened]["view"]
    assert view["callback_id"] == ids.STANDUP_MODAL
    sub = slack.submit(view, {ids.B_YESTERDAY: text_value(yesterday), ids.B_TODAY: text_value(today),
                              ids.B_BLOCKERS: text_value(blockers)}, user=user)
    assert sub.status == 200 and not sub.body.strip(), sub.body
    return view


def prompt_for(slack: SlackClient, stub: SlackStub, user: str = "UMEMBER", setup: str | None = None
               ) -> dict[str, Any]:
    """Set up the stand-up (`setup`, else the usual one), send its prompt now, and return the DM `user` got."""
    setup_standup(slack, setup) if setup else setup_standup(slack)
    assert "Sent the stand-up prompt" in slack.command("/standup", "now", user="UMGR", channel=CHANNEL).text()
    return dm_to(stub, user)[0]
