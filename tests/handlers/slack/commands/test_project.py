"""/project end to end: creation (managers only), listing, health figures, and unknown names."""

from __future__ import annotations

from datetime import date

import pytest

from storage.models import Project
from tests.handlers.slack.e2e import check_limits, one, rows, table_counts
from tests.slack_requests import SlackClient, all_text

FAR_YEAR = date.today().year + 2  # within the ten years ahead a date may be


def test_new_with_every_option(slack: SlackClient, engine) -> None:
    r = slack.command("/project", 'new Apollo Rollout client="Acme Corp" channel=<#CAPOLLO|apollo> '
                      f"deadline={FAR_YEAR}-06-30 budget=50k", user="UMGR")
    assert r.status == 200 and r.seconds < 3
    t = r.text()
    assert "Created project *Apollo Rollout*" in t and "Acme Corp" in t and "<#CAPOLLO>" in t
    assert f"{FAR_YEAR}-06-30" in t and "50,000" in t
    p = one(engine, Project)
    assert (p.name, p.name_key, p.client, p.channel_id, p.deadline, p.budget, p.created_by) == (
        "Apollo Rollout", "apollo rollout", "Acme Corp", "CAPOLLO", date(FAR_YEAR, 6, 30), 50_000, "UMGR")


@pytest.mark.parametrize("user", ["UADMIN", "UOWNER"])
def test_workspace_admins_and_owners_are_managers(slack: SlackClient, engine, stub, user: str) -> None:
    assert "Created project" in slack.command("/project", "new Apollo", user=user).text()
    assert stub.find("users.info", user=user)
    assert one(engine, Project).created_by == user


@pytest.mark.parametrize(("user", "says"), [("UMEMBER", "Sorry, only managers can create projects"),
                                            ("UGUEST", "Sorry, guest accounts can give feedback")])
def test_members_are_refused_politely(slack: SlackClient, engine, user: str, says: str) -> None:
    t = slack.command("/project", "new Apollo client=Acme", user=user).text()
    assert says in t
    assert rows(engine, Project) == []


def test_manager_role_is_cached(slack: SlackClient, stub) -> None:
    slack.command("/project", "new Apollo", user="UADMIN").text()
    slack.command("/project", "new Gemini", user="UADMIN").text()
    assert len(stub.find("users.info", user="UADMIN")) == 1


@pytest.mark.parametrize("name", ["Apollo", "APOLLO", "apollo", "  apollo  "])
def test_duplicate_name_in_any_case_is_refused(slack: SlackClient, engine, name: str) -> None:
    slack.command("/project", "new Apollo", user="UMGR").text()
    t = slack.command("/project", f"new {name} client=Other", user="UMGR").text()
    assert "already a project called" in t
    assert len(rows(engine, Project)) == 1


@pytest.mark.parametrize(("text", "says"), [
    ("new", "Give the project a name"),
    ("new Apollo deadline=30.06.2099", "YYYY-MM-DD"),
    ("new Apollo deadline=2001-01-01", "in the past"),
    ("new Apollo budget=lots", "amount"),
    ("new Apollo channel=apollo", "channel picked with #"),
    ("new Apollo client=", "needs a name"),
    ("new Apollo colour=red", "don't know the option"),
    ("new " + "x" * 81, "at most 80 characters"),
    ("delete Apollo", "don't know `/project delete`"),
    ("list more", "takes nothing more"),
    ("show", "Which project"),
])
def test_bad_input_writes_nothing(slack: SlackClient, engine, text: str, says: str) -> None:
    before = table_counts(engine)
    r = slack.command("/project", text, user="UMGR")
    assert r.status == 200 and r.seconds < 3
    t = r.text()
    assert says in t, t
    assert table_counts(engine) == before


@pytest.mark.parametrize("word", ["help", "?"])
def test_help(slack: SlackClient, word: str) -> None:
    t = slack.command("/project", word).text()
    assert "Usage of /project" in t and "/project new" in t and "/project show" in t


def test_list(slack: SlackClient) -> None:
    assert "No projects yet" in slack.command("/project", "list").text()
    slack.command("/project", "new Gemini client=Beta", user="UMGR").text()
    slack.command("/project", "new apollo client=Acme", user="UMGR").text()
    for text in ("list", ""):
        t = slack.command("/project", text, user="UMEMBER").text()
        assert "Projects (2)" in t and t.index("apollo") < t.index("Gemini") and "Acme" in t


def test_list_of_many_projects_stays_within_limits(slack: SlackClient, engine) -> None:
    from tests.handlers.slack.e2e import seed_project

    for n in range(300):
        seed_project(engine, f"Project number {n:03d} with a fairly long name to fill the lines")
    message = slack.command("/project", "list").messages()[0]
    check_limits(message)
    assert "Projects (300)" in all_text(message)


def test_show_with_health_figures(slack: SlackClient) -> None:
    slack.command("/project", "new Apollo client=Acme channel=<#CAPOLLO|apollo>", user="UMGR").text()
    for text in ("Critical one p=5 i=5", "High one p=3 i=4", "High two p=2 i=5", "Low one p=1 i=1",
                 "Closed critical p=5 i=4"):
        slack.command("/risk", f"add {text} project=Apollo").text()
    slack.command("/risk", "close R-5 gone").text()
    slack.command("/risk", "add Elsewhere p=5 i=5").text()
    slack.command("/feedback", "client project=Apollo sentiment=positive Lovely work").text()
    slack.command("/feedback", "client project=Apollo sentiment=negative Too slow").text()
    slack.command("/feedback", "project=Apollo sentiment=negative Meetings too long").text()
    slack.command("/feedback", "sentiment=negative Not on Apollo").text()
    slack.command("/feedback", "act F-2 Added a second developer", user="UMGR").text()
    message = slack.command("/project", "show apollo", user="UMEMBER").messages()[0]
    check_limits(message)
    t = all_text(message)
    assert "Project Apollo" in t and "Acme" in t and "<#CAPOLLO>" in t
    assert "4: 1 Critical, 2 High, 1 Low" in t
    assert "3 (1 positive, 0 neutral, 2 negative); 2 not acted on" in t


def test_show_empty_project(slack: SlackClient) -> None:
    slack.command("/project", "new Apollo", user="UMGR").text()
    t = slack.command("/project", "show Apollo").text()
    assert "Open risks*\nnone" in t and "0 (0 positive" in t


def test_unknown_project_names_the_closest_and_the_hint(slack: SlackClient, engine) -> None:
    for name in ("Apollo", "Apollo Two", "Gemini"):
        slack.command("/project", f"new {name}", user="UMGR").text()
    before = table_counts(engine)
    for command, text in (("/risk", "add Slip p=2 project=Apolo"), ("/project", "show Apolo"),
                          ("/risk", "list project=Apolo"), ("/feedback", "project=Apolo Nice")):
        t = slack.command(command, text).text()
        assert "no project called *" in t and "Did you mean *Apollo*" in t and "/project new Apolo" in t, t
        assert "Gemini" not in t
    assert table_counts(engine) == before


def test_unknown_project_with_nothing_close(slack: SlackClient) -> None:
    t = slack.command("/risk", "add Slip project=Zebra").text()
    assert "no project called *Zebra*" in t and "Did you mean" not in t and "/project new Zebra" in t
