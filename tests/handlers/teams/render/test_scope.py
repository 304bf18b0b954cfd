"""Scope cards for Teams: the managers' Approve / Reject, the forms, the flag, and long lists within
the activity limit."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.scope.views import ChangeAlert, ProjectScope, ScopeCard
from bot.summaries.views import Summary
from handlers.teams import ids
from handlers.teams.render.catalog import render
from handlers.teams.render.scope import baseline_form, change_form
from storage.models_scope import ScopeBaseline, ScopeChange, ScopeEvent
from tests.handlers.teams.render.samples import LONG, NOW, actions, check, content, inputs, project, shown


def change(n: int, title: str = "Add SSO", **kw: object) -> ScopeChange:
    values: dict[str, object] = dict(id=n, team_id="tenant", number=n, project_id=1, title=title, days=2.0,
                                     status="pending", requested_by="aad-member", requested_at=NOW)
    values.update(kw)
    return ScopeChange(**values)  # type: ignore[arg-type]


def test_the_managers_card_approves_or_rejects_by_number() -> None:
    card = content(check(render(ChangeAlert(change(7), project()))))
    buttons = {a["verb"]: a["data"] for a in actions(card)}
    assert buttons == {ids.SCOPE_APPROVE: {ids.D_CHANGE: 7}, ids.SCOPE_REJECT: {ids.D_CHANGE: 7}}


def test_a_long_scope_card_fits_one_activity() -> None:
    base = ScopeBaseline(team_id="tenant", project_id=1, days=40, in_scope=LONG, out_scope=LONG, assumptions=LONG,
                         updated_by="aad-mgr", updated_at=NOW)
    rows = [change(n, LONG[:200]) for n in range(300, 0, -1)]
    events = [ScopeEvent(team_id="tenant", project_id=1, actor_id="aad-mgr", action="requested", note=LONG,
                         at=datetime(2030, 1, 1, tzinfo=UTC)) for _ in range(10)]
    activities = check(render(ScopeCard(project(), base, "40 d baseline, +6 d approved (+15%)", rows, total=400,
                                        pending=300, events=events)))
    text = shown(activities)
    assert "+15%" in text and "older" in text


def test_the_summary_lists_scope_and_targets_and_the_flag() -> None:
    rows = [ProjectScope(n, f"P{n} {LONG[:60]}", no_baseline=True, target=10.0, booked=20.0, latest=2.0, flag=True)
            for n in range(200)]
    s = Summary(team_id="tenant", today=NOW.date(), since=NOW, now=NOW, scope=rows)
    text = shown(check(render(s)))
    assert "Scope and targets" in text and "no scope baseline" in text
    assert "on target, client satisfaction falling" in text and "more" in text


def test_forms() -> None:
    base = ScopeBaseline(team_id="tenant", project_id=1, days=2.5, in_scope="Reports", updated_by="aad-mgr")
    card = content(check(baseline_form(project(), base)))
    fields = inputs(card)
    assert fields[ids.I_DAYS]["value"] == "2.5" and fields[ids.I_IN_SCOPE]["value"] == "Reports"
    assert [a["verb"] for a in actions(card)] == [ids.SCOPE_BASELINE_SUBMIT]
    card = content(check(change_form([(1, "Apollo"), (2, "Zeus")], {"title": "From a blocker", "project_id": 2,
                                                                    "source": "standup"})))
    fields = inputs(card)
    assert fields[ids.I_TITLE]["value"] == "From a blocker" and fields[ids.I_PROJECT]["value"] == "2"
    assert actions(card)[0]["data"] == {ids.D_SOURCE: "standup"}
