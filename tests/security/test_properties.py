"""Hostile input, generated: whatever is typed or sent back, the bot answers clearly, no error escapes,
and nothing is half-written.

Two levels. The pure ones feed the grammar and the form and payload readers thousands of inputs: only
`UsageError` (commands) or `FormError` (forms) may come out, and a parsed call must fit its service.
The others send signed requests to the served app on SQLite and PostgreSQL: every command's text,
every button the bot draws and every form it opens, each with parts the bot wrote coming back as
anything. For each: HTTP 200, no ERROR logged (an unexpected error always logs one), an answer that
reached the person, and a request that wrote nothing leaves every table as it was.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import json
import logging
import re
import traceback
import typing
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from bot import parsing
from bot.checkins import grammar as g_checkin
from bot.checkins import service as checkins
from bot.errors import UsageError
from bot.feedback import grammar as g_feedback
from bot.lessons import grammar as g_lesson
from bot.projects import grammar as g_project
from bot.requests import Help, Modal, Request
from bot.risks import grammar as g_risk
from bot.risks import service as risks
from bot.scope import grammar as g_scope
from bot.standups import grammar as g_standup
from bot.summaries import grammar as g_summary
from handlers.slack import common, forms, ids
from handlers.slack.actions import checkin as a_checkin
from handlers.slack.actions import paging, review, standup, summary
from handlers.slack.render import checkins as ui_checkins
from handlers.slack.render import feedback as ui_feedback
from handlers.slack.render import reviews as ui_reviews
from handlers.slack.render import risks as ui_risks
from handlers.slack.render import standups as ui_standups
from handlers.slack.text import to_core
from handlers.slack.views import feedback as v_feedback
from handlers.slack.views import review as v_review
from handlers.slack.views import risk as v_risk
from handlers.slack.views import standup as v_standup
from storage.models import Counter, Feedback, Project, Risk, RiskEvent
from storage.models_rhythm import Standup
from tests.security import strategies as s
from tests.security.harness import Driver, Outcome
from tests.security.profiles import through_app
from tests.security.world import World

PARSERS = {  # each grammar on the text as Slack sends it, read as the Slack front end reads it
    ids.RISK: lambda t: g_risk.parse(to_core(t)), ids.FEEDBACK: lambda t: g_feedback.parse(to_core(t)),
    ids.PROJECT: lambda t: g_project.parse(to_core(t)),
    ids.CHECKIN: lambda t: g_checkin.parse(to_core(t)),
    ids.STANDUP: lambda t: g_standup.parse(to_core(t), current_channel="CSALES"),
    ids.SUMMARY: lambda t: g_summary.parse(to_core(t)),
    ids.SCOPE: lambda t: g_scope.parse(to_core(t)),
    ids.LESSON: lambda t: g_lesson.parse(to_core(t)),
}
USERS = ("UMEMBER", "UMEMBER2", "UMGR", "UADMIN", "UGUEST", "UOTHER")


# ---- pure: the grammar ---------------------------------------------------------------------------

def _fits(request: Request) -> None:
    """A parsed request is one of its feature's typed requests, a frozen dataclass its service's
    `perform` is declared to take (sending now, `/checkin send` and `/standup now`, is a fan-out
    flow the front end starts instead)."""
    assert dataclasses.is_dataclass(request) and type(request).__dataclass_params__.frozen  # type: ignore[attr-defined]
    feature = type(request).__module__.removesuffix(".grammar")
    service = importlib.import_module(f"{feature}.service")
    accepted = typing.get_type_hints(service.perform)["request"]
    if not isinstance(request, g_standup.SendNow | g_checkin.Send):
        assert isinstance(request, typing.get_args(accepted) or accepted)


@pytest.mark.parametrize("command", ids.COMMANDS)
def test_command_text_gives_a_request_or_a_usage_error(command: str) -> None:
    @given(s.command_text(command))
    def prop(text: str) -> None:
        try:
            request = PARSERS[command](text)
        except UsageError as e:
            assert e.message.strip() and "Traceback" not in str(e)
            return
        assert isinstance(request, Help | Modal | Request)
        if isinstance(request, Request):
            _fits(request)
        if isinstance(request, Help):
            assert request.text.strip()

    prop()


@given(st.text(s.CHARS, max_size=300) | s.huge())
def test_parsing_helpers_never_fail(text: str) -> None:
    parsing.tokenize(text)
    to_core(text)
    parsing.plain(text)
    for fn, args in ((parsing.int_in, ("x", 1, 5)), (parsing.iso_date, ("x",)), (parsing.amount, ("x",)),
                     (parsing.user_id, ("x",)), (parsing.user_ids, ("x",)), (parsing.channel_id, ("x",)),
                     (parsing.item_number, ("R",)), (parsing.choice, ("x", ("a", "b")))):
        with contextlib.suppress(UsageError):
            fn(text, *args)  # type: ignore[operator]


# ---- pure: the forms --------------------------------------------------------------------------------

def _views() -> dict[str, dict[str, Any]]:
    """Each form as the bot builds it."""
    meta = {"channel": "CSALES"}
    risk = Risk(id=1, team_id="T", number=1, title="Vendor may slip", probability=4, impact=4, score=16,
                created_by="UMEMBER")
    return {
        ids.RISK_MODAL: ui_risks.modal([(1, "Apollo")], meta),
        ids.FEEDBACK_MODAL: ui_feedback.modal([(1, "Apollo")], meta),
        ids.STANDUP_MODAL: ui_standups.modal(Standup(id=1, team_id="T", channel_id="C1", created_by="U"),
                                             date.today(), None, {"s": 1, "d": date.today().isoformat()}),
        ids.RISK_UPDATE_MODAL: ui_reviews.update_modal(risk, date.today(), {"n": 1}),
        ids.CHECKIN_COMMENT_MODAL: ui_checkins.comment_modal(1, "Apollo", None, "D1", "1.2"),
    }


VIEWS = _views()
FORMS = {
    ids.RISK_MODAL: lambda v: v_risk.parse_form(v, date.today()),
    ids.FEEDBACK_MODAL: v_feedback.parse_form,
    ids.STANDUP_MODAL: v_standup.parse_form,
    ids.RISK_UPDATE_MODAL: lambda v: v_review.parse_update(v, date.today()),
}


def input_blocks(view: dict[str, Any]) -> set[str]:
    return {b["block_id"] for b in view.get("blocks", []) if b.get("type") == "input"}


@pytest.mark.parametrize("callback_id", list(FORMS))
def test_form_state_gives_values_or_errors_under_its_own_fields(callback_id: str) -> None:
    view = VIEWS[callback_id]

    @given(s.state_values(view))
    def prop(values: dict[str, Any]) -> None:
        try:
            data = FORMS[callback_id](values)
        except forms.FormError as e:
            assert e.errors and set(e.errors) <= input_blocks(view), e.errors  # Slack shows them under fields
            assert all(isinstance(m, str) and m for m in e.errors.values())
            return
        if callback_id in (ids.RISK_MODAL, ids.RISK_UPDATE_MODAL):
            for level in (data.probability, data.impact):
                assert level is None or 1 <= level <= 5
            assert data.status in (None, *risks.STATUSES)
            for text in (data.title, data.description, data.mitigation, data.contingency):
                assert text is None or (isinstance(text, str) and len(text) <= risks.MAX_TEXT)
            assert data.owner_id is None or isinstance(data.owner_id, str)
            assert data.project_id is None or isinstance(data.project_id, int)
            assert data.project_name is None or isinstance(data.project_name, str)
        elif callback_id == ids.FEEDBACK_MODAL:
            assert isinstance(data.text, str) and data.text.strip()
            assert data.project_id is None or isinstance(data.project_id, int)
        else:
            assert all(t is None or isinstance(t, str) for t in data)

    prop()


@given(s.state_values(VIEWS[ids.CHECKIN_COMMENT_MODAL]))
def test_comment_field_reads_as_text_or_nothing(values: dict[str, Any]) -> None:
    comment = forms.field(values, ids.B_COMMENT)
    assert comment is None or isinstance(comment, str | list | dict | int | float | bool)


# ---- pure: reading payloads ----------------------------------------------------------------------------

def body_with(action: dict[str, Any], parts: dict[str, Any]) -> dict[str, Any]:
    return {"type": "block_actions", "team": {"id": "T1"}, "user": {"id": "U1", "team_id": "T1"},
            "trigger_id": "1.2", "actions": [action], **parts}


PAYLOAD = st.builds(
    body_with,
    st.fixed_dictionaries({"action_id": st.sampled_from(s.ACTION_IDS)},
                          optional={"value": s.action_value({}), "selected_option": s.json_values()}),
    st.fixed_dictionaries({}, optional={
        "container": st.fixed_dictionaries({}, optional={"channel_id": s.ANY_TEXT, "message_ts": s.ANY_TEXT}),
        "channel": st.fixed_dictionaries({}, optional={"id": s.ANY_TEXT}),
        "message": st.fixed_dictionaries({}, optional={"ts": s.ANY_TEXT})}),
)


@given(PAYLOAD)
def test_payload_readers_never_fail(body: dict[str, Any]) -> None:
    assert common.team_of(body) == "T1" and common.user_of(body) == "U1"
    a_checkin.where(body)
    review.message_of(body)
    action = a_checkin._action(body)
    poll = a_checkin._int(action.get("value"))
    assert poll is None or 0 <= poll < 10**10
    for n in (review.number_of(body), summary._project_id(body)):
        assert n is None or 0 < n < 10**9
    state = paging._state(body)
    assert isinstance(state, dict)
    for key in ("p", "page"):
        n = paging._int(state.get(key), None)
        assert n is None or 0 < n < 10**9
    parsed = standup.prompt_value(standup._value(body))
    assert parsed is None or (parsed[0] >= 0 and isinstance(parsed[1], date))
    ref = a_checkin.log_risk_value(action.get("value"))
    assert ref is None or (isinstance(ref[0], int) and isinstance(ref[1], str))


@given(s.metadata(json.dumps({"poll": 1, "channel": "D1", "ts": "1.2", "s": 1, "d": "2030-01-01", "n": 1})))
def test_private_metadata_reads_as_a_dict_or_nothing(meta: str | None) -> None:
    view = {} if meta is None else {"private_metadata": meta}
    data = v_risk.metadata(view)
    assert isinstance(data, dict)
    target = v_standup._target(data)
    assert target is None or (isinstance(target[0], int) and isinstance(target[1], date))


# ---- through the served app ---------------------------------------------------------------------------

def consistent(engine: Engine) -> None:
    """What must hold whatever was sent: scores match, every risk has its history, ids stay unique,
    anonymous feedback has no author."""
    with Session(engine) as db:
        for r in db.exec(select(Risk)):
            assert 1 <= r.probability <= 5 and 1 <= r.impact <= 5 and r.score == r.probability * r.impact, r
            assert r.status in risks.STATUSES and r.title.strip() and len(r.title) <= risks.MAX_TITLE, r
        created = set(db.exec(select(RiskEvent.risk_id).where(RiskEvent.action == "created")))
        assert {r.id for r in db.exec(select(Risk))} <= created
        counters = {(c.team_id, c.name): c.value for c in db.exec(select(Counter))}
        for model, name in ((Risk, "risk"), (Feedback, "feedback")):
            for team, top in db.exec(select(model.team_id, func.max(model.number)).group_by(model.team_id)):
                assert counters.get((team, name), 0) >= top
        assert not list(db.exec(select(Feedback).where(Feedback.is_anonymous, Feedback.author_id.is_not(None))))
        for p in db.exec(select(Project)):
            assert p.name.strip() and len(p.name) <= 80 and p.name_key == p.name.lower()


def _trace(record: logging.LogRecord) -> str:
    return "".join(traceback.format_exception(*record.exc_info)[-6:]) if record.exc_info else ""


def check(o: Outcome, engine: Engine, view: dict[str, Any] | None = None) -> None:
    """The properties every request must have, whatever it carried."""
    assert o.status == 200, (o.status, o.body)
    assert not o.errors, "\n".join(f"{r.name}: {r.getMessage()}\n{_trace(r)}" for r in o.errors)
    said = o.to_person()
    assert said, f"no answer reached the person (ack: {o.body!r}, calls: {[m for m, _ in o.calls]})"
    for m in said:
        action = m.get("response_action")
        if action is not None:
            assert action in ("errors", "push", "update", "clear"), m
            if action == "errors":
                assert view is not None and m["errors"] and set(m["errors"]) <= input_blocks(view), m
                assert all(isinstance(v, str) and v.strip() for v in m["errors"].values()), m
        else:
            assert m.get("text") or m.get("blocks") or m.get("view"), m
    assert "Traceback" not in o.text()
    if not o.wrote:  # refused, failed or only read: every table as it was
        assert o.after == o.before, {k: (o.before[k], o.after[k]) for k in o.before if o.before[k] != o.after[k]}
    consistent(engine)


@pytest.fixture
def world_ids(world: World) -> dict[str, int]:
    return {"project": world.project_id, "poll": world.poll_id, "standup": world.standup_id,
            "answer": world.blocker_answer_id}


@through_app()
@given(data=st.data())
def test_any_command_text(driver: Driver, world: World, engine: Engine, data: st.DataObject) -> None:
    command = data.draw(st.sampled_from(ids.COMMANDS), "command")
    text = data.draw(s.command_text(command), "text")
    user = data.draw(st.sampled_from(USERS), "user")
    channel = data.draw(st.sampled_from(["CSALES", "CSTAND", "CAPOLLO", "DUMEMBER", "GPRIVATE"]), "channel")
    check(driver.command(command, text, user, channel=channel), engine)


@through_app()
@given(data=st.data())
def test_any_button_press(driver: Driver, world: World, world_ids: dict[str, int], engine: Engine,
                          data: st.DataObject) -> None:
    action_id = data.draw(st.sampled_from(s.ACTION_IDS), "action_id")
    user = data.draw(st.sampled_from(USERS), "user")
    kw: dict[str, Any] = {"channel": data.draw(st.sampled_from([f"D{user}", "DUMEMBER", "CSTAND", "CSALES"]))}
    if data.draw(st.booleans(), "has value"):
        kw["value"] = data.draw(s.action_value(world_ids), "value")
    if action_id == ids.CHECKIN_STATUS or data.draw(st.booleans(), "has selected_option"):
        kw["selected"] = data.draw(st.one_of(
            st.fixed_dictionaries({"value": st.one_of(s.action_value(world_ids), st.sampled_from([
                f"{world_ids['poll']}:{st_}" for st_ in checkins.STATUSES]))}), s.json_values()), "selected")
    for part in ("container", "message", "channel_obj"):
        if data.draw(st.booleans(), f"leave out {part}"):
            kw[part] = None  # Slack sends these for a message's buttons; the bot must not need them
    check(driver.press(action_id, user, **kw), engine)


@through_app()
@given(data=st.data())
def test_any_form_submission(driver: Driver, world: World, engine: Engine, data: st.DataObject) -> None:
    callback_id = data.draw(st.sampled_from(s.CALLBACK_IDS), "callback_id")
    view = world.views[callback_id]
    values = data.draw(s.state_values(view), "state")
    meta = data.draw(s.metadata(view.get("private_metadata")), "private_metadata")
    user = data.draw(st.sampled_from(USERS), "user")
    check(driver.submit(view, values, user, metadata=meta), engine, view)


LONG_USER, LONG_CHANNEL = "<@U" + "A" * 40 + "|x>", "<#C" + "9" * 40 + "|x>"
KNOWN_COMMANDS = [  # inputs that once reached PostgreSQL as they came and failed there
    (ids.RISK, "add Vendor\x00 slips", "UMEMBER"), (ids.RISK, f"add X owner={LONG_USER}", "UMEMBER"),
    (ids.RISK, f"update R-1 owner={LONG_USER}", "UMGR"), (ids.RISK, "add x mitigation=\x00", "UMEMBER"),
    (ids.PROJECT, "new Ap\x00ollo", "UMGR"), (ids.PROJECT, f"new X channel={LONG_CHANNEL}", "UMGR"),
    (ids.PROJECT, "new X client=a\x00", "UMGR"), (ids.FEEDBACK, "anon \x00", "UMEMBER"),
    (ids.CHECKIN, f"add {LONG_USER} project=Apollo", "UMGR"),
    (ids.STANDUP, f"setup channel={LONG_CHANNEL} members={LONG_USER}", "UMGR"),
]
KNOWN_PRESSES = [  # values the bot never draws, each once a failure or a silence
    (ids.STANDUP_OPEN, "999999999999:2030-01-01"), (ids.STANDUP_BLOCKER_RISK, "999999999999"),
    (ids.STANDUP_BLOCKER_RISK, "²"), (f"{ids.CHECKIN_SCORE}_1", "²"), (f"{ids.CHECKIN_SCORE}_1", None),
    (ids.CHECKIN_COMMENT, None), (ids.CHECKIN_LOG_RISK, json.dumps({"poll": 1, "u": "U" * 40})),
    (ids.REVIEW_VALID, 1.5), (ids.SUMMARY_FULL_RISKS, 7), (f"{ids.RISK_PAGE}_next", ["x"]),
]
KNOWN_FORMS = [  # private_metadata and state the bot never writes
    (ids.STANDUP_MODAL, {"s": 2**70, "d": "2030-01-01"}, {ids.B_TODAY: "Call Acme"}),
    (ids.RISK_UPDATE_MODAL, {"n": 2**70}, {ids.B_MITIGATION: "Weekly call"}),
    (ids.CHECKIN_COMMENT_MODAL, {}, {ids.B_COMMENT: "Fine"}),
    (ids.CHECKIN_COMMENT_MODAL, {"poll": 2**40}, {ids.B_COMMENT: "Fine"}),
    (ids.RISK_MODAL, {"channel": "CSALES"}, {ids.B_TITLE: "\x00", ids.B_OWNER: "U" * 40}),
    (ids.FEEDBACK_MODAL, {"channel": "CSALES"}, {ids.B_TEXT: "a\x00b", ids.B_OPTIONS: 5}),
]


def test_known_hostile_inputs(driver: Driver, world: World, engine: Engine) -> None:
    for command, text, user in KNOWN_COMMANDS:
        check(driver.command(command, text, user), engine)
    for action_id, value in KNOWN_PRESSES:
        kw = {} if value is None else {"value": value}
        check(driver.press(action_id, "UMEMBER", channel="DUMEMBER", **kw), engine)
    for callback_id, meta, values in KNOWN_FORMS:
        view = world.views[callback_id]
        state = {b: {b: v if isinstance(v, int) else {"type": "plain_text_input", "value": v}}
                 for b, v in values.items()}
        check(driver.submit(view, state, "UMEMBER", metadata=json.dumps(meta)), engine, view)


def test_every_interactive_id_is_exercised() -> None:
    """The properties above cover every action_id and callback_id the bot draws (PROJECT_PAGE is
    reserved: no message carries it, so no press can come back with it)."""
    names = {k: v for k, v in vars(ids).items() if isinstance(v, str) and k.isupper()}
    drawn = set(s.ACTION_IDS) | set(s.CALLBACK_IDS)
    covered = {v for v in names.values() if v in drawn or any(re.fullmatch(rf"{v}_\w+", d) for d in drawn)}
    interactive = {v for k, v in names.items() if not k.startswith("B_") and v not in ids.COMMANDS}
    assert interactive - covered == {ids.PROJECT_PAGE}
    ui = Path(__file__).resolve().parents[2] / "bot" / "ui"
    assert not [p for p in ui.glob("*.py") if "PROJECT_PAGE" in p.read_text()]
