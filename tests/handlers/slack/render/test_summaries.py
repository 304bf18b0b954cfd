"""The summary message and the project card's health fields: Block Kit limits hold with huge
data, what is left out is counted, and the full list is one button away."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from bot.summaries.views import ProjectHealth, ProjectScores, Summary, WeekScore
from handlers.slack.render import summaries as ui
from handlers.slack.render.catalog import render
from handlers.slack.render.common import MAX_RESPONSES
from storage.models import Feedback, Project, Risk
from storage.models_rhythm import Delivery, JobRun
from storage.repositories.summaries import StandupRate
from tests.message_limits import check_whole_message
from tests.slack_requests import all_text
from tests.summary_seed import at

NOW = at(2026, 11, 30, 8, 0)


def risk(n: int, title: str = "Risk", project_id: int | None = None) -> Risk:
    return Risk(team_id="T", number=n, title=title, probability=5, impact=4, score=20, owner_id="UOWNER",
                created_by="UMEMBER", project_id=project_id, review_date=NOW.date())


def huge() -> Summary:
    long = "Ünïcode & <b>markup</b> " * 40
    names = {i: f"Project {i} " + "x" * 60 for i in range(1, 501)}
    return Summary(
        team_id="T", today=NOW.date(), since=at(2026, 11, 23, 8), now=NOW, week="2026-W49",
        top_risks=[risk(n, long[:200], n) for n in range(1, 11)], open_total=40_000,
        new_risks=[risk(n, long[:200]) for n in range(1, 6)], new_total=900,
        overdue=[risk(n, long[:200]) for n in range(1, 9)], overdue_total=30_000,
        sentiment={"positive": 10_000, "neutral": 3, "negative": 70_000},
        waiting=[Feedback(team_id="T", number=n, text=long * 3, sentiment="negative", created_at=at(2026, 1, 1),
                          project_id=n) for n in range(1, 4)], waiting_total=200_000,
        scores=[ProjectScores(i, names[i], [WeekScore(f"2026-W{w}", 3.1, 10) for w in range(44, 50)], answered=5,
                              off_track=2, at_risk=3, not_answered=[f"U{i:04d}{k}" for k in range(30)])
                for i in range(1, 501)],
        standups=[StandupRate(i, f"C{i:09d}", 40, 31) for i in range(1, 501)],
        failures=[Delivery(team_id="T", what=f"checkin:{i}", recipient=f"U{i}", occurrence="o", status="failed",
                           error="x" * 200) for i in range(5)], failures_total=12_000,
        missed=[JobRun(team_id="T", job_key=f"standup:{i}:America/Argentina/Buenos_Aires", occurrence="2026-11-29")
                for i in range(10)], missed_total=300,
        project_names=names,
    )


def whole(msgs: list[dict[str, Any]]) -> dict[str, Any]:
    """The messages of one summary, each checked against Slack's limits, as one list of blocks."""
    assert msgs
    for m in msgs:
        check_whole_message(m)
    return {"text": msgs[0]["text"], "blocks": [b for m in msgs for b in m["blocks"]]}


def test_a_huge_summary_stays_within_block_kit_limits_and_counts_what_it_leaves_out() -> None:
    msgs = ui.summary(huge())
    assert len(msgs) > 1
    assert len(ui.summary(huge(), max_messages=2)) == 2
    assert render(huge()) == msgs  # the weekly DM: in as many parts as it needs
    msg = whole(msgs)
    t = all_text(msg)
    assert "Weekly summary · 2026-W49" in t
    assert "Top open risks* (40000 open)" in t
    assert re.search(r"…and 39990 more — all of them below", t)
    assert "…and 895 more" in t and "…and 29992 more" in t and "…and 199997 more" in t
    shown = len(re.findall(r"• \*Project \d+ x+\*", t))
    assert 20 < shown < 500
    assert f"…and {500 - shown} more — `/checkin results project=NAME` for one project" in t
    assert "and 25 more" in t  # non-responders of one project: five named, the rest counted
    assert "…and 11995 more" in t and "…and 290 more" in t
    assert "stand-up prompts in <#C000000001> (America/Argentina/Buenos_Aires) (2026-11-29)" in t
    # the full list is one button away
    button = next(b for b in msg["blocks"] if b["type"] == "actions")["elements"][0]
    assert button["action_id"] == "summary_full_risks" and json.loads(button["value"]) == {"p": None}
    assert button["text"]["text"] == "All open risks (40000)"
    # user text is escaped, mentions stay live
    assert "&lt;b&gt;markup&lt;/b&gt;" in t and "<b>" not in t and "<@U00010>" in t


def test_pack_fills_sections_up_to_its_cap_and_counts_the_rest() -> None:
    lines = [f"• line {n} " + "y" * 500 for n in range(30)]
    blocks = ui.pack("*Title*", lines, max_sections=2, more="see more")
    assert len(blocks) == 2 and all(len(b["text"]["text"]) <= 3000 for b in blocks)
    shown = sum(b["text"]["text"].count("• line") for b in blocks)
    assert blocks[-1]["text"]["text"].endswith(f"_…and {30 - shown} more — see more_")
    one = ui.pack("*Title*", ["• " + "z" * 5000], max_sections=1)
    assert len(one[0]["text"]["text"]) <= 3000 and one[0]["text"]["text"].endswith("…")
    assert ui.pack("*Title*", [], max_sections=1, empty="nothing")[0]["text"]["text"] == "*Title*\nnothing"


def test_score_line_shows_the_trend_and_who_is_silent() -> None:
    up = ProjectScores(1, "Apollo", [WeekScore("2026-W47", 3.0, 2), WeekScore("2026-W48", 3.5, 2)],
                       off_track=1, not_answered=["U1", "U2"])
    assert ui.score_line(up) == ("*Apollo* *3.5*/5 ↑ +0.5 · weeks: 3.0 → 3.5 · :red_circle: 1 off track · "
                                 "not answered: <@U1>, <@U2>")
    down = ProjectScores(1, "Apollo", [WeekScore("2026-W47", 4.0, 2), WeekScore("2026-W48", 2.5, 2)])
    assert "↓ −1.5" in ui.score_line(down)
    flat = ProjectScores(1, "Apollo", [WeekScore("2026-W47", 4.0, 2), WeekScore("2026-W48", 4.0, 2)])
    assert "→ ±0.0" in ui.score_line(flat)
    assert ui.score_line(ProjectScores(1, "Apollo", [])) == "*Apollo* no scores yet"


def test_a_project_summary_links_its_own_lists() -> None:
    s = huge()
    s.week = None
    s.project = Project(id=7, team_id="T", name="Apollo", name_key="apollo", created_by="U", channel_id="CAPOLLO")
    msg = whole(ui.summary(s))
    t = all_text(msg)
    assert "Summary — Apollo · Mon 30 Nov 2026" in t
    assert '/risk list project="Apollo"' in t and "Messages that could not be delivered" not in t
    button = next(b for b in msg["blocks"] if b["type"] == "actions")["elements"][0]
    assert json.loads(button["value"]) == {"p": 7}


def test_a_summary_asked_for_is_cut_to_the_answers_a_response_url_takes(monkeypatch: pytest.MonkeyPatch) -> None:
    s = huge()
    s.week = None
    assert ui.MAX_RESPONSES == MAX_RESPONSES == 5 and 1 < len(ui.summary(s)) <= MAX_RESPONSES
    assert render(s) == ui.summary(s)
    monkeypatch.setattr(ui, "MAX_RESPONSES", 2)  # a summary longer than the response_url takes
    msgs = render(s)
    assert len(msgs) == 2 and msgs == ui.summary(s, max_messages=2)
    assert "the rest did not fit here" in all_text(msgs[-1])
    s.week = "2026-W49"  # the weekly DM is not cut
    assert len(render(s)) == len(ui.summary(s)) > 2


def test_health_fields() -> None:
    scores = ProjectScores(1, "Apollo", [WeekScore("2026-W48", 4.2, 3)], not_answered=["U1"])
    stake, standup = ui.health_fields(scores, [StandupRate(1, "CAPOLLO", 10, 12)], "CAPOLLO")
    assert stake == "*Stakeholder score*\n*4.2*/5 · not answered: <@U1>"
    assert standup == "*Stand-up participation*\n100% (10 of 10 prompts, last 7 days)"  # late answers capped
    stake, standup = ui.health_fields(None, [StandupRate(1, "CAPOLLO", 0, 0)], "CAPOLLO")
    assert "no check-in answers" in stake and "no prompts sent" in standup
    assert "no channel set" in ui.health_fields(None, [], None)[1]
    many = ProjectScores(1, "A", [WeekScore(f"2026-W{w:02d}", 3.0, 1) for w in range(1, 53)],
                         not_answered=[f"U{k}" for k in range(500)])
    assert all(len(f) <= 2000 for f in ui.health_fields(many, [], "C1"))
    assert ui.health(ProjectHealth(scores, [], "CAPOLLO")) == ui.health_fields(scores, [], "CAPOLLO")
