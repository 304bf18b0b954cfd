"""Stand-ups, summaries, review reminders, installation and the person the bot cannot reach, in Teams."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import text as sql
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.reviews.flows import send_due_reviews
from bot.schedules import week_key
from bot.summaries.flows import send_weekly
from storage import clock
from storage.models import Risk
from storage.models_teams import TeamsConversation
from tests.support.served import ServedBot
from tests.support.teams import (
    ANN,
    BOB,
    CHANNEL,
    MANAGER,
    Person,
    TeamsClient,
    actions_of,
    answer_of,
    cards_in,
    in_bot,
    shown,
    wait_for,
    wait_sent,
)
from tests.teams_stub import TeamsStub

CAROL = Person("00000000-0000-4000-8000-0000000000e4", "29:carol", "Carol Far")


def said(teams: TeamsClient, stub: TeamsStub, text: str, who: Person = MANAGER, *, count: int = 1, **kw) -> str:
    """The next `count` things the bot sends after `text` (`project new` also reminds to set the scope
    baseline)."""
    where = CHANNEL if kw.get("channel") else who.dm
    before = len(stub.sent(where))
    assert teams.say(text, who, **kw)[0] == 200
    got = wait_sent(stub, where, count, since=before)
    assert len(got) >= count, f"{len(got)} of {count} answers to {text!r}"
    return "\n".join(shown(call) for call in got)


def test_standup_setup_in_a_channel_prompt_answer_posted_to_the_channel(
        teams: TeamsClient, teams_stub: TeamsStub, engine: Engine) -> None:
    for someone in (MANAGER, ANN, BOB):  # each has a 1:1 chat with the bot
        said(teams, teams_stub, "hi", someone)
    setup = said(teams, teams_stub, "standup setup members={0},{1} time=09:00 days=mon-fri", channel=True,
                 mentions=(ANN, BOB))
    assert "standup" in setup.lower() or "stand-up" in setup.lower()
    with engine.connect() as c:  # prompted at each member's local time: the zone of their latest message
        zones = dict(c.execute(sql("SELECT user_id, tz FROM slackuser")).all())
    assert zones[ANN.aad] == zones[BOB.aad] == "Europe/London"
    before = len(teams_stub.sent(MANAGER.dm))
    assert teams.say("standup now", MANAGER, channel=True)[0] == 200
    prompts = wait_for(lambda: [c for c in cards_in(teams_stub, ANN.dm) if "standup.answer" in json.dumps(c)])
    assert prompts and wait_for(lambda: [c for c in cards_in(teams_stub, BOB.dm) if "standup.answer" in json.dumps(c)])
    assert "Sent the stand-up prompt" in answer_of(teams_stub, MANAGER.dm, since=before)
    data = actions_of(prompts[-1], "standup.answer")[0]["data"]
    in_channel = len(teams_stub.sent(CHANNEL))
    status, answer = teams.post(teams.invoke("standup.answer", {**data, "yesterday": "Wrote the plan",
                                                                "today": "Call the vendor",
                                                                "blockers": "Waiting on legal"}, ANN,
                                             conversation=ANN.dm))
    assert status == 200 and answer["type"] == "application/vnd.microsoft.card.adaptive"
    posted = answer_of(teams_stub, CHANNEL, since=in_channel)
    assert "Call the vendor" in posted and "Waiting on legal" in posted
    # the blocker, logged as a risk: the form goes to the presser's 1:1 chat, prefilled
    answer_id = actions_of(json.loads(posted[posted.index("["):]), "standup.blocker_risk")[0]["data"]["answer"]
    before = len(teams_stub.sent(MANAGER.dm))
    _, answer = teams.post(teams.invoke("standup.blocker_risk", {"answer": answer_id}, MANAGER, channel=True))
    assert "risk form" in answer["value"]
    form = answer_of(teams_stub, MANAGER.dm, since=before)
    assert "risk.submit" in form and "Waiting on legal" in form
    assert "no stand-up for you" in said(teams, teams_stub, "standup skip", BOB)
    report = said(teams, teams_stub, "standup report", channel=True)
    assert "Ann" in report or ANN.aad in report


def test_the_person_the_bot_cannot_reach_is_named_to_the_manager(
        teams: TeamsClient, teams_stub: TeamsStub, engine: Engine) -> None:
    said(teams, teams_stub, "project new Apollo", count=2)
    said(teams, teams_stub, "checkin add {0} project=Apollo", mentions=(CAROL,))
    before = len(teams_stub.sent(MANAGER.dm))
    teams_stub.fail_next(403, retry_after=None)  # Teams will not open a 1:1 chat: Carol has not installed the app
    assert teams.say("checkin send project=Apollo", MANAGER)[0] == 200
    text = answer_of(teams_stub, MANAGER.dm, since=before)
    assert "couldn't reach" in text and "Carol Far" in text and "unreachable" in text
    with engine.connect() as c:
        assert c.execute(sql("SELECT status FROM delivery")).scalar_one() == "failed"


def test_a_person_seen_only_by_mention_gets_a_new_1to1_chat(teams: TeamsClient, teams_stub: TeamsStub) -> None:
    said(teams, teams_stub, "project new Apollo", count=2)
    said(teams, teams_stub, "checkin add {0} project=Apollo", mentions=(CAROL,))
    said(teams, teams_stub, "checkin send project=Apollo")
    created = [c for c in teams_stub.calls if c.kind == "create"]
    assert created and created[-1].body["members"] == [{"id": CAROL.scoped}]


def test_installation_stores_the_conversation_and_welcomes(teams: TeamsClient, teams_stub: TeamsStub,
                                                          engine: Engine) -> None:
    assert teams.post(teams.activity("installationUpdate", ANN, action="add"))[0] == 200
    assert "help" in answer_of(teams_stub, ANN.dm)
    added = teams.activity("conversationUpdate", MANAGER, channel=True,
                           membersAdded=[{"id": f"28:{teams_stub.app_id}"}])
    assert teams.post(added)[0] == 200
    assert "help" in answer_of(teams_stub, CHANNEL)
    with Session(engine) as s:
        kinds = {c.conversation_id: c.kind for c in s.exec(select(TeamsConversation))}
    assert kinds == {ANN.dm: "personal", CHANNEL: "channel"}


def test_weekly_summary_reaches_the_manager_by_a_proactive_message(
        teams: TeamsClient, teams_stub: TeamsStub, teams_served: ServedBot) -> None:
    said(teams, teams_stub, "project new Apollo", count=2)
    said(teams, teams_stub, "risk add Vendor may slip p=5 i=5 project=Apollo", ANN)
    rhythm = teams_served.runtime.rhythm
    before = len(teams_stub.sent(MANAGER.dm))
    week = week_key(clock.today() + timedelta(days=7))
    report = in_bot(teams_served, send_weekly(rhythm, teams_stub.tenant_id, MANAGER.aad, occurrence=week))
    assert report.sent == 1
    assert "Vendor may slip" in answer_of(teams_stub, MANAGER.dm, since=before)


def test_review_reminder_and_its_buttons(teams: TeamsClient, teams_stub: TeamsStub, teams_served: ServedBot,
                                        engine: Engine) -> None:
    due = clock.today() + timedelta(days=1)
    said(teams, teams_stub, f"risk add Review me p=3 i=3 review={due.isoformat()}", ANN)
    now = datetime.combine(due + timedelta(days=1), time(12, 0), UTC)
    report = in_bot(teams_served, send_due_reviews(teams_served.runtime.rhythm, now))
    assert report.sent == 1
    reminder = wait_for(lambda: [c for c in cards_in(teams_stub, ANN.dm) if "review.valid" in json.dumps(c)])
    assert reminder
    _, answer = teams.post(teams.invoke("review.update", {"number": 1}, ANN))
    assert "review.save" in json.dumps(answer)
    _, answer = teams.post(teams.invoke("review.save", {"number": 1, "probability": "2", "impact": "5",
                                                        "status": "mitigating", "mitigation": "Weekly calls"}, ANN))
    assert answer["type"] == "application/vnd.microsoft.card.adaptive"
    _, answer = teams.post(teams.invoke("review.close", {"number": 1}, ANN))
    with Session(engine) as s:
        risk = s.exec(select(Risk)).one()
    assert (risk.probability, risk.impact, risk.mitigation, risk.status) == (2, 5, "Weekly calls", "closed")


def test_a_new_local_time_zone_is_taken_from_the_next_message(teams: TeamsClient, teams_stub: TeamsStub,
                                                              engine: Engine) -> None:
    said(teams, teams_stub, "hi", MANAGER)
    said(teams, teams_stub, "standup setup members={0} time=09:00", channel=True, mentions=(ANN,))
    said(teams, teams_stub, "hi", ANN)
    before = len(teams_stub.sent(ANN.dm))
    assert teams.post(teams.message("hi again", ANN, tz="Asia/Kolkata"))[0] == 200
    answer_of(teams_stub, ANN.dm, since=before)
    with engine.connect() as c:
        assert c.execute(sql("SELECT tz FROM teams_person WHERE aad_object_id = :a"), {"a": ANN.aad}
                         ).scalar_one() == "Asia/Kolkata"
        assert c.execute(sql("SELECT tz FROM slackuser WHERE user_id = :a"), {"a": ANN.aad}
                         ).scalar_one() == "Asia/Kolkata"
