"""Signed requests that are not what Slack sends: answered 200 with nothing done or 400, never 500,
and never a write without a person."""

from __future__ import annotations

import json
import logging
import urllib.parse
from typing import Any

import pytest

from handlers.slack import ids
from tests.handlers.slack.e2e import table_counts
from tests.slack_requests import SlackClient, select_value, text_value
from tests.slack_stub import TEAM


def _form(**fields: str) -> bytes:
    return urllib.parse.urlencode(fields).encode()


def _payload(obj: Any) -> bytes:
    return _form(payload=obj if isinstance(obj, str) else json.dumps(obj))


def _click(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "block_actions", "team": {"id": TEAM}, "user": {"id": "UMEMBER", "team_id": TEAM},
        "api_app_id": "A0BOT", "trigger_id": "1.2.3", "channel": {"id": "CSALES"},
        "container": {"type": "message", "channel_id": "CSALES", "message_ts": "1.2"},
        "response_url": "http://127.0.0.1:9/r",
        "actions": [{"action_id": "risk_page_next", "type": "button", "value": '{"page": 2}'}],
    }
    payload.update(changes)
    return {k: v for k, v in payload.items() if v is not ...}


def _command(**changes: str) -> bytes:
    fields = {"command": "/risk", "text": "add Nobody logged this p=5 i=5", "user_id": "UMEMBER", "team_id": TEAM,
              "channel_id": "CSALES", "response_url": "http://127.0.0.1:9/r", "trigger_id": "1.2.3"}
    fields.update(changes)
    return _form(**{k: v for k, v in fields.items() if v != "-"})


BODIES = {
    "payload not JSON": _payload("{not json"),
    "payload a list": _payload([1, 2]),
    "payload a string": _payload('"text"'),
    "actions null": _payload(_click(actions=None)),
    "actions empty": _payload(_click(actions=[])),
    "actions a dict": _payload(_click(actions={"action_id": "risk_page_next"})),
    "action not an object": _payload(_click(actions=["risk_page_next"])),
    "no user": _payload(_click(user=...)),
    "user without id": _payload(_click(user={"team_id": TEAM})),
    "no team": _payload(_click(team=..., user={"id": "UMEMBER"})),
    "no trigger_id": _payload(_click(trigger_id=...)),
    "binary": b"\xff\xfe\x00\x81payload=\x9c",
    "command without user_id": _command(user_id="-"),
    "command with empty user_id": _command(user_id=""),
    "command without team_id": _command(team_id="-"),
    "command without trigger_id": _command(trigger_id="-"),
    "command text binary": b"command=%2Frisk&text=%FF%FE&user_id=UMEMBER&team_id=" + TEAM.encode(),
}


@pytest.mark.parametrize("what", list(BODIES))
def test_malformed_signed_envelope(slack: SlackClient, engine, stub, caplog, what: str) -> None:
    before = table_counts(engine)
    with caplog.at_level(logging.ERROR):
        status, body, _ = slack.post(BODIES[what])
    assert status in (200, 400), (status, body)
    assert "Traceback" not in body
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], [r.getMessage() for r in caplog.records]
    assert table_counts(engine) == before
    assert stub.find("chat.postMessage") == [] and stub.find("views.open") == []


def test_a_json_body_that_is_not_an_object(slack: SlackClient, engine, caplog) -> None:
    with caplog.at_level(logging.ERROR):
        status, _, _ = slack.post(b"[1, 2, 3]", ctype="application/json")
    assert status in (200, 400)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_well_formed_command_still_works(slack: SlackClient) -> None:
    assert "R-1" in slack.command("/risk", "add Vendor may slip p=4 i=5").text()


DEEP = "[" * 50_000


@pytest.mark.parametrize("action_id", [ids.REVIEW_VALID, ids.REVIEW_UPDATE, ids.REVIEW_CLOSE, f"{ids.RISK_PAGE}_next",
                                       f"{ids.FEEDBACK_PAGE}_next", ids.SUMMARY_FULL_RISKS, ids.CHECKIN_LOG_RISK])
def test_a_deeply_nested_button_value_is_a_stale_button(slack: SlackClient, engine, stub, caplog,
                                                        action_id: str) -> None:
    before = table_counts(engine)
    message = {"blocks": [{"type": "actions", "elements": [
        {"type": "button", "action_id": action_id, "value": DEEP, "text": {"type": "plain_text", "text": "x"}}]}]}
    with caplog.at_level(logging.ERROR):
        r = slack.click(message, action_id, user="UMGR", channel="DUMGR")
        assert r.status == 200
        r.text(timeout=2)
    assert not [x for x in caplog.records if x.levelno >= logging.ERROR], [x.getMessage() for x in caplog.records]
    assert table_counts(engine) == before


def test_deeply_nested_form_metadata_is_an_outdated_form(slack: SlackClient, engine, stub, caplog) -> None:
    slack.command("/risk", "", user="UMEMBER")
    view = stub.wait_for("views.open")[0]["view"]
    with caplog.at_level(logging.ERROR):
        r = slack.submit({**view, "private_metadata": DEEP}, {ids.B_TITLE: text_value("Vendor may slip"),
                                                              ids.B_PROBABILITY: select_value("3"),
                                                              ids.B_IMPACT: select_value("4")}, user="UMEMBER")
    assert r.status == 200
    assert not [x for x in caplog.records if x.levelno >= logging.ERROR], [x.getMessage() for x in caplog.records]
