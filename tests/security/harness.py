"""Driving the served bot with hostile or unauthorised requests, and reading what came of each.

`Watch` follows the running app from the test's side: which listeners are still running (so a
test knows when a request's work is over without sleeping), which units of work wrote, and every
ERROR record logged (an unexpected error always logs one through `handlers.slack.errors.apology`).
`Outcome` is what one request led to: the HTTP answer, what reached the person, the rows written.
"""

from __future__ import annotations

import functools
import itertools
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from storage.repositories import users as users_repo
from tests.handlers.slack.e2e import table_counts
from tests.slack_requests import SlackClient, all_text
from tests.slack_stub import TEAM, SlackStub
from tests.support.served import ServedBot

_seq = itertools.count(1)
MISSING: Any = object()  # a key left out of a payload

# What a refusal says, whichever rule refused (roles, guests, "only the person asked", …).
REFUSALS = ("Sorry, only", "Sorry, guest accounts", "Sorry, the summary is for managers", "only the person asked",
            "Only the managers this alert", "aren't one of them", "only managers and members")
# What bad input or a vanished thing says: not a refusal, not a success either.
FAILURES = ("Usage of", "There is no", "no longer exists", "no longer works", "I don't know", "is not an id",
            "out of date", "I couldn't tell which", "belongs to a message I can no longer read")


class _Collect(logging.Handler):
    def __init__(self, sink: list[logging.LogRecord]) -> None:
        super().__init__(logging.ERROR)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(record)


class Watch:
    """Hooks on a served bot: listeners in flight, units of work, ERROR log records."""

    def __init__(self, served: ServedBot) -> None:
        self._cond = threading.Condition()
        self.inflight = 0
        self.errors: list[logging.LogRecord] = []
        self.writes: list[tuple[str, bool]] = []  # (function, committed) of every writing unit of work
        for listener in served.runtime.app._async_listeners:  # type: ignore[attr-defined]
            listener.ack_function = self._counted(listener.ack_function)
        db = served.runtime.deps.db
        run = db._run

        def recorded(fn: Callable[..., Any], write: bool, kwargs: dict[str, Any]) -> Any:
            if not write or fn is users_repo.upsert:  # caching what users.info said is not writing data
                return run(fn, write, kwargs)
            try:
                result = run(fn, write, kwargs)
            except BaseException:
                self.writes.append((getattr(fn, "__qualname__", str(fn)), False))
                raise
            self.writes.append((getattr(fn, "__qualname__", str(fn)), True))
            return result

        db._run = recorded  # type: ignore[method-assign]
        self.handler = _Collect(self.errors)
        logging.getLogger().addHandler(self.handler)

    def close(self) -> None:
        logging.getLogger().removeHandler(self.handler)

    def _counted(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        async def run(**kwargs: Any) -> Any:
            with self._cond:
                self.inflight += 1
            try:
                return await fn(**kwargs)
            finally:
                with self._cond:
                    self.inflight -= 1
                    self._cond.notify_all()

        return run

    def settle(self, timeout: float = 15.0) -> None:
        """Wait until no listener is running: everything a request led to has happened."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.inflight:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"a listener was still running after {timeout:.0f} s")
                self._cond.wait(left)


@dataclass
class Outcome:
    status: int
    body: Any  # the ack's JSON, or None when empty
    user: str
    calls: list[tuple[str, dict[str, Any]]]  # Web API calls the request led to
    responses: list[dict[str, Any]]  # what came through its response_url
    before: dict[str, int]
    after: dict[str, int]
    writes: list[tuple[str, bool]]
    errors: list[logging.LogRecord] = field(default_factory=list)

    def to_person(self) -> list[dict[str, Any]]:
        """Every message or form that reached the person (ack body, response_url, DM, ephemeral, update,
        modal), each as a dict."""
        out: list[dict[str, Any]] = []
        if isinstance(self.body, dict) and self.body:
            out.append(self.body)
        out.extend(self.responses)
        for method, p in self.calls:
            shown = method in ("views.open", "views.push", "views.update", "chat.update")
            ephemeral = method == "chat.postEphemeral" and p.get("user") == self.user
            direct = method == "chat.postMessage" and p.get("channel") in (self.user, f"D{self.user}")
            if shown or ephemeral or direct:
                out.append(p)
        return out

    def text(self) -> str:
        parts = []
        for m in self.to_person():
            parts.append(all_text(m))
            if isinstance(m.get("errors"), dict):
                parts.extend(str(v) for v in m["errors"].values())
        return "\n".join(parts)

    @property
    def refused(self) -> bool:
        return any(r in self.text() for r in REFUSALS)

    @property
    def failed(self) -> bool:
        return any(f in self.text() for f in FAILURES)

    @property
    def wrote(self) -> bool:
        return any(ok for _, ok in self.writes)

    def opened(self) -> list[dict[str, Any]]:
        return [p["view"] for m, p in self.calls if m == "views.open"]


class Driver:
    """Sends requests to the served bot and returns their `Outcome`, once all they led to is over."""

    def __init__(self, slack: SlackClient, stub: SlackStub, engine: Engine, watch: Watch) -> None:
        self.slack, self.stub, self.engine, self.watch = slack, stub, engine, watch

    def _run(self, user: str, send: Callable[[], tuple[int, str, str | None]]) -> Outcome:
        before = table_counts(self.engine)
        with self.stub._lock:
            n_calls = len(self.stub.calls)
        n_writes, n_errors = len(self.watch.writes), len(self.watch.errors)
        status, body, rid = send()
        self.watch.settle()
        with self.stub._lock:
            calls = list(self.stub.calls[n_calls:])
            responses = [p for r, p in self.stub.responses if r == rid] if rid else []
        try:
            parsed = json.loads(body) if body.strip() else None
        except ValueError:
            parsed = body
        return Outcome(status, parsed, user, calls, responses, before, table_counts(self.engine),
                       self.watch.writes[n_writes:], self.watch.errors[n_errors:])

    def command(self, command: str, text: str, user: str, *, team: str = TEAM, channel: str = "CSALES") -> Outcome:
        def send() -> tuple[int, str, str | None]:
            r = self.slack.command(command, text, user=user, team=team, channel=channel)
            return r.status, r.body, r.rid
        return self._run(user, send)

    def interact(self, payload: dict[str, Any], user: str) -> Outcome:
        rid = f"sec{next(_seq)}"
        if payload.get("type") == "block_actions":
            payload = {**payload, "response_url": f"{self.stub.base}/response/{rid}"}

        def send() -> tuple[int, str, str | None]:
            r = self.slack.interact(payload, rid)
            return r.status, r.body, rid
        return self._run(user, send)

    def press(self, action_id: str, user: str, **kw: Any) -> Outcome:
        return self.interact(block_action(action_id, user, **kw), user)

    def submit(self, view: dict[str, Any], values: dict[str, Any], user: str, *, team: str = TEAM,
               metadata: Any = MISSING) -> Outcome:
        return self.interact(view_submission(view, values, user, team=team, metadata=metadata), user)


def _envelope(kind: str, user: str, team: str) -> dict[str, Any]:
    return {"type": kind, "team": {"id": team, "domain": "acme"},
            "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team},
            "api_app_id": "A0BOT", "token": "legacy", "trigger_id": f"{next(_seq)}.1234.abcd",
            "is_enterprise_install": False}


def block_action(action_id: str, user: str, *, value: Any = MISSING, selected: Any = MISSING, team: str = TEAM,
                 channel: Any = None, ts: str = "1700000000.000100", container: Any = MISSING,
                 message: Any = MISSING, channel_obj: Any = MISSING, action_extra: dict[str, Any] | None = None
                 ) -> dict[str, Any]:
    """A button press (or select) as Slack sends it; MISSING leaves a part out."""
    channel = channel if channel is not None else f"D{user}"
    action: dict[str, Any] = {"action_id": action_id, "block_id": "b1", "type": "button",
                              "action_ts": str(time.time())}
    if value is not MISSING:
        action["value"] = value
    if selected is not MISSING:
        action["type"] = "static_select"
        action["selected_option"] = selected
    action.update(action_extra or {})
    payload = _envelope("block_actions", user, team)
    parts = {
        "container": {"type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": False}
        if container is MISSING else container,
        "channel": {"id": channel, "name": "x"} if channel_obj is MISSING else channel_obj,
        "message": {"type": "message", "ts": ts, "text": "", "blocks": []} if message is MISSING else message,
    }
    payload.update({k: v for k, v in parts.items() if v is not None})
    payload.update({"state": {"values": {}}, "actions": [action]})
    return payload


def view_submission(view: dict[str, Any], values: Any, user: str, *, team: str = TEAM,
                    metadata: Any = MISSING) -> dict[str, Any]:
    """A form submitted: `values` is `state.values` exactly as given (block_id -> {action_id -> entry})."""
    sent = {**view, "id": "V123", "team_id": team, "state": {"values": values}, "hash": "h1"}
    if metadata is not MISSING:
        if metadata is None:
            sent.pop("private_metadata", None)
        else:
            sent["private_metadata"] = metadata
    payload = _envelope("view_submission", user, team)
    payload.update({"view": sent, "response_urls": []})
    return payload


def state_of(view: dict[str, Any], values: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """`values` as block_id -> entry, put under each input's own action_id as Slack does."""
    out = {}
    for block_id, entry in values.items():
        action_id = block_id
        for b in view.get("blocks", []):
            if b.get("block_id") == block_id and b.get("element"):
                action_id = b["element"].get("action_id", block_id)
        out[block_id] = {action_id: entry}
    return out
