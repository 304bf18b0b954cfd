"""Every listener is registered in one of the readable registration modules, wrapped in `guarded`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import handlers.slack
from handlers.slack import ids

REGISTRIES = {"handlers.slack.commands", "handlers.slack.actions", "handlers.slack.views", "handlers.slack.events"}


@dataclass
class Registration:
    kind: str  # the Bolt method: command, action, view, event, shortcut, ...
    constraint: Any
    module: str  # where the registration was written
    functions: list[Any]


@dataclass
class RecordingApp:
    """Stands in for Bolt's app: records each `app.<kind>(constraint)(listener)` call and its caller."""

    registrations: list[Registration] = field(default_factory=list)

    def __getattr__(self, kind: str) -> Callable[..., Any]:
        def listen(constraint: Any = None, *_: Any, **__: Any) -> Callable[..., Any]:
            module = sys._getframe(1).f_globals["__name__"]

            def register(*functions: Any, **kwargs: Any) -> Any:
                listeners = [*functions, *([kwargs["ack"]] if "ack" in kwargs else []), *kwargs.get("lazy", [])]
                self.registrations.append(Registration(kind, constraint, module, listeners))
                return functions[0] if len(functions) == 1 else None

            return register

        return listen


def _registered() -> list[Registration]:
    app = RecordingApp()
    handlers.slack.register(app)  # type: ignore[arg-type]
    return app.registrations


def test_every_listener_is_registered_guarded_in_a_registration_module() -> None:
    registrations = _registered()
    assert registrations
    for r in registrations:
        assert r.module in REGISTRIES, f"{r.kind}({r.constraint!r}) registered in {r.module}"
        for listener in r.functions:
            assert getattr(listener, "guards", None) is not None, f"{r.kind}({r.constraint!r}) is not guarded"


def test_every_command_and_form_has_its_listener() -> None:
    registrations = _registered()
    commands = {r.constraint for r in registrations if r.kind == "command"}
    assert commands == {ids.RISK, ids.FEEDBACK, ids.PROJECT, ids.CHECKIN, ids.STANDUP, ids.SUMMARY, ids.SCOPE,
                        ids.LESSON}
    views = {r.constraint for r in registrations if r.kind == "view"}
    assert views == {ids.RISK_MODAL, ids.FEEDBACK_MODAL, ids.CHECKIN_COMMENT_MODAL, ids.STANDUP_MODAL,
                     ids.RISK_UPDATE_MODAL, ids.SCOPE_BASELINE_MODAL, ids.SCOPE_CHANGE_MODAL, ids.LESSON_MODAL}


def test_respond_over_the_pool_posts_what_bolts_respond_posts() -> None:
    """`PooledRespond` builds response_url bodies itself, field for field as Bolt's `respond()` does."""
    from slack_sdk.models.blocks import DividerBlock

    from handlers.slack.client import response_message

    assert response_message(text="hi") == {"text": "hi"}
    assert response_message(text="hi", blocks=[], response_type="ephemeral", replace_original=False) == {
        "text": "hi", "response_type": "ephemeral", "replace_original": False}
    assert response_message(**{"text": "x", "blocks": [DividerBlock(), {"type": "divider"}], "delete_original": True,
                               "unfurl_links": False, "unfurl_media": False, "thread_ts": "1.2",
                               "metadata": {"event_type": "e"}}) == {
        "text": "x", "blocks": [{"type": "divider"}, {"type": "divider"}], "delete_original": True,
        "unfurl_links": False, "unfurl_media": False, "thread_ts": "1.2", "metadata": {"event_type": "e"}}
