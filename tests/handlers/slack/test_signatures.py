"""Only requests signed with the app's signing secret, and recent, are acted on (401 otherwise)."""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.handlers.slack.e2e import table_counts
from tests.slack_requests import SlackClient, sign
from tests.slack_stub import TEAM


def _command_body(text: str = "add Forged risk p=5 i=5", user: str = "UMGR") -> bytes:
    return urllib.parse.urlencode({"command": "/risk", "text": text, "user_id": user, "team_id": TEAM,
                                   "channel_id": "CSALES", "response_url": "http://127.0.0.1:9/r",
                                   "trigger_id": "1.2.3"}).encode()


def _raw_post(url: str, body: bytes, headers: dict[str, str]) -> int:
    req = urllib.request.Request(url + "/slack/events", data=body,
                                 headers={"Content-Type": "application/x-www-form-urlencoded", **headers})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


@pytest.fixture
def baseline(engine) -> dict[str, int]:
    return table_counts(engine)


def _nothing_happened(engine, stub, baseline: dict[str, int]) -> None:
    assert table_counts(engine) == baseline
    assert stub.responses == []
    assert [m for m in stub.methods() if m.startswith(("chat.", "views."))] == []


def test_forged_signature(slack: SlackClient, engine, stub, baseline) -> None:
    status, _, _ = slack.post(_command_body(), sig="v0=" + "0" * 64)
    assert status == 401
    _nothing_happened(engine, stub, baseline)


def test_signed_with_another_secret(slack: SlackClient, engine, stub, baseline) -> None:
    body = _command_body()
    _, sig = sign(body, secret="not-the-signing-secret-of-this-app")
    status, _, _ = slack.post(body, sig=sig)
    assert status == 401
    _nothing_happened(engine, stub, baseline)


# A future timestamp comes nearer while the request travels, so it is well past the 5 minutes allowed:
# 301 s ahead was accepted when the request took more than a second to be checked on a busy machine.
@pytest.mark.parametrize("age", [301, 3600, -330])
def test_stale_or_future_timestamp(slack: SlackClient, engine, stub, baseline, age: int) -> None:
    status, _, _ = slack.post(_command_body(), ts=int(time.time()) - age)  # correctly signed, but old
    assert status == 401
    _nothing_happened(engine, stub, baseline)


@pytest.mark.parametrize("missing", ["X-Slack-Signature", "X-Slack-Request-Timestamp", "both"])
def test_missing_headers(slack: SlackClient, engine, stub, baseline, missing: str) -> None:
    body = _command_body()
    ts, sig = sign(body)
    headers = {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig}
    for name in (["X-Slack-Signature", "X-Slack-Request-Timestamp"] if missing == "both" else [missing]):
        del headers[name]
    assert _raw_post(slack.url, body, headers) == 401
    _nothing_happened(engine, stub, baseline)


def test_body_altered_after_signing(slack: SlackClient, engine, stub, baseline) -> None:
    signed = _command_body(user="UGUEST")
    ts, sig = sign(signed)
    altered = _command_body(user="UADMIN")  # same length, different person
    assert len(altered) == len(signed)
    assert _raw_post(slack.url, altered, {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig}) == 401
    _nothing_happened(engine, stub, baseline)


def test_forged_interaction(slack: SlackClient, engine, stub, baseline) -> None:
    payload = {"type": "view_submission", "team": {"id": TEAM}, "user": {"id": "UMGR"},
               "view": {"callback_id": "risk_modal", "private_metadata": "{}",
                        "state": {"values": {"title": {"title": {"type": "plain_text_input", "value": "Forged"}}}}}}
    body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
    status, _, _ = slack.post(body, sig="v0=" + "1" * 64)
    assert status == 401
    _nothing_happened(engine, stub, baseline)


def test_a_correctly_signed_request_is_accepted(slack: SlackClient, stub) -> None:
    status, body, _ = slack.post(_command_body(text="help"))
    assert status == 200 and "Usage of /risk" in body


# ---- replays and malformed headers ---------------------------------------------------------------------

def test_a_captured_request_replayed_after_five_minutes(slack: SlackClient, engine, stub, baseline) -> None:
    """The very bytes and headers of a request Slack signed, sent again later: refused."""
    import time_machine

    body = _command_body(text="add Replayed risk p=5 i=5")
    ts, sig = sign(body)
    headers = {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig}
    with time_machine.travel(time.time() + 301, tick=True):
        assert _raw_post(slack.url, body, headers) == 401
    _nothing_happened(engine, stub, baseline)


@pytest.mark.parametrize(("ts", "sig"), [
    ("yesterday", None), ("", None), ("1e9", None), (None, ""), (None, "v0="), (None, "v1=" + "0" * 64),
    (None, "v0=" + "z" * 64), (None, "v0=" + "é" * 64), (None, "sha256=abc"),
], ids=["word-ts", "empty-ts", "float-ts", "empty-sig", "bare-v0", "v1-sig", "not-hex", "not-ascii", "other-scheme"])
def test_malformed_signature_headers(slack: SlackClient, engine, stub, baseline, caplog, ts: str | None,
                                     sig: str | None) -> None:
    """Refused like any unsigned request: not an error to log, nor a 200 with an apology."""
    body = _command_body()
    good_ts, good_sig = sign(body)
    headers = {"X-Slack-Request-Timestamp": good_ts if ts is None else ts,
               "X-Slack-Signature": good_sig if sig is None else sig}
    req = urllib.request.Request(slack.url + "/slack/events", data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", **{k: v.encode("latin-1") for k, v in headers.items()}})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            status = r.status
    except urllib.error.HTTPError as e:
        status = e.code
    assert status == 401
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    _nothing_happened(engine, stub, baseline)


@pytest.mark.parametrize("kind", ["block_actions", "view_submission"])
def test_interaction_altered_after_signing(slack: SlackClient, engine, stub, baseline, kind: str) -> None:
    """A genuine button press or form, with who pressed it (or what was typed) changed on the way."""
    def body(user: str) -> bytes:
        if kind == "block_actions":
            payload = {"type": kind, "team": {"id": TEAM}, "user": {"id": user}, "trigger_id": "1.2",
                       "response_url": f"{stub.base}/response/x", "actions": [
                           {"action_id": "review_close", "value": json.dumps({"n": 1}), "type": "button"}]}
        else:
            payload = {"type": kind, "team": {"id": TEAM}, "user": {"id": user}, "view": {
                "callback_id": "risk_modal", "private_metadata": "{}", "state": {"values": {
                    "title": {"title": {"type": "plain_text_input", "value": "Forged"}}}}}}
        return urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()

    ts, sig = sign(body("UGUEST"))
    altered = body("UADMIN")
    assert len(altered) == len(body("UGUEST"))
    assert _raw_post(slack.url, altered, {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig}) == 401
    _nothing_happened(engine, stub, baseline)
