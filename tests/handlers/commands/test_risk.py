"""/risk end to end: signed requests in, the Web API stand-in records what goes out."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from storage.models import Risk, RiskEvent
from tests.slack_requests import SlackClient


def test_add_shows_id_score_and_band(slack: SlackClient, engine) -> None:
    slack.command("/project", "new Apollo client=Acme", user="UMGR").text()
    r = slack.command("/risk", "add Vendor may slip p=3 i=4 project=apollo", user="UMEMBER")
    assert r.status == 200 and r.seconds < 3
    t = r.text()
    assert "R-1" in t and "12" in t and "High" in t
    with Session(engine) as s:
        risk = s.exec(select(Risk)).one()
        assert (risk.title, risk.probability, risk.impact, risk.score, risk.created_by) == (
            "Vendor may slip", 3, 4, 12, "UMEMBER")
        assert s.exec(select(RiskEvent)).one().action == "created"


def test_list_orders_by_score(slack: SlackClient) -> None:
    slack.command("/risk", "add Low one p=1 i=2").text()
    slack.command("/risk", "add Critical one p=5 i=5").text()
    slack.command("/risk", "add Medium one p=2 i=3").text()
    t = slack.command("/risk", "list").text()
    assert t.index("Critical one") < t.index("Medium one") < t.index("Low one")


def test_bad_probability_writes_nothing(slack: SlackClient, engine) -> None:
    r = slack.command("/risk", "add Out of range p=7 i=1")
    assert r.status == 200
    assert "from 1 to 5" in r.text() and "Usage" in r.text()
    with Session(engine) as s:
        assert s.exec(select(Risk)).all() == []


def test_forged_signature_is_refused(slack: SlackClient, engine) -> None:
    status, _, _ = slack.post(b"command=%2Frisk&text=add+x&user_id=U1&team_id=T0ACME", sig="v0=" + "0" * 64)
    assert status == 401
    with Session(engine) as s:
        assert s.exec(select(Risk)).all() == []


def test_modal_open_and_submit(slack: SlackClient, stub, engine) -> None:
    from tests.slack_requests import select_value, text_value

    r = slack.command("/risk", "", user="UMEMBER")
    assert r.status == 200
    view = stub.wait_for("views.open")[0]["view"]
    assert view["callback_id"] == "risk_modal"
    sub = slack.submit(view, {"title": text_value("Key engineer leaves"), "probability": select_value("4"),
                              "impact": select_value("5")}, user="UMEMBER")
    assert sub.status == 200
    note = stub.wait_for("chat.postEphemeral")
    assert note and re.search(r"R-1\b", str(note[0])) and "Critical" in str(note[0])
    with Session(engine) as s:
        assert s.exec(select(Risk)).one().score == 20
