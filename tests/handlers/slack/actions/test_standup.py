"""Stand-up buttons end to end: the prompt's button (for members, on its own day), the answer form
submitted, and "Log as risk" under a blocker opening the risk form prefilled."""

from __future__ import annotations

import json

from sqlmodel import Session, select

from handlers.slack import ids
from storage.models import Risk
from storage.models_rhythm import Standup, StandupAnswer
from tests.handlers.slack.e2e import one, rows, seed_project
from tests.handlers.slack.standups import CHANNEL, SETUP, answer, prompt_for
from tests.slack_requests import SlackClient, all_text, find_element, select_value, text_value
from tests.slack_stub import SlackStub


def test_someone_else_pressing_a_forwarded_prompt_is_refused(slack: SlackClient, stub: SlackStub) -> None:
    prompt = prompt_for(slack, stub)
    r = slack.click(prompt, ids.STANDUP_OPEN, user="UOTHER")
    assert "aren't one of them" in r.text()
    assert "Sorry, guest accounts" in slack.click(prompt, ids.STANDUP_OPEN, user="UGUEST").text()
    assert stub.find("views.open") == []


def test_an_old_days_button_says_it_can_no_longer_be_changed(slack: SlackClient, stub: SlackStub,
                                                             engine) -> None:
    prompt = prompt_for(slack, stub)
    r = slack.click(prompt, ids.STANDUP_OPEN, user="UMEMBER", value=f"{one(engine, Standup).id}:2000-01-03")
    assert "only on its own day" in r.text() and "Mon 3 Jan 2000" in r.text()
    assert stub.find("views.open") == []


def test_a_mangled_button_is_answered(slack: SlackClient, stub: SlackStub) -> None:
    prompt = prompt_for(slack, stub)
    assert "no longer works" in slack.click(prompt, ids.STANDUP_OPEN, user="UMEMBER", value="12:banana").text()
    assert "no longer exists" in slack.click(prompt, ids.STANDUP_OPEN, user="UMEMBER", value="999:2030-01-01").text()


def test_a_form_submitted_after_its_day_stays_open_and_nothing_is_stored(slack: SlackClient, stub: SlackStub,
                                                                         engine) -> None:
    prompt = prompt_for(slack, stub)
    slack.click(prompt, ids.STANDUP_OPEN, user="UMEMBER", channel="DUMEMBER")
    view = stub.wait_for("views.open")[0]["view"]
    meta = json.loads(view["private_metadata"])
    stale = {**view, "private_metadata": json.dumps({**meta, "d": "2000-01-03"})}
    r = slack.submit(stale, {ids.B_TODAY: text_value("Call Acme")}, user="UMEMBER")
    body = r.json()
    assert body["response_action"] == "errors" and "only on its own day" in body["errors"][ids.B_TODAY]
    broken = {**view, "private_metadata": "not json"}
    assert "out of date" in slack.submit(broken, {ids.B_TODAY: text_value("x")}, user="UMEMBER").json()[
        "errors"][ids.B_TODAY]
    empty = slack.submit(view, {ids.B_TODAY: text_value("  ")}, user="UMEMBER").json()
    assert empty["response_action"] == "errors" and ids.B_TODAY in empty["errors"]
    assert rows(engine, StandupAnswer) == []


def test_log_as_risk_opens_the_risk_form_prefilled(slack: SlackClient, stub: SlackStub, engine) -> None:
    project_id = seed_project(engine, "Apollo", channel=CHANNEL)
    prompt = prompt_for(slack, stub)
    answer(slack, stub, prompt, "UMEMBER", today="Call Acme", blockers="Legal hasn't signed the NDA\nsince Friday")
    post = stub.wait_for("chat.postMessage", channel=CHANNEL)[0]

    opened = len(stub.find("views.open"))
    assert slack.click(post, ids.STANDUP_BLOCKER_RISK, user="UMEMBER2", channel=CHANNEL).status == 200
    view = stub.wait_for("views.open", count=opened + 1)[opened]["view"]
    assert view["callback_id"] == ids.RISK_MODAL
    assert json.loads(view["private_metadata"]) == {"channel": CHANNEL, "source": "standup"}
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs[ids.B_TITLE]["initial_value"] == "Legal hasn't signed the NDA"
    assert "since Friday" in inputs[ids.B_DESCRIPTION]["initial_value"]
    assert inputs[ids.B_PROJECT]["initial_option"]["value"] == str(project_id)

    sub = slack.submit(view, {ids.B_TITLE: text_value("Legal hasn't signed the NDA"),
                              ids.B_PROBABILITY: select_value("3"), ids.B_IMPACT: select_value("4"),
                              ids.B_PROJECT: select_value(str(project_id))}, user="UMEMBER2")
    assert sub.status == 200
    note = stub.wait_for("chat.postEphemeral", channel=CHANNEL)
    assert note and "R-1" in all_text(note[0])
    with Session(engine) as s:
        risk = s.exec(select(Risk)).one()
    assert (risk.source, risk.project_id, risk.created_by) == ("standup", project_id, "UMEMBER2")


def test_log_as_risk_for_a_vanished_answer_is_answered(slack: SlackClient, stub: SlackStub) -> None:
    prompt_for(slack, stub)
    message = {"blocks": [{"type": "actions", "elements": [
        {"type": "button", "action_id": ids.STANDUP_BLOCKER_RISK, "value": "999",
         "text": {"type": "plain_text", "text": "Log as risk"}}]}]}
    assert "no longer exists" in slack.click(message, ids.STANDUP_BLOCKER_RISK, user="UMEMBER").text()
    assert "no longer works" in slack.click(message, ids.STANDUP_BLOCKER_RISK, user="UMEMBER", value="x").text()


def test_digest_mode_keeps_answers_for_the_digest(slack: SlackClient, stub: SlackStub, engine) -> None:
    # 23:59 (UTC): the digest's three hours never run out while this test runs, whatever the clock says
    prompt = prompt_for(slack, stub, setup=SETUP.replace("09:30", "23:59") + " post=digest")
    answer(slack, stub, prompt, "UMEMBER", today="Call Acme", blockers="Legal")
    updated = stub.wait_for("chat.update", channel="DUMEMBER")[0]
    assert "digest" in all_text(updated)
    find_element(updated["blocks"], ids.STANDUP_OPEN)  # still there: it can be changed today
    assert stub.find("chat.postMessage", channel=CHANNEL) == []
    assert one(engine, StandupAnswer).today == "Call Acme"


def test_log_as_risk_with_a_guessed_answer_id_is_refused_to_non_members(slack: SlackClient, stub: SlackStub,
                                                                        engine) -> None:
    prompt = prompt_for(slack, stub)
    answer(slack, stub, prompt, "UMEMBER", today="Call Acme", blockers="Legal hasn't signed the NDA")
    answer_id = one(engine, StandupAnswer).id
    message = {"blocks": [{"type": "actions", "elements": [
        {"type": "button", "action_id": ids.STANDUP_BLOCKER_RISK, "value": "1",
         "text": {"type": "plain_text", "text": "Log as risk"}}]}]}
    opened = len(stub.find("views.open"))
    r = slack.click(message, ids.STANDUP_BLOCKER_RISK, user="UOTHER", channel="DUOTHER", value=str(answer_id))
    assert "aren't one of them" in r.text() and "Legal" not in r.text()
    assert len(stub.find("views.open")) == opened
    # a manager may still log it
    slack.click(message, ids.STANDUP_BLOCKER_RISK, user="UMGR", channel="DUMGR", value=str(answer_id))
    assert len(stub.wait_for("views.open", count=opened + 1)) == opened + 1
