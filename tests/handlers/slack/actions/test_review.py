"""A risk review reminder end to end: the DM from the reminder flow, then each of its buttons
pressed through signed interactivity — still valid, update (a modal), close — by the people who
may (owner, the person who logged it, a manager) and by someone who may not."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.reviews.flows import send_due_reviews
from handlers.slack import ids
from storage.models import Risk, RiskEvent
from tests import summary_seed as seed
from tests.handlers.slack.e2e import check_limits, table_counts
from tests.slack_requests import SlackClient, all_text, date_value, find_element, select_value, text_value
from tests.slack_stub import SlackStub
from tests.support.served import ServedBot

DM_TS = "1700000000.000200"


def reminder(served: ServedBot, stub: SlackStub, engine: Engine) -> dict[str, Any]:
    """R-1 on Apollo (owner UOWNER, logged by UMEMBER), due for review today; returns the DM UOWNER got."""
    today = date.today()
    with Session(engine) as s:
        apollo = seed.project(s, "Apollo", channel="CAPOLLO")
        seed.risk(s, 1, project_id=apollo.id, title="Vendor may slip", owner="UOWNER", created_by="UMEMBER",
                  review=today)
        s.commit()
    now = datetime.combine(today, time(10, 0), UTC)  # BOT_TIMEZONE is UTC: due from 09:00
    asyncio.run(send_due_reviews(served.runtime.rhythm, now))
    [dm] = [m for m in stub.wait_for("chat.postMessage", channel="UOWNER")
            if m["text"].startswith("Time to review R-1")]
    check_limits(dm)
    return dm


def press(slack: SlackClient, dm: dict[str, Any], action: str, user: str, value: str | None = None) -> Any:
    return slack.click(dm, action, user, channel="DUOWNER", ts=DM_TS, value=value)


def risk(engine: Engine) -> Risk:
    with Session(engine) as s:
        return s.exec(select(Risk)).one()


def events(engine: Engine) -> list[tuple[str, str, str | None]]:
    with Session(engine) as s:
        return [(e.action, e.actor_id, e.note) for e in s.exec(select(RiskEvent).order_by(col(RiskEvent.id)))]


def test_still_valid_records_the_review_and_moves_the_date_a_week_on(slack: SlackClient, stub: SlackStub,
                                                                    engine: Engine, served: ServedBot) -> None:
    dm = reminder(served, stub, engine)
    r = press(slack, dm, ids.REVIEW_VALID, "UOWNER")
    assert r.status == 200 and r.seconds < 3
    [update] = stub.wait_for("chat.update", channel="DUOWNER", ts=DM_TS)
    check_limits(update)
    nxt = (date.today() + timedelta(days=7)).isoformat()
    t = all_text(update)
    assert "R-1* is still valid" in t and nxt in t and "Done at its review by <@UOWNER>" in t
    assert not [b for b in update["blocks"] if b["type"] == "actions"]  # nothing left to press
    assert risk(engine).review_date == date.today() + timedelta(days=7)
    assert events(engine)[-1] == ("reviewed", "UOWNER", "Still valid")
    t = slack.command("/risk", "show R-1", user="UOWNER").text()
    assert f"review {date.today().isoformat()} → {nxt}" in t and "Still valid" in t


def test_someone_who_may_not_change_the_risk_is_refused(slack: SlackClient, stub: SlackStub, engine: Engine,
                                                       served: ServedBot) -> None:
    dm = reminder(served, stub, engine)
    before = table_counts(engine)
    for action in (ids.REVIEW_VALID, ids.REVIEW_CLOSE, ids.REVIEW_UPDATE):
        r = press(slack, dm, action, "UMEMBER2")
        [refusal] = stub.wait_response(r.rid)
        assert refusal["response_type"] == "ephemeral" and refusal["replace_original"] is False
        assert "only the owner of R-1, the person who logged it, or a manager" in all_text(refusal)
    assert stub.find("chat.update") == [] and stub.find("views.open") == []
    assert table_counts(engine) == before and risk(engine).status == "open"


def test_close_by_the_person_who_logged_it(slack: SlackClient, stub: SlackStub, engine: Engine,
                                           served: ServedBot) -> None:
    dm = reminder(served, stub, engine)
    press(slack, dm, ids.REVIEW_CLOSE, "UMEMBER")
    [update] = stub.wait_for("chat.update", channel="DUOWNER", ts=DM_TS)
    t = all_text(update)
    assert "Closed *R-1*" in t and "Closed at its review" in t and "by <@UMEMBER>" in t
    assert risk(engine).status == "closed" and events(engine)[-1] == ("closed", "UMEMBER", "Closed at its review")
    r = press(slack, dm, ids.REVIEW_VALID, "UOWNER")  # a second press on the old message
    assert "closed already" in all_text(stub.wait_response(r.rid)[0])
    assert len(stub.find("chat.update")) == 1


def test_update_opens_the_modal_prefilled_and_saves_through_the_register(slack: SlackClient, stub: SlackStub,
                                                                         engine: Engine, served: ServedBot) -> None:
    dm = reminder(served, stub, engine)
    press(slack, dm, ids.REVIEW_UPDATE, "UMGR")  # a manager may too
    [opened] = stub.wait_for("views.open")
    view = opened["view"]
    assert view["callback_id"] == ids.RISK_UPDATE_MODAL and len(view["blocks"]) <= 100
    initial = {b["block_id"]: b["element"].get("initial_option", {}).get("value") or b["element"].get(
        "initial_date") for b in view["blocks"] if b["type"] == "input"}
    nxt = date.today() + timedelta(days=7)
    assert initial == {ids.B_PROBABILITY: "3", ids.B_IMPACT: "3", ids.B_STATUS: "open", ids.B_MITIGATION: None,
                       ids.B_REVIEW: nxt.isoformat()}
    assert json.loads(view["private_metadata"]) == {"n": 1, "channel": "DUOWNER", "ts": DM_TS}

    # a date in the past is refused under the field, and nothing changes
    past = slack.submit(view, {ids.B_REVIEW: date_value((date.today() - timedelta(days=1)).isoformat())}, "UMGR")
    assert past.json() == {"response_action": "errors", "errors": {ids.B_REVIEW: "This date is in the past."}}
    assert risk(engine).review_date == date.today()

    later = date.today() + timedelta(days=14)
    r = slack.submit(view, {ids.B_PROBABILITY: select_value("5"), ids.B_IMPACT: select_value("4"),
                            ids.B_STATUS: select_value("mitigating"), ids.B_MITIGATION: text_value("Second supplier"),
                            ids.B_REVIEW: date_value(later.isoformat())}, "UMGR")
    assert r.status == 200
    [update] = stub.wait_for("chat.update", channel="DUOWNER", ts=DM_TS)
    t = all_text(update)
    assert "Updated" in t and "score 20 (Critical)" in t and "by <@UMGR>" in t
    got = risk(engine)
    assert (got.probability, got.impact, got.score, got.status, got.mitigation, got.review_date) == (
        5, 4, 20, "mitigating", "Second supplier", later)
    assert events(engine)[-1] == ("updated", "UMGR", "At its review")
    # raised from Medium to Critical: the project's channel hears of it, as with /risk update
    [announced] = stub.wait_for("chat.postMessage", channel="CAPOLLO")
    assert "Risk raised from Medium" in all_text(announced)


def test_a_mangled_button_is_answered(slack: SlackClient, stub: SlackStub, engine: Engine, served: ServedBot) -> None:
    dm = reminder(served, stub, engine)
    element, _ = find_element(dm["blocks"], ids.REVIEW_VALID)
    r = press(slack, dm, ids.REVIEW_VALID, "UOWNER", value="not json")
    assert "no longer read" in all_text(stub.wait_response(r.rid)[0])
    assert element["value"] == '{"n": 1}' and risk(engine).review_date == date.today()


def test_an_announcement_that_fails_is_told_without_touching_the_reminder(slack: SlackClient, stub: SlackStub,
                                                                          engine: Engine, served: ServedBot) -> None:
    dm = reminder(served, stub, engine)
    press(slack, dm, ids.REVIEW_UPDATE, "UOWNER")
    view = stub.wait_for("views.open")[0]["view"]
    stub.fail("chat.postMessage", error="not_in_channel")  # the announcement in #apollo
    slack.submit(view, {ids.B_PROBABILITY: select_value("5"), ids.B_IMPACT: select_value("5")}, "UOWNER")
    [note] = [m for m in stub.wait_for("chat.postMessage", channel="UOWNER", count=2)
              if "couldn't announce" in all_text(m)]
    assert "<#CAPOLLO>" in all_text(note)
    [update] = stub.find("chat.update")
    assert "Updated" in all_text(update) and risk(engine).score == 25


def test_still_valid_saved_when_neither_the_reminder_nor_response_url_can_be_answered_comes_by_dm(
        slack: SlackClient, stub: SlackStub, engine: Engine, served: ServedBot) -> None:
    dm = reminder(served, stub, engine)
    sent = len(stub.find("chat.postMessage", channel="UOWNER"))
    stub.fail("chat.update", error="message_not_found")
    stub.fail("response", status=500)
    assert press(slack, dm, ids.REVIEW_VALID, "UOWNER").status == 200
    note = stub.wait_for("chat.postMessage", channel="UOWNER", count=sent + 1)[sent]
    assert "R-1* is still valid" in all_text(note)
    assert risk(engine).review_date == date.today() + timedelta(days=7)
