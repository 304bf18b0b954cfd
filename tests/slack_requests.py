"""Requests as Slack sends them: signed, form-encoded commands and `payload=` JSON
interactivity, posted over HTTP to the running app."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from tests.clock import wall_time
from tests.slack_stub import TEAM, SlackStub

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
_seq = itertools.count(1)


def sign(body: bytes, ts: int | None = None, secret: str = SECRET, *, real_clock: bool = False) -> tuple[str, str]:
    """Sign as Slack does; the timestamp is the test's "now", or the wall clock for a bot in a process of its own
    (which runs on the real clock even when the suite travels in time, see TEST_CLOCK in conftest.py)."""
    now = wall_time() if real_clock else time.time()
    t = str(int(now) if ts is None else ts)
    sig = "v0=" + hmac.new(secret.encode(), f"v0:{t}:".encode() + body, hashlib.sha256).hexdigest()
    return t, sig


def all_text(obj: Any) -> str:
    """Every human-visible string in a message or view."""
    out: list[str] = []

    def walk(o: Any) -> None:
        if isinstance(o, str):
            out.append(o)
        elif isinstance(o, dict):
            for k, v in o.items():
                if k in ("action_id", "block_id", "type", "callback_id", "private_metadata", "value",
                         "response_type", "replace_original", "channel", "user", "ts", "trigger_id"):
                    continue
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)

    walk(obj)
    return "\n".join(out)


@dataclass
class Reply:
    client: SlackClient
    status: int
    body: str
    seconds: float
    rid: str | None
    before: int

    def json(self) -> Any:
        return json.loads(self.body) if self.body.strip() else None

    def messages(self, timeout: float = 5.0) -> list[dict[str, Any]]:
        """What reached the person: the ack body, else what came through response_url."""
        if self.body.strip():
            body = self.json()
            if isinstance(body, dict) and (body.get("text") or body.get("blocks")):
                return [body]
        if self.rid is None:
            return []
        return self.client.stub.wait_response(self.rid, timeout)

    def text(self, timeout: float = 5.0) -> str:
        return "\n".join(all_text(m) for m in self.messages(timeout))

    def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        with self.client.stub._lock:
            calls = self.client.stub.calls[self.before:]
        return [p for m, p in calls if method is None or m == method]


class SlackClient:
    """Talks to the bot as Slack would."""

    def __init__(self, url: str, stub: SlackStub, secret: str = SECRET, team: str = TEAM, *,
                 real_clock: bool = False) -> None:
        """`real_clock`: the bot runs in a process of its own, on the wall clock; sign with that."""
        self.url = url.rstrip("/")
        self.real_clock = real_clock
        self.stub = stub
        self.secret = secret
        self.team = team

    def post(self, body: bytes, *, ts: int | None = None, sig: str | None = None, path: str = "/slack/events",
             ctype: str = "application/x-www-form-urlencoded", headers: dict[str, str] | None = None
             ) -> tuple[int, str, float]:
        t, s = sign(body, ts, self.secret, real_clock=self.real_clock)
        h = {"Content-Type": ctype, "X-Slack-Request-Timestamp": t, "X-Slack-Signature": sig or s}
        h.update(headers or {})
        req = urllib.request.Request(self.url + path, data=body, headers=h)
        start = time.monotonic()
        try:
            with urllib.request.urlopen(req, timeout=15) as r:
                return r.status, r.read().decode(), time.monotonic() - start
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace"), time.monotonic() - start

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")

    def command(self, command: str, text: str = "", user: str = "UMEMBER", channel: str = "CSALES",
                team: str | None = None, **extra: str) -> Reply:
        rid = f"r{next(_seq)}"
        form = {
            "token": "legacy", "team_id": team or self.team, "team_domain": "acme", "channel_id": channel,
            "channel_name": "sales", "user_id": user, "user_name": user.lower(), "command": command, "text": text,
            "api_app_id": "A0BOT", "is_enterprise_install": "false",
            "response_url": f"{self.stub.base}/response/{rid}", "trigger_id": f"{next(_seq)}.1234.abcd",
        }
        form.update(extra)
        before = len(self.stub.calls)
        status, body, secs = self.post(urllib.parse.urlencode(form).encode())
        return Reply(self, status, body, secs, rid, before)

    def interact(self, payload: dict[str, Any], rid: str | None = None) -> Reply:
        before = len(self.stub.calls)
        status, body, secs = self.post(urllib.parse.urlencode({"payload": json.dumps(payload)}).encode())
        return Reply(self, status, body, secs, rid, before)

    def click(self, message: dict[str, Any], action_id: str, user: str, *, channel: str | None = None,
              team: str | None = None, ts: str = "1700000000.000100", value: str | None = None) -> Reply:
        """Press the element `action_id` (exact, or a regex) in a message the bot sent."""
        element, block_id = find_element(message.get("blocks") or [], action_id)
        rid = f"r{next(_seq)}"
        team = team or self.team
        channel = channel or message.get("channel") or "D0"
        action = {"action_id": element.get("action_id"), "block_id": block_id, "type": element.get("type"),
                  "action_ts": str(time.time())}
        if element.get("type") == "button":
            action["value"] = value if value is not None else element.get("value")
            action["text"] = element.get("text")
        elif element.get("type") in ("static_select", "radio_buttons"):
            chosen = next(o for o in element["options"] if value is None or o["value"] == value)
            action["selected_option"] = chosen
        payload = {
            "type": "block_actions", "team": {"id": team, "domain": "acme"},
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team},
            "api_app_id": "A0BOT", "token": "legacy", "trigger_id": f"{next(_seq)}.1234.abcd",
            "container": {"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": False},
            "channel": {"id": channel, "name": "directmessage"},
            "message": {"type": "message", "ts": ts, "text": message.get("text", ""),
                        "blocks": message.get("blocks") or []},
            "state": {"values": {}}, "response_url": f"{self.stub.base}/response/{rid}", "actions": [action],
        }
        return self.interact(payload, rid)

    def submit(self, view: dict[str, Any], values: dict[str, dict[str, Any]], user: str,
               team: str | None = None) -> Reply:
        """Submit a modal the bot opened. `values` maps block_id -> state entry (see `state_for`)."""
        state = {bid: {_action_id(view, bid): entry} for bid, entry in values.items()}
        team = team or self.team
        payload = {
            "type": "view_submission", "team": {"id": team, "domain": "acme"},
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team},
            "api_app_id": "A0BOT", "token": "legacy", "trigger_id": f"{next(_seq)}.1234.abcd",
            "view": {**view, "id": "V123", "team_id": team, "state": {"values": state}, "hash": "h1"},
            "response_urls": [], "is_enterprise_install": False,
        }
        return self.interact(payload)


def _action_id(view: dict[str, Any], block_id: str) -> str:
    for b in view.get("blocks", []):
        if b.get("block_id") == block_id and b.get("element"):
            return str(b["element"].get("action_id", block_id))
    return block_id


def find_element(blocks: list[dict[str, Any]], action_id: str) -> tuple[dict[str, Any], str]:
    pattern = re.compile(action_id)
    for n, b in enumerate(blocks):
        candidates = list(b.get("elements", [])) if b.get("type") == "actions" else []
        if b.get("accessory"):
            candidates.append(b["accessory"])
        for e in candidates:
            if e.get("action_id") == action_id or pattern.fullmatch(str(e.get("action_id", ""))):
                return e, b.get("block_id") or f"blk{n}"
    raise AssertionError(f"no element {action_id!r} in blocks: {json.dumps(blocks)[:500]}")


def text_value(v: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": v}


def select_value(v: str) -> dict[str, Any]:
    return {"type": "static_select", "selected_option": {"text": {"type": "plain_text", "text": v}, "value": v}}


def user_value(u: str) -> dict[str, Any]:
    return {"type": "users_select", "selected_user": u}


def date_value(d: str) -> dict[str, Any]:
    return {"type": "datepicker", "selected_date": d}


def checkboxes_value(*values: str) -> dict[str, Any]:
    return {"type": "checkboxes", "selected_options": [{"value": v} for v in values]}
