"""The check-in poll end to end: /checkin add → /checkin send → the DM → answers (only by the person asked)
→ the managers' alert → log as risk → results."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import Session

from handlers.slack import ids
from storage import clock
from storage.models import Risk
from storage.models_rhythm import CheckinAnswer, CheckinPoll
from storage.repositories import checkins as repo
from tests.handlers.slack.e2e import check_limits, one, rows
from tests.slack_requests import SlackClient, all_text, find_element, select_value, text_value
from tests.slack_stub import TEAM, SlackStub

DM_TS = "1700000000.000100"


def poll_dm(slack: SlackClient, stub: SlackStub, people: str = "<@UMEMBER|mike> <@UMEMBER2|nina>") -> dict:
    """Apollo with stakeholders, a check-in sent by hand; returns the DM mike got."""
    assert "Created project" in slack.command("/project", "new Apollo", user="UMGR").text()
    slack.command("/checkin", f"add {people} project=Apollo", user="UMGR").text()
    assert "Sent the *Apollo* check-in" in slack.command("/checkin", "send project=Apollo", user="UMGR").text()
    [dm] = stub.wait_for("chat.postMessage", channel="UMEMBER")
    check_limits(dm)
    return dm


def click(slack: SlackClient, dm: dict, action: str, user: str, value: str | None = None):  # noqa: ANN201
    return slack.click(dm, action, user, channel=f"D{user}" if user == "UMEMBER" else "DUMEMBER", ts=DM_TS,
                       value=value)


def test_the_whole_round(slack: SlackClient, stub: SlackStub, engine) -> None:
    dm = poll_dm(slack, stub)
    poll = one(engine, CheckinPoll)
    assert [b["text"]["text"][0] for b in dm["blocks"][1]["elements"]] == list("12345")

    # The addressee presses 3: stored, and the message shows it (buttons kept).
    r = click(slack, dm, f"{ids.CHECKIN_SCORE}_3", "UMEMBER")
    assert r.status == 200 and r.seconds < 3
    [update] = stub.wait_for("chat.update", channel="DUMEMBER", ts=DM_TS)
    assert "3/5" in all_text(update) and "until the next check-in" in all_text(update)
    assert find_element(update["blocks"], f"{ids.CHECKIN_SCORE}_5")[0]["value"] == str(poll.id)
    check_limits(update)
    assert (one(engine, CheckinAnswer).user_id, one(engine, CheckinAnswer).score) == ("UMEMBER", 3)

    # Someone else presses a button of that message: refused, only to them, and nothing stored.
    r = click(slack, dm, f"{ids.CHECKIN_SCORE}_1", "UMEMBER2")
    [refusal] = stub.wait_response(r.rid)
    assert refusal["response_type"] == "ephemeral" and refusal["replace_original"] is False
    assert "only the person asked" in all_text(refusal)
    r = click(slack, dm, ids.CHECKIN_STATUS, "UMEMBER2", value=f"{poll.id}:off_track")
    assert "only the person asked" in all_text(stub.wait_response(r.rid)[0])
    r = click(slack, dm, f"{ids.CHECKIN_SCORE}_5", "UGUEST")  # not a stakeholder at all
    assert "only the person asked" in all_text(stub.wait_response(r.rid)[0])
    [answer] = rows(engine, CheckinAnswer)
    assert (answer.user_id, answer.score, answer.status) == ("UMEMBER", 3, None)
    assert len(stub.find("chat.update")) == 1

    # Off track: stored, shown, and the managers are alerted at once with a log-risk button.
    click(slack, dm, ids.CHECKIN_STATUS, "UMEMBER", value=f"{poll.id}:off_track")
    updates = stub.wait_for("chat.update", count=2)
    assert "off track" in all_text(updates[-1]) and "3/5" in all_text(updates[-1])
    [alert] = stub.wait_for("chat.postMessage", channel="UMGR")
    assert "<@UMEMBER>" in all_text(alert) and "off track" in all_text(alert)
    check_limits(alert)
    assert one(engine, CheckinAnswer).status == "off_track"

    # Log it as a risk: the risk modal opens prefilled, and what is submitted is kept as from a check-in.
    click(slack, dm, ids.CHECKIN_STATUS, "UMEMBER", value=f"{poll.id}:off_track")  # again: no second alert
    slack.click(alert, ids.CHECKIN_LOG_RISK, "UMGR", channel="DUMGR")
    [opened] = stub.wait_for("views.open")
    view = opened["view"]
    assert view["callback_id"] == ids.RISK_MODAL and json.loads(view["private_metadata"])["source"] == "checkin"
    fields = {b["block_id"]: b["element"] for b in view["blocks"] if b.get("type") == "input"}
    assert fields[ids.B_TITLE]["initial_value"] == "Stakeholder concern on Apollo"
    assert "mike answered the Apollo check-in" in fields[ids.B_DESCRIPTION]["initial_value"]
    assert fields[ids.B_PROJECT]["initial_option"]["text"]["text"] == "Apollo"
    assert fields[ids.B_IMPACT]["initial_option"]["value"] == "4"
    slack.submit(view, {ids.B_TITLE: text_value(fields[ids.B_TITLE]["initial_value"]),
                        ids.B_PROJECT: select_value(fields[ids.B_PROJECT]["initial_option"]["value"])}, user="UMGR")
    stub.wait_for("chat.postMessage", channel="UMGR", count=2)
    risk = one(engine, Risk)
    assert (risk.source, risk.project_id, risk.title) == ("checkin", poll.project_id, "Stakeholder concern on Apollo")
    assert len(stub.find("chat.postMessage", channel="UMGR")) == 2  # the alert, then the risk's confirmation

    # Results: the average, the trend and who has not answered.
    r = slack.command("/checkin", "results project=Apollo", user="UMGR")
    t = r.text()
    assert "3.0/5" in t and "1 of 2 answered" in t and "1 off track" in t
    assert "Trend" in t and t.count("`20") == 8
    assert "Not answered yet:* <@UMEMBER2>" in t
    check_limits(r.messages()[0])


def test_log_risk_is_only_for_the_managers_alerted(slack: SlackClient, stub: SlackStub, engine) -> None:
    dm = poll_dm(slack, stub)
    poll = one(engine, CheckinPoll)
    click(slack, dm, f"{ids.CHECKIN_SCORE}_1", "UMEMBER")
    [alert] = stub.wait_for("chat.postMessage", channel="UMGR")
    r = slack.click(alert, ids.CHECKIN_LOG_RISK, "UMEMBER2", channel="DUMGR")
    assert "Only the managers this alert was sent to" in all_text(stub.wait_response(r.rid)[0])
    assert stub.find("views.open") == [] and poll.id is not None


def test_comment_modal(slack: SlackClient, stub: SlackStub, engine) -> None:
    dm = poll_dm(slack, stub)
    poll = one(engine, CheckinPoll)
    r = click(slack, dm, ids.CHECKIN_COMMENT, "UMEMBER2")  # not theirs: no modal
    assert "only the person asked" in all_text(stub.wait_response(r.rid)[0])
    assert stub.find("views.open") == []
    click(slack, dm, ids.CHECKIN_COMMENT, "UMEMBER")
    [opened] = stub.wait_for("views.open")
    view = opened["view"]
    assert view["callback_id"] == ids.CHECKIN_COMMENT_MODAL
    assert json.loads(view["private_metadata"]) == {"poll": poll.id, "channel": "DUMEMBER", "ts": DM_TS}
    sub = slack.submit(view, {ids.B_COMMENT: text_value("Sign-off is slow")}, user="UMEMBER")
    assert sub.status == 200 and sub.body.strip() in ("", "{}")
    [update] = stub.wait_for("chat.update", channel="DUMEMBER", ts=DM_TS)
    assert "Sign-off is slow" in all_text(update)
    assert one(engine, CheckinAnswer).comment == "Sign-off is slow"
    # A comment alone is not a low answer: nobody is alerted.
    assert stub.find("chat.postMessage", channel="UMGR") == []
    # Someone else submitting the same modal is refused in the modal, nothing stored.
    other = slack.submit(view, {ids.B_COMMENT: text_value("Forged")}, user="UMEMBER2")
    assert other.json()["response_action"] == "errors" and "only the person asked" in other.body
    assert one(engine, CheckinAnswer).comment == "Sign-off is slow"


def test_answers_to_a_closed_check_in_are_refused(slack: SlackClient, stub: SlackStub, engine) -> None:
    dm = poll_dm(slack, stub)
    poll = one(engine, CheckinPoll)
    click(slack, dm, f"{ids.CHECKIN_SCORE}_4", "UMEMBER")
    stub.wait_for("chat.update")
    with Session(engine) as s:  # the next week's check-in
        repo.ensure_poll(session=s, team_id=TEAM, project_id=poll.project_id, occurrence="next",
                         sent_at=clock.now() + timedelta(days=7), sent_by=None)
        s.commit()
    r = click(slack, dm, f"{ids.CHECKIN_SCORE}_2", "UMEMBER")
    assert "this check-in has closed" in all_text(stub.wait_response(r.rid)[0])
    assert one(engine, CheckinAnswer).score == 4
    assert stub.find("chat.postMessage", channel="UMGR") == []


def test_failed_message_update_still_confirms_the_answer(slack: SlackClient, stub: SlackStub, engine) -> None:
    dm = poll_dm(slack, stub)
    stub.fail("chat.update", error="message_not_found")
    r = click(slack, dm, f"{ids.CHECKIN_SCORE}_5", "UMEMBER")
    assert "Saved your answer: *5/5*" in all_text(stub.wait_response(r.rid)[0])
    assert one(engine, CheckinAnswer).score == 5


def test_each_stakeholder_answers_in_their_own_dm(slack: SlackClient, stub: SlackStub, engine) -> None:
    dm = poll_dm(slack, stub)
    [nina_dm] = stub.find("chat.postMessage", channel="UMEMBER2")
    click(slack, dm, f"{ids.CHECKIN_SCORE}_4", "UMEMBER")
    slack.click(nina_dm, f"{ids.CHECKIN_SCORE}_5", "UMEMBER2", channel="DUMEMBER2", ts="1700000000.000200")
    stub.wait_for("chat.update", channel="DUMEMBER2", ts="1700000000.000200")
    stub.wait_for("chat.update", channel="DUMEMBER", ts=DM_TS)
    assert sorted((a.user_id, a.score) for a in rows(engine, CheckinAnswer)) == [("UMEMBER", 4), ("UMEMBER2", 5)]
    t = slack.command("/checkin", "results project=Apollo", user="UMGR").text()
    assert "4.5/5" in t and "2 of 2 answered" in t and "everyone has answered" in t


def test_failed_update_and_response_url_confirm_the_answer_by_dm(slack: SlackClient, stub: SlackStub, engine) -> None:
    dm = poll_dm(slack, stub)
    sent = len(stub.find("chat.postMessage", channel="UMEMBER"))
    stub.fail("chat.update", error="message_not_found")
    stub.fail("response", status=404)
    click(slack, dm, f"{ids.CHECKIN_SCORE}_5", "UMEMBER")
    note = stub.wait_for("chat.postMessage", channel="UMEMBER", count=sent + 1)[sent]
    assert "Saved your answer: *5/5*" in all_text(note)
    assert one(engine, CheckinAnswer).score == 5
