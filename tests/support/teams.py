"""The bot serving Teams in tests: its settings, activities as Teams sends them, and waiting for
what reached the connector stand-in (`tests.teams_stub`)."""

from __future__ import annotations

import itertools
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from bot.settings import Settings
from tests.teams_stub import APP_ID, PASSWORD, TENANT_ID, ConnectorCall, TeamsStub


@dataclass(frozen=True)
class Person:
    aad: str
    scoped: str
    name: str

    @property
    def dm(self) -> str:
        return f"a:dm-{self.scoped.removeprefix('29:')}"


MANAGER = Person("00000000-0000-4000-8000-0000000000e1", "29:manager", "Mara Manager")
ANN = Person("00000000-0000-4000-8000-0000000000e2", "29:ann", "Ann Member")
BOB = Person("00000000-0000-4000-8000-0000000000e3", "29:bob", "Bob Client")
CHANNEL = "19:sales@thread.tacv2"
BOT = f"28:{APP_ID}"


def teams_settings(db_url: str, stub: TeamsStub, **over: Any) -> Settings:
    """A Teams-only bot (no SLACK_* setting) pointed at the stand-in."""
    values: dict[str, Any] = {
        "teams_app_id": APP_ID, "teams_app_password": PASSWORD, "teams_tenant_id": TENANT_ID,
        "teams_openid_url": stub.openid_url, "teams_login_url": stub.login_url,
        "database_url": db_url, "port": 3000, "bot_managers": MANAGER.aad, "bot_timezone": "UTC",
    }
    values.update(over)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


_ids = itertools.count(1)


def mention(who: Person | None) -> tuple[str, dict[str, Any]]:
    """The `<at>` tag and its entity for a person (None: the bot)."""
    if who is None:
        return "<at>Assistant</at>", {"type": "mention", "text": "<at>Assistant</at>",
                                      "mentioned": {"id": BOT, "name": "Assistant"}}
    tag = f"<at>{who.name}</at>"
    return tag, {"type": "mention", "text": tag,
                 "mentioned": {"id": who.scoped, "name": who.name, "aadObjectId": who.aad}}


class TeamsClient:
    """Sends activities to the running bot's `/api/messages` with tokens the stand-in's key signs."""

    def __init__(self, url: str, stub: TeamsStub) -> None:
        self.url = url.rstrip("/") + "/api/messages"
        self.stub = stub

    def activity(self, kind: str, who: Person, *, channel: bool = False, tz: str | None = "Europe/London",
                 **extra: Any) -> dict[str, Any]:
        conversation: dict[str, Any] = {"id": CHANNEL if channel else who.dm, "tenantId": TENANT_ID,
                                        "conversationType": "channel" if channel else "personal"}
        body: dict[str, Any] = {
            "type": kind, "id": f"act-{next(_ids)}", "channelId": "msteams", "serviceUrl": self.stub.service_url,
            "timestamp": "2026-01-01T00:00:00.000Z",
            "from": {"id": who.scoped, "name": who.name, "aadObjectId": who.aad},
            "recipient": {"id": BOT, "name": "Assistant"}, "conversation": conversation,
            "channelData": {"tenant": {"id": TENANT_ID}},
        }
        if channel:
            body["channelData"].update(team={"id": "19:team@thread.tacv2", "aadGroupId": "group-1"},
                                       channel={"id": CHANNEL, "name": "sales"})
        if tz:
            body["localTimezone"] = tz
        body.update(extra)
        return body

    def message(self, text: str, who: Person = MANAGER, *, channel: bool = False,
                mentions: tuple[Person, ...] = (), **extra: Any) -> dict[str, Any]:
        """A message typed to the bot; `{0}`, `{1}`… in `text` stand for the `mentions`' tags; in a
        channel the bot's own mention goes first."""
        tags, entities = [], []
        for person in mentions:
            tag, entity = mention(person)
            tags.append(tag)
            entities.append(entity)
        body_text = text.format(*tags)
        if channel:
            tag, entity = mention(None)
            body_text = f"{tag} {body_text}"
            entities.insert(0, entity)
        return self.activity("message", who, channel=channel, text=body_text, textFormat="plain",
                             entities=entities, **extra)

    def invoke(self, verb: str, data: dict[str, Any], who: Person = MANAGER, *, channel: bool = False,
               reply_to: str = "card-1", conversation: str | None = None) -> dict[str, Any]:
        body = self.activity("invoke", who, channel=channel, name="adaptiveCard/action", replyToId=reply_to,
                             value={"action": {"type": "Action.Execute", "verb": verb, "data": data},
                                    "trigger": "manual"})
        if conversation is not None:
            body["conversation"]["id"] = conversation
        return body

    def post(self, activity: dict[str, Any], token: str | None = "", raw: bytes | None = None
             ) -> tuple[int, Any]:
        """POST an activity; `token` "" mints a good one, None sends no Authorization header."""
        if token == "":
            token = self.stub.mint()
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        req = urllib.request.Request(self.url, data=raw if raw is not None else json.dumps(activity).encode(),
                                     headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 - a local test server
                data = resp.read()
                return resp.status, json.loads(data) if data else None
        except urllib.error.HTTPError as e:
            data = e.read()
            return e.code, json.loads(data) if data else None

    def say(self, text: str, who: Person = MANAGER, **kw: Any) -> tuple[int, Any]:
        return self.post(self.message(text, who, **kw))


def shown(call: ConnectorCall) -> str:
    """What an activity sent to the connector shows (its text, or its card as JSON)."""
    body = call.body if isinstance(call.body, dict) else {}
    return str(body.get("text") or "") + json.dumps(body.get("attachments") or [], ensure_ascii=False)


def wait_sent(stub: TeamsStub, conversation: str | None, count: int = 1, timeout: float = 10.0,
              since: int = 0) -> list[ConnectorCall]:
    """Wait until `count` activities (after the first `since`) reached `conversation`; returns them all."""
    deadline = time.monotonic() + timeout
    while True:
        got = stub.sent(conversation)[since:]
        if len(got) >= count or time.monotonic() > deadline:
            return got
        time.sleep(0.02)


def answer_of(stub: TeamsStub, conversation: str, since: int = 0, timeout: float = 10.0) -> str:
    """The text of the next activity the bot sends to `conversation`."""
    got = wait_sent(stub, conversation, 1, timeout, since)
    assert got, f"nothing was sent to {conversation}"
    return shown(got[0])


def cards_in(stub: TeamsStub, conversation: str | None) -> list[dict[str, Any]]:
    """The Adaptive Cards sent to `conversation`, oldest first."""
    out = []
    for call in stub.sent(conversation):
        body = call.body if isinstance(call.body, dict) else {}
        for attachment in body.get("attachments") or []:
            out.append(attachment.get("content") or {})
    return out


def actions_of(card: Any, verb: str) -> list[dict[str, Any]]:
    """Every Action.Execute of `card` (anywhere in it) with this verb."""
    found: list[dict[str, Any]] = []

    def walk(o: Any) -> None:
        if isinstance(o, dict):
            if o.get("type") == "Action.Execute" and o.get("verb") == verb:
                found.append(o)
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)

    walk(card)
    return found


def wait_for(predicate: Any, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.02)


def in_bot(served: Any, coro: Any, timeout: float = 30.0) -> Any:
    """Run `coro` on the served bot's event loop (where its connector and scheduler live); its result."""
    import asyncio

    loop = served.runtime.http._loop  # the loop the runtime started on
    return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout)
