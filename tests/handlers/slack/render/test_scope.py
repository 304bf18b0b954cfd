"""Block Kit for scope: long cards and summaries keep Slack's limits, what people typed is escaped,
and the managers' DM carries Approve / Reject for its change request."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from bot.scope.views import ChangeAlert, ProjectScope, ScopeCard
from bot.summaries.views import Summary
from handlers.slack import ids
from handlers.slack.render.catalog import render
from storage.models import Project
from storage.models_scope import ScopeBaseline, ScopeChange, ScopeEvent
from tests.message_limits import check_whole_message
from tests.slack_requests import all_text, find_element

NOW = datetime(2030, 1, 2, 3, 4, tzinfo=UTC)
LONG = "<!channel> & <b>markup</b> *bold* " * 100


def project() -> Project:
    return Project(id=1, team_id="T", name="Apollo", name_key="apollo", deadline=date(2030, 6, 1), created_by="UMGR")


def change(n: int, title: str = "Add SSO") -> ScopeChange:
    return ScopeChange(id=n, team_id="T", number=n, project_id=1, title=title, days=2.0, cost=5000.0,
                       requested_by="UMEMBER", requested_at=NOW)


def test_a_long_scope_card_keeps_the_limits_and_escapes() -> None:
    base = ScopeBaseline(team_id="T", project_id=1, days=40, in_scope=LONG, out_scope=LONG, assumptions=LONG,
                         updated_by="UMGR", updated_at=NOW)
    events = [ScopeEvent(team_id="T", project_id=1, actor_id="UMGR", action="requested", note=LONG, at=NOW,
                         changes=json.dumps({"title": [None, LONG[:200]]})) for _ in range(10)]
    view = ScopeCard(project(), base, "40 d baseline, +6 d approved (+15%)",
                     [change(n, LONG[:200]) for n in range(300, 280, -1)], total=300, pending=300, events=events)
    [message] = render(view)
    check_whole_message(message)
    text = all_text(message)
    assert "+15%" in text and "older" in text
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text


def test_no_baseline_is_flagged() -> None:
    [message] = render(ScopeCard(project(), None, None))
    assert "no scope baseline" in all_text(message)


def test_the_alert_has_approve_and_reject() -> None:
    [message] = render(ChangeAlert(change(7), project()))
    check_whole_message(message)
    for action in (ids.SCOPE_APPROVE, ids.SCOPE_REJECT):
        element, _ = find_element(message["blocks"], action)
        assert json.loads(element["value"]) == {"c": 7}


def test_a_summary_of_many_projects_keeps_the_limits() -> None:
    rows = [ProjectScope(n, f"P{n} {LONG[:80]}", no_baseline=True, target=10.0, booked=20.0, latest=2.0, change=-0.5,
                         flag=True) for n in range(200)]
    messages = render(Summary(team_id="T", today=NOW.date(), since=NOW, now=NOW, scope=rows))
    for m in messages:
        check_whole_message(m)
    text = " ".join(all_text(m) for m in messages)
    assert "Scope and targets" in text and "on target, client satisfaction falling" in text and "more" in text
