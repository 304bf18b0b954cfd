"""/scope end to end: the baseline (command and form), change requests with the managers' DM and its
Approve / Reject buttons, the requester told, the creep on /project show and /summary."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import Session, select

from handlers.slack import ids
from storage import clock
from storage.models import Project
from storage.models_scope import ProjectEvent, ScopeBaseline, ScopeChange, ScopeEvent
from tests.handlers.slack.e2e import OTHER_TEAM, check_limits, rows, table_counts, wait_responses
from tests.slack_requests import SlackClient, all_text, text_value
from tests.slack_stub import SlackStub


def _project(slack: SlackClient, name: str = "Apollo", extra: str = "") -> str:
    t = slack.command("/project", f"new {name} {extra}".strip(), user="UMGR").text()
    assert "Created project" in t
    return t


def test_project_new_reminds_to_set_a_baseline(slack: SlackClient, stub: SlackStub) -> None:
    r = slack.command("/project", "new Apollo", user="UMGR")
    assert "/scope set project=Apollo" in all_text(wait_responses(stub, r.rid, 2))


def test_set_baseline_and_show_it_with_history(slack: SlackClient, engine) -> None:
    _project(slack)
    t = slack.command("/scope", 'set project=apollo days=40 in="reports, exports" out="mobile app" '
                                'assumptions="client data by May"', user="UMGR").text()
    assert "Set the scope baseline of Apollo" in t and "40 d baseline, +0 d approved (+0%)" in t
    t = slack.command("/scope", "set project=Apollo days=42", user="UMGR").text()
    assert "Changed" in t and "42 d baseline" in t
    card = slack.command("/scope", "Apollo", user="UMEMBER")
    t = card.text()
    assert "42 d baseline" in t and "reports, exports" in t and "mobile app" in t and "client data by May" in t
    assert "History" in t
    [base] = rows(engine, ScopeBaseline)
    assert (base.days, base.in_scope, base.updated_by) == (42, "reports, exports", "UMGR")
    events = rows(engine, ScopeEvent)
    assert [e.action for e in events] == ["baseline", "baseline"]
    assert json.loads(events[1].changes) == {"days": [40.0, 42.0]} and events[1].actor_id == "UMGR"


def test_baseline_is_for_managers_and_bad_input_writes_nothing(slack: SlackClient, engine) -> None:
    _project(slack)
    before = table_counts(engine)
    assert "only managers" in slack.command("/scope", "set project=Apollo days=40", user="UMEMBER").text()
    t = slack.command("/scope", "set project=Apollo days=lots", user="UMGR").text()
    assert "person-days" in t and "Usage of /scope" in t
    t = slack.command("/scope", "set project=Nowhere days=4", user="UMGR").text()
    assert "no project called" in t
    t = slack.command("/scope", "set days=4", user="UMGR").text()
    assert "Which project?" in t and "Usage" in t
    assert "Usage of /scope" in slack.command("/scope", "frobnicate=1", user="UMGR").text()
    assert table_counts(engine) == before


def test_help_lists_every_sub_command(slack: SlackClient) -> None:
    t = slack.command("/scope", "help").text()
    for sub in ("/scope NAME", "/scope set", "/scope change", "/scope approve", "/scope reject"):
        assert sub in t
    assert "Usage of /scope" in slack.command("/scope", "").text()


def test_guest_is_refused(slack: SlackClient, engine) -> None:
    _project(slack)
    before = table_counts(engine)
    t = slack.command("/scope", "change project=Apollo Add SSO days=3", user="UGUEST").text()
    assert "guest" in t.lower()
    assert table_counts(engine) == before


def test_baseline_form(slack: SlackClient, stub: SlackStub, engine) -> None:
    _project(slack)
    slack.command("/scope", "set project=Apollo", user="UMGR")
    view = stub.wait_for("views.open")[0]["view"]
    assert view["callback_id"] == ids.SCOPE_BASELINE_MODAL
    bad = slack.submit(view, {ids.B_DAYS: text_value("forty")}, user="UMGR")
    assert ids.B_DAYS in bad.json()["errors"]
    assert rows(engine, ScopeBaseline) == []
    slack.submit(view, {ids.B_DAYS: text_value("40"), ids.B_IN_SCOPE: text_value("Reports")}, user="UMGR")
    note = stub.wait_for("chat.postEphemeral")
    assert "40 d baseline" in all_text(note[0])
    assert rows(engine, ScopeBaseline)[0].in_scope == "Reports"


def test_baseline_form_refused_to_a_member(slack: SlackClient, stub: SlackStub) -> None:
    _project(slack)
    r = slack.command("/scope", "set project=Apollo", user="UMEMBER")
    assert "only managers" in r.text()
    assert not stub.find("views.open")


def _change(slack: SlackClient, stub: SlackStub, text: str = "change project=Apollo Add SSO days=6 cost=5k",
            user: str = "UMEMBER") -> dict:
    t = slack.command("/scope", text, user=user).text()
    assert "C-1" in t and "Add SSO" in t
    [dm] = stub.wait_for("chat.postMessage", channel="UMGR")
    check_limits(dm)
    return dm


def test_change_goes_to_the_managers_and_approve_tells_the_requester(slack: SlackClient, stub: SlackStub,
                                                                       engine) -> None:
    _project(slack)
    slack.command("/scope", "set project=Apollo days=40", user="UMGR").text()
    dm = _change(slack, stub)
    assert "Add SSO" in all_text(dm) and "+6 d" in all_text(dm)
    r = slack.click(dm, ids.SCOPE_APPROVE, "UMGR", channel="DUMGR")
    [updated] = stub.wait_for("chat.update")
    assert "Approved C-1" in all_text(updated) and "40 d baseline, +6 d approved (+15%)" in all_text(updated)
    [told] = stub.wait_for("chat.postMessage", channel="UMEMBER")
    assert "was approved" in all_text(told)
    assert r.status == 200
    [c] = rows(engine, ScopeChange)
    assert (c.status, c.decided_by) == ("approved", "UMGR")
    assert [e.action for e in rows(engine, ScopeEvent)][-1] == "approved"
    # pressed again: decided already, nothing changes
    r = slack.click(dm, ids.SCOPE_REJECT, "UMGR", channel="DUMGR")
    assert "already approved" in all_text(stub.wait_response(r.rid)[0])
    assert rows(engine, ScopeChange)[0].status == "approved"
    t = slack.command("/project", "show Apollo", user="UMGR").text()
    assert "40 d baseline, +6 d approved (+15%)" in t


def test_buttons_refuse_a_non_manager(slack: SlackClient, stub: SlackStub, engine) -> None:
    _project(slack)
    dm = _change(slack, stub)
    r = slack.click(dm, ids.SCOPE_APPROVE, "UMEMBER2", channel="DUMGR")
    assert "only managers" in all_text(stub.wait_response(r.rid)[0])
    assert rows(engine, ScopeChange)[0].status == "pending"


def test_reject_by_command_with_a_note(slack: SlackClient, stub: SlackStub, engine) -> None:
    _project(slack)
    _change(slack, stub)
    assert "only managers" in slack.command("/scope", "reject C-1", user="UMEMBER2").text()
    t = slack.command("/scope", "reject C-1 not in this phase", user="UADMIN").text()
    assert "Rejected C-1" in t
    [told] = stub.wait_for("chat.postMessage", channel="UMEMBER")
    assert "was rejected" in all_text(told) and "not in this phase" in all_text(told)
    assert "already rejected" in slack.command("/scope", "approve C-1", user="UMGR").text()
    assert "no change request C-9" in slack.command("/scope", "approve C-9", user="UMGR").text()
    t = slack.command("/scope", "Apollo").text()
    assert "C-1" in t and "rejected" in t


def test_change_form(slack: SlackClient, stub: SlackStub, engine) -> None:
    _project(slack)
    slack.command("/scope", "change", user="UMEMBER")
    view = stub.wait_for("views.open")[0]["view"]
    assert view["callback_id"] == ids.SCOPE_CHANGE_MODAL
    project_id = rows(engine, Project)[0].id
    sub = slack.submit(view, {ids.B_TITLE: text_value("Extra report"),
                              ids.B_PROJECT: {"type": "static_select",
                                              "selected_option": {"value": str(project_id)}},
                              ids.B_DAYS: text_value("2.5")}, user="UMEMBER")
    assert sub.status == 200
    note = stub.wait_for("chat.postEphemeral")
    assert "C-1" in all_text(note[0]), all_text(note)
    [c] = rows(engine, ScopeChange)
    assert (c.title, c.days, c.requested_by) == ("Extra report", 2.5, "UMEMBER")
    assert stub.wait_for("chat.postMessage", channel="UMGR")


def test_project_update_keeps_history_and_flags_the_deadline_without_baseline(slack: SlackClient,
                                                                              engine) -> None:
    deadline = (clock.today() + timedelta(days=60)).isoformat()
    _project(slack, extra=f"deadline={deadline} target=100k")
    assert "only managers" in slack.command("/project", "update Apollo booked=10", user="UMEMBER").text()
    t = slack.command("/project", "update Apollo booked=120k client=Acme", user="UMGR").text()
    assert "Updated project Apollo" in t and "120,000" in t
    events = rows(engine, ProjectEvent)
    assert [e.action for e in events] == ["created", "updated"]
    assert json.loads(events[1].changes)["booked"] == [None, 120000.0] and events[1].actor_id == "UMGR"
    t = slack.command("/project", "show Apollo", user="UMGR").text()
    assert "no scope baseline" in t and "booked 120,000 of 100,000 target (120%)" in t
    t = slack.command("/project", "update Apollo target=lots", user="UMGR").text()
    assert "Usage of /project" in t


def test_summary_shows_scope_and_targets(slack: SlackClient, stub: SlackStub) -> None:
    _project(slack, extra="target=100k booked=50k")
    slack.command("/scope", "set project=Apollo days=40", user="UMGR").text()
    r = slack.command("/summary", "", user="UMGR")
    t = r.text()
    assert "Scope and targets" in t and "40 d baseline, +0 d approved (+0%)" in t and "booked 50,000" in t


def test_workspaces_are_apart(slack: SlackClient, stub: SlackStub, engine) -> None:
    _project(slack)
    _change(slack, stub)
    assert "no change request C-1" in slack.command("/scope", "approve C-1", user="UMGR", team=OTHER_TEAM).text()
    with Session(engine) as s:
        assert s.exec(select(ScopeChange)).one().status == "pending"
