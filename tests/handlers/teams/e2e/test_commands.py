"""Every command typed to the bot in Teams, end to end: the same grammar, answers and ids as Slack."""

from __future__ import annotations

import json

from sqlalchemy import text as sql
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from storage.models import Feedback, Project, Risk
from tests.support.teams import (
    ANN,
    BOB,
    CHANNEL,
    MANAGER,
    TeamsClient,
    answer_of,
    cards_in,
    shown,
    wait_for,
    wait_sent,
)
from tests.teams_stub import TeamsStub


def said(teams: TeamsClient, stub: TeamsStub, text: str, who=MANAGER, *, count: int = 1, **kw) -> str:
    """Type `text` to the bot; the next `count` things it sends to that person's chat (or the channel):
    `project new` answers, then reminds to set the scope baseline."""
    where = CHANNEL if kw.get("channel") else who.dm
    before = len(stub.sent(where))
    status, _ = teams.say(text, who, **kw)
    assert status == 200
    got = wait_sent(stub, where, count, since=before)
    assert len(got) >= count, f"{len(got)} of {count} answers to {text!r}"
    return "\n".join(shown(call) for call in got)


def test_risk_commands(teams: TeamsClient, teams_stub: TeamsStub, engine: Engine) -> None:
    assert "Apollo" in said(teams, teams_stub, "project new Apollo client=Acme", count=2)
    assert "R-1" in said(teams, teams_stub, "/risk add Vendor may slip p=3 i=4 project=apollo", ANN)
    said(teams, teams_stub, "risk add Critical one p=5 i=5", ANN)
    listing = said(teams, teams_stub, "risk list", ANN)
    assert listing.index("Critical one") < listing.index("Vendor may slip")
    assert "Vendor may slip" in said(teams, teams_stub, "risk show R-1", ANN)
    said(teams, teams_stub, "risk update R-1 p=1", ANN)
    said(teams, teams_stub, "risk close R-2", ANN)
    with Session(engine) as s:
        risks = {r.number: r for r in s.exec(select(Risk))}
    assert risks[1].probability == 1 and risks[2].status == "closed"
    bad = said(teams, teams_stub, "risk add Out of range p=7 i=1", ANN)
    assert "from 1 to 5" in bad and "Usage" in bad
    assert "Usage" in said(teams, teams_stub, "risk help", ANN)
    with Session(engine) as s:
        assert len(s.exec(select(Risk)).all()) == 2


def test_risk_alone_answers_with_the_form_card_and_its_submit_logs_the_risk(
        teams: TeamsClient, teams_stub: TeamsStub, engine: Engine) -> None:
    said(teams, teams_stub, "project new Apollo", count=2)
    form = said(teams, teams_stub, "risk", ANN)
    assert "risk.submit" in form and "Input.Text" in form
    with Session(engine) as s:
        project = s.exec(select(Project)).one()
    status, answer = teams.post(teams.invoke("risk.submit", {"title": "Form risk", "probability": "4",
                                                             "impact": "2", "project_id": str(project.id)}, ANN))
    assert status == 200 and answer["statusCode"] == 200
    assert "R-1" in json.dumps(answer)
    status, answer = teams.post(teams.invoke("risk.submit", {"title": "", "probability": "9"}, ANN))
    assert answer["type"] == "application/vnd.microsoft.activity.message" and "Title" in answer["value"]
    with Session(engine) as s:
        [risk] = s.exec(select(Risk)).all()
    assert (risk.title, risk.probability, risk.impact, risk.project_id) == ("Form risk", 4, 2, project.id)


def test_feedback_and_anonymous_feedback_keeps_no_author(teams: TeamsClient, teams_stub: TeamsStub,
                                                          engine: Engine) -> None:
    assert "F-1" in said(teams, teams_stub, "feedback client The weekly report is confusing", ANN)
    said(teams, teams_stub, "feedback anon The manager talks over people", BOB)
    assert "feedback.submit" in said(teams, teams_stub, "feedback", ANN)
    listing = said(teams, teams_stub, "feedback list")
    assert "weekly report" in listing and "talks over people" in listing
    with Session(engine) as s:
        anon = s.exec(select(Feedback).where(Feedback.number == 2)).one()
        assert anon.author_id is None
    seen = ("teams_person", "teams_conversation", "slackuser")  # who wrote to the bot, not what they said
    with engine.connect() as c:  # the anonymous author's id is in no other table
        for table in [t.name for t in SQLModel.metadata.sorted_tables if t.name not in seen]:
            dump = json.dumps([list(map(str, r)) for r in c.execute(sql(f'SELECT * FROM "{table}"'))])
            assert BOB.aad not in dump and BOB.scoped not in dump, table
    _, answer = teams.post(teams.invoke("feedback.submit", {"text": "Private via form", "source": "team",
                                                                 "private": "true", "anonymous": "true"}, BOB))
    assert "F-3" in json.dumps(answer)
    with Session(engine) as s:
        third = s.exec(select(Feedback).where(Feedback.number == 3)).one()
        assert third.author_id is None and third.is_private and third.is_anonymous


def test_project_commands(teams: TeamsClient, teams_stub: TeamsStub) -> None:
    said(teams, teams_stub, "project new Apollo client=Acme", count=2)
    said(teams, teams_stub, "project new Gemini", count=2)
    listing = said(teams, teams_stub, "project list")
    assert "Apollo" in listing and "Gemini" in listing
    assert "Acme" in said(teams, teams_stub, "project show apollo")
    assert "only managers can create projects" in said(teams, teams_stub, "project new Nope", ANN)


def test_unknown_words_get_the_help(teams: TeamsClient, teams_stub: TeamsStub) -> None:
    assert "risk add" in said(teams, teams_stub, "hello there", ANN)


def test_checkin_poll_answered_by_the_addressee_refused_for_anyone_else(
        teams: TeamsClient, teams_stub: TeamsStub, engine: Engine) -> None:
    said(teams, teams_stub, "project new Apollo", count=2)
    said(teams, teams_stub, "hi", ANN)  # Ann has a 1:1 chat with the bot
    said(teams, teams_stub, "hi", BOB)
    added = said(teams, teams_stub, "checkin add {0} project=Apollo", mentions=(ANN,))
    assert "Apollo" in added
    said(teams, teams_stub, "checkin schedule project=Apollo day=mon time=09:00 tz=Europe/London")
    before = len(teams_stub.sent(ANN.dm))
    sent = said(teams, teams_stub, "checkin send project=Apollo")
    assert "1" in sent
    polls = wait_for(lambda: [c for c in cards_in(teams_stub, ANN.dm)[0:] if "checkin.answer" in json.dumps(c)])
    assert polls and len(teams_stub.sent(ANN.dm)) > before
    poll_id = next(a["data"]["poll"] for a in _actions(polls[-1], "checkin.answer") if "poll" in a["data"])
    # Bob presses the button of Ann's poll: refused, nothing stored
    status, answer = teams.post(teams.invoke("checkin.answer", {"poll": poll_id, "score": 5}, BOB,
                                             conversation=BOB.dm))
    assert answer["type"] == "application/vnd.microsoft.activity.message" and "someone else" in answer["value"]
    with engine.connect() as c:
        assert c.execute(sql("SELECT COUNT(*) FROM checkin_answer")).scalar_one() == 0
    # Ann answers low: the card is replaced with her answer, the manager is alerted with a log-as-risk card
    status, answer = teams.post(teams.invoke("checkin.answer", {"poll": poll_id, "score": 2}, ANN,
                                             conversation=ANN.dm))
    assert status == 200 and answer["type"] == "application/vnd.microsoft.card.adaptive"
    with engine.connect() as c:
        assert c.execute(sql("SELECT score FROM checkin_answer")).scalar_one() == 2
    alert = wait_for(lambda: [c for c in cards_in(teams_stub, MANAGER.dm) if "checkin.log_risk" in json.dumps(c)])
    assert alert
    results = said(teams, teams_stub, "checkin results project=Apollo")
    assert "Apollo" in results


def _actions(card: dict, verb: str) -> list[dict]:
    from tests.support.teams import actions_of

    return actions_of(card, verb)


def test_summary_to_a_manager(teams: TeamsClient, teams_stub: TeamsStub) -> None:
    said(teams, teams_stub, "project new Apollo", count=2)
    said(teams, teams_stub, "risk add Vendor may slip p=5 i=5 project=Apollo", ANN)
    summary = said(teams, teams_stub, "summary")
    assert "Vendor may slip" in summary
    assert "managers" in said(teams, teams_stub, "summary", ANN).lower()


def test_an_action_submit_message_is_the_same_verb(teams: TeamsClient, teams_stub: TeamsStub,
                                                   engine: Engine) -> None:
    before = len(teams_stub.sent(ANN.dm))
    body = teams.activity("message", ANN, value={"verb": "risk.submit", "title": "Submitted risk",
                                                 "probability": "2", "impact": "2"})
    assert teams.post(body)[0] == 200
    assert "R-1" in answer_of(teams_stub, ANN.dm, since=before)
    with Session(engine) as s:
        assert s.exec(select(Risk)).one().title == "Submitted risk"


def test_a_comment_on_a_poll_through_its_form(teams: TeamsClient, teams_stub: TeamsStub, engine: Engine) -> None:
    said(teams, teams_stub, "project new Apollo", count=2)
    said(teams, teams_stub, "hi", ANN)
    said(teams, teams_stub, "checkin add {0} project=Apollo", mentions=(ANN,))
    said(teams, teams_stub, "checkin send project=Apollo")
    polls = wait_for(lambda: [c for c in cards_in(teams_stub, ANN.dm) if "checkin.answer" in json.dumps(c)])
    poll_id = next(a["data"]["poll"] for a in _actions(polls[-1], "checkin.answer") if "poll" in a["data"])
    _, form = teams.post(teams.invoke("checkin.comment", {"poll": poll_id}, ANN, conversation=ANN.dm))
    assert "checkin.comment.save" in json.dumps(form)
    _, answer = teams.post(teams.invoke("checkin.comment.save", {"poll": poll_id, "comment": "All good <b>"}, ANN,
                                        conversation=ANN.dm))
    assert answer["type"] == "application/vnd.microsoft.card.adaptive"
    with engine.connect() as c:
        assert c.execute(sql("SELECT comment FROM checkin_answer")).scalar_one() == "All good <b>"
