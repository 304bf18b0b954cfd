"""Every row belongs to a workspace: another team_id sees nothing of the first one."""

from __future__ import annotations

from storage.models import Feedback, Project, Risk
from tests.handlers.slack.e2e import OTHER_TEAM, rows
from tests.slack_requests import SlackClient
from tests.slack_stub import TEAM


def _fill_first_workspace(slack: SlackClient) -> None:
    slack.command("/project", "new Apollo client=Acme", user="UMGR").text()
    slack.command("/risk", "add Acme risk p=4 i=4 project=Apollo", user="UMEMBER").text()
    slack.command("/feedback", "client project=Apollo Acme feedback", user="UMEMBER").text()


def test_another_workspace_sees_nothing(slack: SlackClient) -> None:
    _fill_first_workspace(slack)
    t = slack.command("/risk", "list all", team=OTHER_TEAM).text()
    assert "No risks" in t and "Acme risk" not in t
    assert "no risk R-1" in slack.command("/risk", "show R-1", team=OTHER_TEAM).text()
    assert "no risk R-1" in slack.command("/risk", "close R-1", team=OTHER_TEAM, user="UMGR").text()
    assert "No projects yet" in slack.command("/project", "list", team=OTHER_TEAM).text()
    assert "no project called *Apollo*" in slack.command("/project", "show Apollo", team=OTHER_TEAM).text()
    assert "No feedback" in slack.command("/feedback", "list", team=OTHER_TEAM, user="UMGR").text()
    assert "no feedback F-1" in slack.command("/feedback", "act F-1 Done", team=OTHER_TEAM, user="UMGR").text()
    assert "no project called" in slack.command("/risk", "add X project=Apollo", team=OTHER_TEAM).text()


def test_ids_and_names_are_per_workspace(slack: SlackClient, engine) -> None:
    _fill_first_workspace(slack)
    assert "Created project" in slack.command("/project", "new Apollo", team=OTHER_TEAM, user="UMGR").text()
    assert "R-1" in slack.command("/risk", "add Other risk p=1 i=1 project=apollo", team=OTHER_TEAM).text()
    assert "F-1" in slack.command("/feedback", "Other feedback", team=OTHER_TEAM).text()
    assert "R-2" in slack.command("/risk", "add Second Acme risk", team=TEAM).text()
    assert "Other risk" not in slack.command("/risk", "list all", team=TEAM).text()
    assert "Acme risk" not in slack.command("/risk", "list all", team=OTHER_TEAM).text()
    assert "Other feedback" not in slack.command("/feedback", "list", team=TEAM, user="UMGR").text()
    other_project = next(p for p in rows(engine, Project) if p.team_id == OTHER_TEAM)
    other_risk = next(r for r in rows(engine, Risk) if r.team_id == OTHER_TEAM)
    assert other_risk.project_id == other_project.id
    assert {f.team_id for f in rows(engine, Feedback)} == {TEAM, OTHER_TEAM}


def test_modal_lists_only_this_workspaces_projects(slack: SlackClient, stub) -> None:
    _fill_first_workspace(slack)
    slack.command("/risk", "", team=OTHER_TEAM)
    view = stub.wait_for("views.open")[0]["view"]
    assert "project" not in [b["block_id"] for b in view["blocks"]]


def test_paging_button_stays_in_its_workspace(slack: SlackClient, engine) -> None:
    from tests.handlers.slack.e2e import seed_risks

    seed_risks(engine, 25)
    first = slack.command("/risk", "list").messages()[0]
    other = slack.click(first, "risk_page_next", user="UMEMBER", team=OTHER_TEAM).messages()[0]
    assert "Seeded risk" not in str(other)
