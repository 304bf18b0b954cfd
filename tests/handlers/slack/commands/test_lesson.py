"""/lesson, /project close and similar risks end to end: signed requests in, the Web API stand-in
records what goes out."""

from __future__ import annotations

import json
import re

from storage.models import Project, Risk, RiskEvent
from storage.models_lessons import Lesson, ProjectClosing, ProjectEvent
from storage.models_rhythm import Delivery
from tests.handlers.slack.e2e import OTHER_TEAM, check_limits, rows, wait_responses
from tests.slack_requests import SlackClient, all_text, find_element, select_value, text_value


def _projects(slack: SlackClient) -> None:
    assert "Created project" in slack.command("/project", "new Apollo client=Acme", user="UMGR").text()


# ---- /lesson ----------------------------------------------------------------------------------

def test_log_a_lesson_with_project_and_tags(slack: SlackClient, engine) -> None:
    _projects(slack)
    t = slack.command("/lesson", "Sign scope off in writing project=apollo tags=scope,Vendor", user="UMEMBER").text()
    assert "L-1" in t and "Sign scope off in writing" in t and "Apollo" in t and "`scope`" in t
    (lesson,) = rows(engine, Lesson)
    assert (lesson.number, lesson.created_by, lesson.tags) == (1, "UMEMBER", ",scope,vendor,")


def test_help_and_bad_input_write_nothing(slack: SlackClient, engine) -> None:
    help_text = slack.command("/lesson", "help").text()
    for part in ("/lesson TEXT", "/lesson list", "q=WORDS", "tag=T"):
        assert part in help_text
    for bad in ("project=Apollo", "Lesson tags=no!", "list nonsense", "Lesson project=Nowhere"):
        t = slack.command("/lesson", bad).text()
        assert "Usage" in t or "no project called" in t, (bad, t)
    assert rows(engine, Lesson) == []


def test_guests_are_refused(slack: SlackClient, engine) -> None:
    assert "Sorry, guest accounts" in slack.command("/lesson", "A lesson", user="UGUEST").text()
    assert "Sorry, guest accounts" in slack.command("/lesson", "list", user="UGUEST").text()
    assert rows(engine, Lesson) == []


def test_list_finds_by_words_tag_and_project_newest_first(slack: SlackClient) -> None:
    _projects(slack)
    slack.command("/lesson", "The vendor delay cost a week project=Apollo tags=vendor").text()
    slack.command("/lesson", "Vendor contracts need penalties").text()
    slack.command("/lesson", "Call the client weekly tags=client").text()
    t = slack.command("/lesson", 'list q="VENDOR"').text()
    assert t.index("L-2") < t.index("L-1") and "L-3" not in t
    assert "L-1" in (t := slack.command("/lesson", "list q=vendor project=apollo").text()) and "L-2" not in t
    t = slack.command("/lesson", "list tag=client").text()
    assert "L-3" in t and "L-1" not in t
    assert "No lessons" in slack.command("/lesson", "list q=nothing").text()


def test_a_long_list_pages_within_block_kit_limits(slack: SlackClient) -> None:
    for n in range(12):
        slack.command("/lesson", f"Lesson {n} " + "very long text " * 150 + "tags=long").text()
    first = slack.command("/lesson", "list tag=long").messages()[0]
    check_limits(first)
    assert "page 1 of 2" in all_text(first)
    second = slack.click(first, r"lesson_page_next", user="UMEMBER").messages()[0]
    check_limits(second)
    assert "page 2 of 2" in all_text(second) and "L-2" in all_text(second) and "L-12" not in all_text(second)


def test_the_form_opens_and_logs_a_lesson(slack: SlackClient, stub, engine) -> None:
    _projects(slack)
    assert slack.command("/lesson", "", user="UMEMBER").status == 200
    view = stub.wait_for("views.open")[0]["view"]
    assert view["callback_id"] == "lesson_modal"
    (project_id,) = [p.id for p in rows(engine, Project)]
    bad = slack.submit(view, {"text": text_value("Learned"), "tags": text_value("no good!")}, user="UMEMBER")
    assert "tags" in bad.json()["errors"]
    sub = slack.submit(view, {"text": text_value("Keep a second vendor"), "project": select_value(str(project_id)),
                              "tags": text_value("vendor")}, user="UMEMBER")
    assert sub.status == 200
    note = stub.wait_for("chat.postEphemeral")
    assert note and "L-1" in all_text(note[0])
    (lesson,) = rows(engine, Lesson)
    assert (lesson.text, lesson.project_id, lesson.tags) == ("Keep a second vendor", project_id, ",vendor,")


def test_a_new_project_for_the_same_client_shows_the_earlier_lessons(slack: SlackClient, stub) -> None:
    _projects(slack)
    slack.command("/lesson", "Acme signs late: plan for it project=Apollo").text()
    r = slack.command("/project", "new Hermes client=acme", user="UMGR")
    t = "\n".join(all_text(m) for m in wait_responses(stub, r.rid, 3))
    assert "Created project" in t and "Before you commit" in t and "Acme signs late" in t
    t = slack.command("/project", "new Zeus client=Other", user="UMGR").text()
    assert "Before you commit" not in t


# ---- /project close ---------------------------------------------------------------------------------

def test_close_asks_risk_and_feedback_people_once_never_the_anonymous_author(slack: SlackClient, stub,
                                                                              engine) -> None:
    _projects(slack)
    slack.command("/risk", "add Vendor may slip project=Apollo", user="UMEMBER").text()
    slack.command("/risk", "add Budget cut project=Apollo", user="UMEMBER").text()
    slack.command("/feedback", "client project=Apollo Great demo", user="UMEMBER2").text()
    slack.command("/feedback", "team project=Apollo anon Too much overtime", user="UOWNER").text()
    assert "Sorry, only managers" in slack.command("/project", "close Apollo won", user="UMEMBER").text()
    assert rows(engine, ProjectClosing) == []
    t = slack.command("/project", "close Apollo won Signed for two years", user="UMGR").text()
    assert "Closed project *Apollo* (won)" in t and "Signed for two years" in t and "2 people" in t
    dms = {p["channel"]: p for p in stub.wait_for("chat.postMessage", count=2)}
    assert set(dms) == {"UMEMBER", "UMEMBER2"}  # UOWNER's feedback was anonymous: not known, not asked
    prompt = dms["UMEMBER"]
    assert "Apollo" in all_text(prompt) and "(won)" in all_text(prompt)
    (event,) = [e for e in rows(engine, ProjectEvent) if e.action != "created"]
    assert (event.action, event.actor_id, event.note) == ("closed", "UMGR", "Signed for two years")
    again = slack.command("/project", "close Apollo lost", user="UADMIN").text()
    assert "already closed (won)" in again and "Nothing changed" in again
    assert len(stub.wait_for("chat.postMessage", count=3, timeout=1.0)) == 2  # nobody asked twice
    assert len(rows(engine, Delivery)) == 2
    assert "closed (won)" in slack.command("/project", "list").text()
    assert "closed (won)" in slack.command("/project", "show Apollo").text()

    # The prompt's button opens the lesson form with the project chosen.
    click = slack.click(prompt, "lesson_open", user="UMEMBER", channel="DUMEMBER")
    assert click.status == 200
    view = stub.wait_for("views.open")[0]["view"]
    assert view["callback_id"] == "lesson_modal"
    chosen = next(b for b in view["blocks"] if b["block_id"] == "project")["element"]["initial_option"]
    assert chosen["text"]["text"] == "Apollo"


def test_close_help_and_bad_input(slack: SlackClient, engine) -> None:
    assert "/project close NAME [won|lost] [NOTE]" in slack.command("/project", "help").text()
    assert "Which project" in slack.command("/project", "close", user="UMGR").text()
    assert "no project called" in slack.command("/project", "close Nowhere won", user="UMGR").text()
    assert rows(engine, ProjectClosing) == []


# ---- similar risks ----------------------------------------------------------------------------------

def test_a_similar_risk_is_named_with_a_duplicate_button(slack: SlackClient, engine) -> None:
    _projects(slack)
    slack.command("/risk", "add Vendor API may slip project=Apollo", user="UMEMBER2").text()
    slack.command("/risk", "add Office move project=Apollo", user="UMEMBER2").text()
    added = slack.command("/risk", "add Vendor API slipping project=Apollo", user="UMEMBER").messages()[0]
    check_limits(added)
    text = all_text(added)
    assert "R-3" in text and "R-1" in text and "Vendor API may slip" in text and "Office move" not in text
    assert len(rows(engine, Risk)) == 3  # still logged

    # Someone who may not close R-3 (UMEMBER2 logged R-1, not R-3) is refused.
    refused = slack.click(added, r"risk_duplicate(_\d+)?", user="UMEMBER2", channel="CSALES")
    assert "only the owner of R-3" in refused.text()
    assert {r.number: r.status for r in rows(engine, Risk)}[3] == "open"

    done = slack.click(added, r"risk_duplicate(_\d+)?", user="UMEMBER", channel="CSALES")
    assert "Closed *R-3*" in done.text() and "duplicate of *R-1*" in done.text()
    events = {(e.risk_id, e.action): e for e in rows(engine, RiskEvent)}
    ids = {r.number: r.id for r in rows(engine, Risk)}
    assert json.loads(events[(ids[3], "closed")].changes)["duplicate_of"] == [None, "R-1"]
    assert events[(ids[1], "duplicate")].actor_id == "UMEMBER"

    stale = slack.click(added, r"risk_duplicate(_\d+)?", user="UMEMBER", channel="CSALES")
    assert "R-3 is already closed" in stale.text()


def test_a_dissimilar_risk_has_no_button(slack: SlackClient) -> None:
    _projects(slack)
    slack.command("/risk", "add Office move project=Apollo").text()
    added = slack.command("/risk", "add Vendor API slip project=Apollo").messages()[0]
    assert not re.search(r"risk_duplicate", json.dumps(added))


def test_the_risk_form_names_similar_risks_too(slack: SlackClient, stub) -> None:
    slack.command("/risk", "add Key client contact leaving").text()
    slack.command("/risk", "", user="UMEMBER")
    view = stub.wait_for("views.open")[0]["view"]
    slack.submit(view, {"title": text_value("Client's key contact leaves"), "probability": select_value("3"),
                        "impact": select_value("3")}, user="UMEMBER")
    note = stub.wait_for("chat.postEphemeral")[0]
    find_element(note["blocks"], r"risk_duplicate(_\d+)?")
    assert "R-1" in all_text(note)


def test_a_tampered_duplicate_button_is_refused(slack: SlackClient, engine) -> None:
    slack.command("/risk", "add Vendor API may slip").text()
    added = slack.command("/risk", "add Vendor API slipping").messages()[0]
    t = slack.click(added, r"risk_duplicate(_\d+)?", user="UMEMBER", value='{"n": "x"}').text()
    assert "no longer read" in t
    assert all(r.status == "open" for r in rows(engine, Risk))


# ---- workspaces -----------------------------------------------------------------------------------

def test_another_workspace_sees_no_lessons_and_cannot_close(slack: SlackClient, engine) -> None:
    _projects(slack)
    slack.command("/lesson", "Ours project=Apollo").text()
    assert "No lessons" in slack.command("/lesson", "list", team=OTHER_TEAM).text()
    assert "no project called" in slack.command("/project", "close Apollo", team=OTHER_TEAM, user="UMGR").text()
    assert rows(engine, ProjectClosing) == []
