"""`scope` on Teams end to end: the sub-commands and their form cards, the managers' Approve / Reject
card pressed by a manager and by someone else, the requester told, a stand-up answer and a low
check-in answer logged as change requests, and `project update` with the target-beside-satisfaction
flag from real check-in answers."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage.models import Project
from storage.models_scope import ScopeBaseline, ScopeChange, ScopeEvent
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
    shown,
    wait_for,
    wait_sent,
)
from tests.teams_stub import TeamsStub

CARD = "application/vnd.microsoft.card.adaptive"
MESSAGE = "application/vnd.microsoft.activity.message"


def said(teams: TeamsClient, stub: TeamsStub, text: str, who: Person = MANAGER, *, count: int = 1,
         **kw: Any) -> str:
    """Type `text` to the bot; the next `count` things it sends to that person's chat (or the channel)."""
    where = CHANNEL if kw.get("channel") else who.dm
    before = len(stub.sent(where))
    assert teams.say(text, who, **kw)[0] == 200
    got = wait_sent(stub, where, count, since=before)
    assert len(got) >= count, f"{len(got)} of {count} answers to {text!r}"
    return "\n".join(shown(call) for call in got)


def new_project(teams: TeamsClient, stub: TeamsStub, options: str = "") -> str:
    """`project new Apollo`: its answer and the reminder to set the scope baseline."""
    t = said(teams, stub, f"project new Apollo {options}".strip(), count=2)
    assert "Created project" in t and "scope set project=Apollo" in t
    return t


def rows(engine: Engine, model: Any) -> list[Any]:
    with Session(engine) as s:
        return list(s.exec(select(model).order_by(model.id)))


def cards_with(stub: TeamsStub, conversation: str, verb: str, count: int = 1) -> list[dict[str, Any]]:
    """The cards sent to `conversation` with a button of `verb`, once there are `count` of them."""
    return wait_for(lambda: (lambda found: found if len(found) >= count else [])(
        [c for c in cards_in(stub, conversation) if actions_of(c, verb)]))


def press(teams: TeamsClient, verb: str, data: dict[str, Any], who: Person, **kw: Any) -> dict[str, Any]:
    status, answer = teams.post(teams.invoke(verb, data, who, **kw))
    assert status == 200 and answer["statusCode"] == 200
    return answer


def _change(teams: TeamsClient, stub: TeamsStub, who: Person = ANN) -> dict[str, Any]:
    """ANN asks for a change on Apollo; the manager's card with Approve / Reject."""
    said(teams, stub, "hi", who)
    logged = said(teams, stub, "scope change project=Apollo Add SSO days=6", who)
    assert "C-1" in logged and "Add SSO" in logged and "Logged change request" in logged
    [alert] = cards_with(stub, MANAGER.dm, "scope.approve")
    assert "Add SSO" in json.dumps(alert) and "+6 d" in json.dumps(alert)
    return alert


def test_set_show_and_the_baseline_form(teams: TeamsClient, teams_stub: TeamsStub, engine: Engine) -> None:
    new_project(teams, teams_stub)
    t = said(teams, teams_stub, 'scope set project=apollo days=40 in="reports, exports" out="mobile app"')
    assert "Set the scope baseline of Apollo" in t and "40 d baseline, +0 d approved (+0%)" in t
    assert "only managers" in said(teams, teams_stub, "scope set project=Apollo days=41", ANN)
    bad = said(teams, teams_stub, "scope set project=Apollo days=lots")
    assert "person-days" in bad and "Usage" in bad
    card = said(teams, teams_stub, "scope show Apollo", ANN)
    assert "Scope of Apollo" in card and "reports, exports" in card and "History" in card
    assert "approve" in said(teams, teams_stub, "scope help", ANN)
    # `scope set project=X` alone: the baseline form card, filled with what the baseline says
    form = said(teams, teams_stub, "scope set project=Apollo")
    assert "scope.baseline.submit" in form and "reports, exports" in form
    assert "only managers" in said(teams, teams_stub, "scope set project=Apollo", ANN)
    [project] = rows(engine, Project)
    answer = press(teams, "scope.baseline.submit", {"project": project.id, "days": "many"}, MANAGER)
    assert answer["type"] == MESSAGE and "Person-days" in answer["value"]
    assert rows(engine, ScopeBaseline)[0].days == 40
    answer = press(teams, "scope.baseline.submit", {"project": project.id, "days": "42", "in_scope": "reports",
                                                    "out_scope": "", "assumptions": "data by May"}, MANAGER)
    assert answer["type"] == CARD and "Changed the scope baseline of Apollo" in json.dumps(answer)
    [base] = rows(engine, ScopeBaseline)
    assert (base.days, base.in_scope, base.assumptions, base.updated_by) == (42, "reports", "data by May", MANAGER.aad)
    assert not base.out_scope  # an emptied field clears it
    answer = press(teams, "scope.baseline.submit", {"project": project.id, "days": "50"}, ANN)
    assert answer["type"] == MESSAGE and "only managers" in answer["value"]
    assert rows(engine, ScopeBaseline)[0].days == 42
    assert [e.action for e in rows(engine, ScopeEvent)] == ["baseline", "baseline"]


def test_a_change_approved_by_a_manager_refused_to_anyone_else_and_the_requester_told(
        teams: TeamsClient, teams_stub: TeamsStub, engine: Engine) -> None:
    new_project(teams, teams_stub)
    said(teams, teams_stub, "scope set project=Apollo days=40")
    alert = _change(teams, teams_stub)
    [approve] = actions_of(alert, "scope.approve")
    answer = press(teams, "scope.approve", approve["data"], BOB)
    assert answer["type"] == MESSAGE and "only managers" in answer["value"]
    assert rows(engine, ScopeChange)[0].status == "pending"
    told_before = len(teams_stub.sent(ANN.dm))
    answer = press(teams, "scope.approve", approve["data"], MANAGER)
    assert answer["type"] == CARD  # the card is replaced with the decision
    decided = json.dumps(answer["value"])
    assert "Approved" in decided and "C-1" in decided and "40 d baseline, +6 d approved (+15%)" in decided
    assert "scope.approve" not in decided
    told = answer_of(teams_stub, ANN.dm, since=told_before)
    assert "Your change request" in told and "C-1" in told and "was approved" in told
    [change] = rows(engine, ScopeChange)
    assert (change.status, change.decided_by, change.requested_by) == ("approved", MANAGER.aad, ANN.aad)
    # pressed again: decided already, nothing changes
    [reject] = actions_of(alert, "scope.reject")
    answer = press(teams, "scope.reject", reject["data"], MANAGER)
    assert answer["type"] == MESSAGE and "already approved" in answer["value"]
    assert rows(engine, ScopeChange)[0].status == "approved"
    assert "+6 d approved" in said(teams, teams_stub, "project show Apollo")
    assert press(teams, "scope.approve", {"change": "x"}, MANAGER)["type"] == MESSAGE


def test_reject_by_button_and_by_command(teams: TeamsClient, teams_stub: TeamsStub, engine: Engine) -> None:
    new_project(teams, teams_stub)
    alert = _change(teams, teams_stub)
    [reject] = actions_of(alert, "scope.reject")
    assert "only managers" in press(teams, "scope.reject", reject["data"], ANN)["value"]
    told_before = len(teams_stub.sent(ANN.dm))
    answer = press(teams, "scope.reject", reject["data"], MANAGER)
    assert answer["type"] == CARD and "Rejected" in json.dumps(answer["value"])
    assert "was rejected" in answer_of(teams_stub, ANN.dm, since=told_before)
    assert rows(engine, ScopeChange)[0].status == "rejected"
    # a second change, rejected by command with a note
    said(teams, teams_stub, "scope change project=Apollo Mobile app days=20", ANN)
    cards_with(teams_stub, MANAGER.dm, "scope.approve", 2)
    assert "only managers" in said(teams, teams_stub, "scope reject C-2", BOB)
    told_before = len(teams_stub.sent(ANN.dm))
    assert "Rejected" in said(teams, teams_stub, "scope reject C-2 not in this phase")
    told = answer_of(teams_stub, ANN.dm, since=told_before)
    assert "was rejected" in told and "not in this phase" in told
    assert "already rejected" in said(teams, teams_stub, "scope approve C-2")
    assert "no change request C-9" in said(teams, teams_stub, "scope approve C-9")
    # a third, approved by command
    said(teams, teams_stub, "scope change project=Apollo Extra export days=3", ANN)
    cards_with(teams_stub, MANAGER.dm, "scope.approve", 3)
    told_before = len(teams_stub.sent(ANN.dm))
    assert "Approved" in said(teams, teams_stub, "scope approve C-3 fits the budget")
    told = answer_of(teams_stub, ANN.dm, since=told_before)
    assert "was approved" in told and "fits the budget" in told
    listing = said(teams, teams_stub, "scope Apollo", ANN)
    assert "C-1" in listing and "C-2" in listing and "C-3" in listing and "rejected" in listing
    assert [c.status for c in rows(engine, ScopeChange)] == ["rejected", "rejected", "approved"]


def test_the_change_form_card_and_its_submit(teams: TeamsClient, teams_stub: TeamsStub, engine: Engine) -> None:
    new_project(teams, teams_stub)
    form = said(teams, teams_stub, "scope change", ANN)
    assert "scope.change.submit" in form and "Apollo" in form
    [project] = rows(engine, Project)
    answer = press(teams, "scope.change.submit", {"title": "", "days": "x"}, ANN)
    assert answer["type"] == MESSAGE and "Change" in answer["value"] and "Project" in answer["value"]
    assert rows(engine, ScopeChange) == []
    answer = press(teams, "scope.change.submit", {"title": "Extra report", "project_id": str(project.id),
                                                  "days": "2.5", "cost": "5k"}, ANN)
    assert answer["type"] == CARD and "C-1" in json.dumps(answer["value"])
    [change] = rows(engine, ScopeChange)
    assert (change.title, change.days, change.cost, change.requested_by, change.source) == (
        "Extra report", 2.5, 5000, ANN.aad, "manual")
    assert cards_with(teams_stub, MANAGER.dm, "scope.approve")


def test_a_standup_blocker_becomes_a_change_request(teams: TeamsClient, teams_stub: TeamsStub,
                                                    engine: Engine) -> None:
    for someone in (MANAGER, ANN, BOB):
        said(teams, teams_stub, "hi", someone)
    new_project(teams, teams_stub)
    said(teams, teams_stub, "standup setup members={0} time=09:00 days=mon-fri", channel=True, mentions=(ANN,))
    assert teams.say("standup now", MANAGER, channel=True)[0] == 200
    [prompt] = cards_with(teams_stub, ANN.dm, "standup.answer")
    data = actions_of(prompt, "standup.answer")[0]["data"]
    in_channel = len(teams_stub.sent(CHANNEL))
    press(teams, "standup.answer", {**data, "today": "Call Acme", "blockers": "Client wants a mobile app too"},
          ANN)
    posted = answer_of(teams_stub, CHANNEL, since=in_channel)
    [button] = actions_of(json.loads(posted[posted.index("["):]), "standup.change")
    before = len(teams_stub.sent(BOB.dm))
    answer = press(teams, "standup.change", button["data"], BOB, channel=True)  # not in the stand-up
    assert answer["type"] == MESSAGE and "aren't one of them" in answer["value"]
    assert len(teams_stub.sent(BOB.dm)) == before
    before = len(teams_stub.sent(ANN.dm))
    answer = press(teams, "standup.change", button["data"], ANN, channel=True)
    assert answer["type"] == MESSAGE and "change request form" in answer["value"]
    form = answer_of(teams_stub, ANN.dm, since=before)
    assert "scope.change.submit" in form and "Client wants a mobile app too" in form and '"standup"' in form
    assert "no longer works" in press(teams, "standup.change", {"answer": "x"}, ANN)["value"]
    submit = actions_of(json.loads(form[form.index("["):]), "scope.change.submit")[0]
    [project] = rows(engine, Project)
    press(teams, "scope.change.submit", {**submit["data"], "title": "Client wants a mobile app too",
                                         "project_id": str(project.id), "days": "15"}, ANN)
    [change] = rows(engine, ScopeChange)
    assert (change.source, change.requested_by, change.days) == ("standup", ANN.aad, 15)


def _low_answer(teams: TeamsClient, stub: TeamsStub, comment: str) -> dict[str, Any]:
    """ANN answers Apollo's check-in 2 of 5 with a comment; the manager's alert card."""
    new_project(teams, stub, "target=100k booked=120k")
    said(teams, stub, "hi", ANN)
    said(teams, stub, "checkin add {0} project=Apollo", mentions=(ANN,))
    said(teams, stub, "checkin send project=Apollo")
    [poll] = cards_with(stub, ANN.dm, "checkin.answer")
    poll_id = next(a["data"]["poll"] for a in actions_of(poll, "checkin.answer") if "poll" in a["data"])
    press(teams, "checkin.comment.save", {"poll": poll_id, "comment": comment}, ANN)
    press(teams, "checkin.answer", {"poll": poll_id, "score": 2}, ANN)
    [alert] = cards_with(stub, MANAGER.dm, "checkin.change")
    return alert


def test_a_checkin_comment_becomes_a_change_request_for_the_managers_alerted(
        teams: TeamsClient, teams_stub: TeamsStub, engine: Engine) -> None:
    alert = _low_answer(teams, teams_stub, "We also need exports to SAP")
    [button] = actions_of(alert, "checkin.change")
    before = len(teams_stub.sent(BOB.dm))
    answer = press(teams, "checkin.change", button["data"], BOB)
    assert answer["type"] == MESSAGE and "Only the managers this alert was sent to" in answer["value"]
    assert len(teams_stub.sent(BOB.dm)) == before
    before = len(teams_stub.sent(MANAGER.dm))
    answer = press(teams, "checkin.change", button["data"], MANAGER)
    assert "change request form" in answer["value"]
    form = answer_of(teams_stub, MANAGER.dm, since=before)
    assert "scope.change.submit" in form and "We also need exports to SAP" in form and '"checkin"' in form


def test_project_update_and_on_target_with_an_unhappy_client_is_flagged(
        teams: TeamsClient, teams_stub: TeamsStub, engine: Engine) -> None:
    _low_answer(teams, teams_stub, "Too slow")
    assert "only managers" in said(teams, teams_stub, "project update Apollo booked=10", ANN)
    health = said(teams, teams_stub, "project show Apollo")
    assert "booked 120,000 of 100,000 target (120%)" in health and "2.0" in health
    assert "on target, client satisfaction falling" in health
    updated = said(teams, teams_stub, "project update Apollo target=200k booked=150k")
    assert "Updated project" in updated and "150,000" in updated and "200,000" in updated
    with Session(engine) as s:
        project = s.exec(select(Project)).one()
    assert (project.target, project.booked) == (200000, 150000)
    assert "client satisfaction falling" not in said(teams, teams_stub, "project show Apollo")
    assert "Usage" in said(teams, teams_stub, "project update Apollo target=lots")
