"""A stand-up answer or a check-in comment becomes a change request with one button; and the target
beside satisfaction flag from real check-in answers."""

from __future__ import annotations

import json

from bot.checkins import service as checkins
from handlers.slack import ids
from storage.db import session_scope
from storage.models_rhythm import CheckinPoll, StandupAnswer
from storage.models_scope import ScopeChange
from tests.handlers.slack.e2e import check_limits, one, seed_project
from tests.handlers.slack.standups import CHANNEL, answer, prompt_for
from tests.slack_requests import SlackClient, all_text, find_element, select_value, text_value
from tests.slack_stub import TEAM, SlackStub

DM_TS = "1700000000.000100"


def test_a_standup_answer_becomes_a_change_request(slack: SlackClient, stub: SlackStub, engine) -> None:
    project_id = seed_project(engine, "Apollo", channel=CHANNEL)
    prompt = prompt_for(slack, stub)
    answer(slack, stub, prompt, "UMEMBER", today="Call Acme", blockers="Client wants a mobile app too\nby June")
    post = stub.wait_for("chat.postMessage", channel=CHANNEL)[0]
    check_limits(post)
    opened = len(stub.find("views.open"))
    slack.click(post, ids.STANDUP_CHANGE, user="UMEMBER2", channel=CHANNEL)
    view = stub.wait_for("views.open", count=opened + 1)[opened]["view"]
    assert view["callback_id"] == ids.SCOPE_CHANGE_MODAL
    assert json.loads(view["private_metadata"]) == {"channel": CHANNEL, "source": "standup"}
    fields = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert fields[ids.B_TITLE]["initial_value"] == "Client wants a mobile app too"
    assert fields[ids.B_PROJECT]["initial_option"]["value"] == str(project_id)
    slack.submit(view, {ids.B_TITLE: text_value("Client wants a mobile app too"),
                        ids.B_PROJECT: select_value(str(project_id)), ids.B_DAYS: text_value("15")}, user="UMEMBER2")
    stub.wait_for("chat.postMessage", channel="UMGR")
    change = one(engine, ScopeChange)
    assert (change.source, change.requested_by, change.days) == ("standup", "UMEMBER2", 15)


def test_a_guessed_standup_answer_id_is_refused_to_non_members(slack: SlackClient, stub: SlackStub,
                                                               engine) -> None:
    prompt = prompt_for(slack, stub)
    answer(slack, stub, prompt, "UMEMBER", today="Call Acme", blockers="Secret pricing issue")
    answer_id = one(engine, StandupAnswer).id
    message = {"blocks": [{"type": "actions", "elements": [
        {"type": "button", "action_id": ids.STANDUP_CHANGE, "value": "1",
         "text": {"type": "plain_text", "text": "Log as change request"}}]}]}
    opened = len(stub.find("views.open"))
    r = slack.click(message, ids.STANDUP_CHANGE, user="UOTHER", channel="DUOTHER", value=str(answer_id))
    assert "aren't one of them" in r.text() and "Secret" not in r.text()
    assert len(stub.find("views.open")) == opened
    assert "no longer works" in slack.click(message, ids.STANDUP_CHANGE, user="UMEMBER", value="x").text()


def _low_answer_with_comment(slack: SlackClient, stub: SlackStub, engine, comment: str) -> dict:
    assert "Created project" in slack.command("/project", "new Apollo target=100k booked=120k", user="UMGR").text()
    slack.command("/checkin", "add <@UMEMBER|mike> project=Apollo", user="UMGR").text()
    slack.command("/checkin", "send project=Apollo", user="UMGR").text()
    [dm] = stub.wait_for("chat.postMessage", channel="UMEMBER")
    poll = one(engine, CheckinPoll)
    with session_scope(engine) as s:
        checkins.answer(session=s, team_id=TEAM, user_id="UMEMBER", poll_id=poll.id, changes={"comment": comment},
                        channel="DUMEMBER")
    slack.click(dm, f"{ids.CHECKIN_SCORE}_2", "UMEMBER", channel="DUMEMBER", ts=DM_TS)
    [alert] = stub.wait_for("chat.postMessage", channel="UMGR")
    check_limits(alert)
    find_element(alert["blocks"], ids.CHECKIN_CHANGE)
    return alert


def test_a_checkin_comment_becomes_a_change_request_for_the_managers_alerted(slack: SlackClient, stub: SlackStub,
                                                                            engine) -> None:
    alert = _low_answer_with_comment(slack, stub, engine, "We also need exports to SAP")
    r = slack.click(alert, ids.CHECKIN_CHANGE, "UMEMBER2", channel="DUMGR")
    assert "Only the managers this alert was sent to" in all_text(stub.wait_response(r.rid)[0])
    assert not stub.find("views.open")
    slack.click(alert, ids.CHECKIN_CHANGE, "UMGR", channel="DUMGR")
    [opened] = stub.wait_for("views.open")
    view = opened["view"]
    assert view["callback_id"] == ids.SCOPE_CHANGE_MODAL and json.loads(view["private_metadata"])["source"] == "checkin"
    fields = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert fields[ids.B_TITLE]["initial_value"] == "We also need exports to SAP"
    assert fields[ids.B_PROJECT]["initial_option"]["text"]["text"] == "Apollo"


def test_on_target_with_an_unhappy_client_is_flagged(slack: SlackClient, stub: SlackStub, engine) -> None:
    _low_answer_with_comment(slack, stub, engine, "Too slow")
    t = slack.command("/project", "show Apollo", user="UMGR").text()
    assert "booked 120,000 of 100,000 target (120%)" in t and "satisfaction *2.0*/5" in t
    assert "on target, client satisfaction falling" in t
    t = slack.command("/summary", "project=Apollo", user="UMGR").text()
    assert "on target, client satisfaction falling" in t
    slack.command("/project", "update Apollo booked=50k", user="UMGR").text()
    assert "client satisfaction falling" not in slack.command("/project", "show Apollo", user="UMGR").text()
