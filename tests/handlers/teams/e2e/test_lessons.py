"""`lesson`, `project close` and similar risks on Teams end to end: lessons logged, listed and
searched, the form card, earlier lessons for a returning client, the lesson prompts after a close
(once each) with their button, and the duplicate button on `risk add`'s answer."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage.models import Project, Risk, RiskEvent
from storage.models_lessons import Lesson, ProjectClosing
from storage.models_rhythm import Delivery
from tests.support.teams import (
    ANN,
    BOB,
    CHANNEL,
    MANAGER,
    Person,
    TeamsClient,
    actions_of,
    shown,
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


def rows(engine: Engine, model: Any) -> list[Any]:
    query = select(model)
    if "id" in model.model_fields:
        query = query.order_by(model.id)
    with Session(engine) as s:
        return list(s.exec(query))


def press(teams: TeamsClient, verb: str, data: dict[str, Any], who: Person, **kw: Any) -> dict[str, Any]:
    status, answer = teams.post(teams.invoke(verb, data, who, **kw))
    assert status == 200 and answer["statusCode"] == 200
    return answer


def new_project(teams: TeamsClient, stub: TeamsStub, name: str = "Apollo", options: str = "client=Acme",
                count: int = 2) -> str:
    """`project new`: its answer, the reminder to set the scope baseline (and earlier lessons, if any)."""
    t = said(teams, stub, f"project new {name} {options}".strip(), count=count)
    assert "Created project" in t
    return t


def card_of(text: str) -> Any:
    """The cards of an answer `said` returned (its attachments' JSON)."""
    return json.loads(text[text.index("["):text.index("\n") if "\n" in text else len(text)])


# ---- lesson -----------------------------------------------------------------------------------------

def test_log_list_search_and_help(teams: TeamsClient, teams_stub: TeamsStub, engine: Engine) -> None:
    new_project(teams, teams_stub)
    t = said(teams, teams_stub, "lesson The vendor delay cost a week project=apollo tags=vendor,Scope", ANN)
    assert "L-1" in t and "The vendor delay cost a week" in t and "Apollo" in t
    said(teams, teams_stub, "/lesson Vendor contracts need penalties", ANN)
    said(teams, teams_stub, "lesson Call the client weekly tags=client", ANN)
    [first, *_] = rows(engine, Lesson)
    assert (first.number, first.created_by, first.tags) == (1, ANN.aad, ",vendor,scope,")
    t = said(teams, teams_stub, 'lesson list q="VENDOR"', BOB)
    assert "L-2" in t and "L-1" in t and t.index("L-2") < t.index("L-1") and "L-3" not in t
    t = said(teams, teams_stub, "lesson list tag=client", BOB)
    assert "L-3" in t and "L-1" not in t
    t = said(teams, teams_stub, "lesson list q=vendor project=apollo", BOB)
    assert "L-1" in t and "L-2" not in t
    assert "No lessons" in said(teams, teams_stub, "lesson list q=nothing", BOB)
    assert "lesson list" in said(teams, teams_stub, "lesson help", BOB)
    assert "Usage" in said(teams, teams_stub, "lesson Bad tags=no!", BOB)
    assert len(rows(engine, Lesson)) == 3


def test_a_long_list_pages(teams: TeamsClient, teams_stub: TeamsStub) -> None:
    for n in range(12):
        said(teams, teams_stub, f"lesson Lesson {n} " + "long text " * 200 + "tags=long", ANN)
    first = said(teams, teams_stub, "lesson list tag=long q=long", ANN)
    assert "page 1 of 2" in first
    [nxt] = [a for a in actions_of(card_of(first), "lesson.page") if a["data"]["page"] == 2]
    answer = press(teams, "lesson.page", nxt["data"], ANN)
    page = json.dumps(answer["value"])
    assert answer["type"] == CARD and "page 2 of 2" in page and "L-2" in page and "L-12" not in page


def test_the_form_card_logs_a_lesson(teams: TeamsClient, teams_stub: TeamsStub, engine: Engine) -> None:
    new_project(teams, teams_stub)
    form = said(teams, teams_stub, "lesson", ANN)
    assert "lesson.submit" in form and "Apollo" in form
    [project] = rows(engine, Project)
    answer = press(teams, "lesson.submit", {"text": "Learned", "tags": "no good!"}, ANN)
    assert answer["type"] == MESSAGE and "Tags" in answer["value"]
    answer = press(teams, "lesson.submit", {"text": ""}, ANN)
    assert answer["type"] == MESSAGE and "Lesson" in answer["value"]
    assert rows(engine, Lesson) == []
    answer = press(teams, "lesson.submit", {"text": "Keep a second vendor", "project_id": str(project.id),
                                            "tags": "vendor"}, ANN)
    assert answer["type"] == CARD and "L-1" in json.dumps(answer["value"])
    [lesson] = rows(engine, Lesson)
    assert (lesson.text, lesson.project_id, lesson.tags, lesson.created_by) == (
        "Keep a second vendor", project.id, ",vendor,", ANN.aad)


def test_a_new_project_for_the_same_client_shows_the_earlier_lessons(teams: TeamsClient,
                                                                     teams_stub: TeamsStub) -> None:
    new_project(teams, teams_stub)
    said(teams, teams_stub, "lesson Acme signs late: plan for it project=Apollo")
    t = new_project(teams, teams_stub, "Hermes", "client=acme", count=3)
    assert "Before you commit" in t and "Acme signs late" in t
    before = len(teams_stub.sent(MANAGER.dm))
    new_project(teams, teams_stub, "Zeus", "client=Other", count=2)
    answers = wait_sent(teams_stub, MANAGER.dm, 3, timeout=1.0, since=before)  # no third message follows
    assert len(answers) == 2 and not any("Before you commit" in shown(c) for c in answers)


# ---- project close ----------------------------------------------------------------------------------

def test_close_asks_each_risk_and_feedback_author_once_and_the_button_opens_the_form(
        teams: TeamsClient, teams_stub: TeamsStub, engine: Engine) -> None:
    new_project(teams, teams_stub)
    said(teams, teams_stub, "risk add Vendor may slip project=Apollo", ANN)
    said(teams, teams_stub, "risk add Budget cut project=Apollo", ANN)
    said(teams, teams_stub, "feedback client project=Apollo Great demo", BOB)
    assert "only managers" in said(teams, teams_stub, "project close Apollo won", ANN)
    assert rows(engine, ProjectClosing) == []
    asked_ann, asked_bob = len(teams_stub.sent(ANN.dm)), len(teams_stub.sent(BOB.dm))
    t = said(teams, teams_stub, "project close Apollo won Signed for two years")
    assert "Closed project" in t and "(won)" in t and "Signed for two years" in t and "2 people" in t
    [ann_prompt] = wait_sent(teams_stub, ANN.dm, 1, since=asked_ann)
    [bob_prompt] = wait_sent(teams_stub, BOB.dm, 1, since=asked_bob)
    assert "lesson.open" in shown(ann_prompt) and "Apollo" in shown(ann_prompt) and "(won)" in shown(ann_prompt)
    assert "lesson.open" in shown(bob_prompt)
    again = said(teams, teams_stub, "project close Apollo lost")
    assert "already closed" in again and "Nothing changed" in again
    assert not wait_sent(teams_stub, ANN.dm, 2, timeout=1.0, since=asked_ann)[1:]  # nobody asked twice
    assert len(teams_stub.sent(BOB.dm)) == asked_bob + 1
    assert len(rows(engine, Delivery)) == 2
    # the prompt's button: the lesson form, the closed project chosen
    [button] = actions_of(ann_prompt.body["attachments"][0]["content"], "lesson.open")
    before = len(teams_stub.sent(ANN.dm))
    answer = press(teams, "lesson.open", button["data"], ANN)
    assert answer["type"] == MESSAGE and "lesson form" in answer["value"]
    [form] = wait_sent(teams_stub, ANN.dm, 1, since=before)
    content = form.body["attachments"][0]["content"]
    [project] = rows(engine, Project)
    [choice] = [e for e in content["body"] if e.get("id") == "project_id"]
    assert choice["value"] == str(project.id) and actions_of(content, "lesson.submit")
    press(teams, "lesson.submit", {"text": "Get the contract signed early", "project_id": str(project.id)}, ANN)
    assert rows(engine, Lesson)[0].project_id == project.id


# ---- similar risks ----------------------------------------------------------------------------------

def test_a_similar_risk_is_named_with_the_duplicate_button(teams: TeamsClient, teams_stub: TeamsStub,
                                                           engine: Engine) -> None:
    new_project(teams, teams_stub)
    said(teams, teams_stub, "risk add Vendor API may slip project=Apollo", BOB)
    said(teams, teams_stub, "risk add Office move project=Apollo", BOB)
    added = said(teams, teams_stub, "risk add Vendor API slipping project=Apollo", ANN)
    assert "R-3" in added and "R-1" in added and "Vendor API may slip" in added and "Office move" not in added
    assert len(rows(engine, Risk)) == 3  # still logged
    [button] = actions_of(card_of(added), "risk.duplicate")
    assert button["data"] == {"number": 3, "of": 1}
    answer = press(teams, "risk.duplicate", button["data"], BOB)  # BOB logged R-1, not R-3
    assert answer["type"] == MESSAGE and "only the owner of R-3" in answer["value"]
    assert {r.number: r.status for r in rows(engine, Risk)}[3] == "open"
    answer = press(teams, "risk.duplicate", button["data"], ANN)
    assert answer["type"] == CARD
    done = json.dumps(answer["value"])
    assert "Closed **R-3**" in done and "duplicate of **R-1**" in done
    ids = {r.number: r.id for r in rows(engine, Risk)}
    events = {(e.risk_id, e.action): e for e in rows(engine, RiskEvent)}
    assert json.loads(events[(ids[3], "closed")].changes)["duplicate_of"] == [None, "R-1"]
    assert events[(ids[1], "duplicate")].actor_id == ANN.aad
    answer = press(teams, "risk.duplicate", button["data"], ANN)  # stale: closed already
    assert answer["type"] == MESSAGE and "R-3 is already closed" in answer["value"]
    answer = press(teams, "risk.duplicate", {"number": "x"}, ANN)
    assert answer["type"] == MESSAGE and "no longer works" in answer["value"]


def test_a_dissimilar_risk_names_none(teams: TeamsClient, teams_stub: TeamsStub) -> None:
    new_project(teams, teams_stub)
    said(teams, teams_stub, "risk add Office move project=Apollo")
    added = said(teams, teams_stub, "risk add Vendor API slip project=Apollo")
    assert "R-2" in added and "risk.duplicate" not in added and "Much like" not in added
