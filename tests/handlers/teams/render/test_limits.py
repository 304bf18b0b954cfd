"""What people wrote cannot become markup, links or mentions in Teams; every card stays under 28 KB."""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import pytest

from bot.checkins.views import Answer, CheckinStats, LowAnswer, Poll, Schedule, Sent
from bot.feedback.views import FeedbackPage, Recorded
from bot.projects.lookup import UnknownProject
from bot.projects.views import ProjectList
from bot.reviews.views import Reminder, UpdateForm
from bot.risks.views import RiskAdded, RiskDetail, RiskList
from bot.standups.views import AnswerPost, DayStatus, Digest, PromptsSent, TodayReport
from bot.summaries.views import ProjectScores, Summary, WeekScore
from handlers.teams.render.catalog import render
from handlers.teams.render.checkins import comment_form
from handlers.teams.render.feedback import feedback_form
from handlers.teams.render.risks import risk_form
from storage.models_rhythm import Delivery, JobRun
from storage.repositories.summaries import StandupRate
from tests.handlers.teams.render.samples import (
    LONG,
    NOW,
    answer,
    check,
    content,
    event,
    inputs,
    item,
    markdown_strings,
    project,
    risk,
    shown,
    standup,
)

HOSTILE = ["[pay](http://evil.example)", "**x**", "<at>Boss</at>"]
# A mark a markdown reader acts on: an unescaped `[` or `<`, or `**` or `_` not preceded by a backslash.
LIVE = re.compile(r"(?<!\\)\[|(?<![\\*])\*\*x|(?<!\\)<at|<at>")


def hostile_views(typed: str) -> list[Any]:
    p = project(typed)
    r = risk(1, typed, description=typed, mitigation=typed)
    status = DayStatus([answer(1, yesterday=typed, today=typed, blockers=typed)], [], [], [])
    return [
        RiskAdded(r, p), RiskList([r], {1: typed}, 1, 1, 1, p, False),
        RiskDetail(r, p, [event(changes={"title": ["old", typed]}, note=typed)]),
        Recorded(item(1, typed), p, False), FeedbackPage([item(1, typed, action_text=typed, acted_at=NOW)],
                                                         {1: typed}, 1, 1, 1, p),
        ProjectList([p]), UnknownProject(typed, [typed]),
        Poll(typed, 1, Answer(2, "at_risk", typed)), LowAnswer(typed, 1, "aad-1", Answer(1, None, typed)),
        Reminder(r, typed), AnswerPost(status.answers[0]), Digest(standup(), date(2030, 1, 2), status),
        TodayReport(standup(), status),
    ]


@pytest.mark.parametrize("typed", HOSTILE)
def test_what_people_wrote_shows_as_literal_text(typed: str) -> None:
    for view in hostile_views(typed):
        activities = check(render(view))
        for s in markdown_strings(activities):
            assert not LIVE.search(s), (type(view).__name__, s)
        assert typed in shown(activities), type(view).__name__


def test_form_values_keep_what_was_typed_and_titles_are_not_markup() -> None:
    card = content(risk_form([(1, "[pay](http://evil.example)")], {"title": "**x**", "project_id": 1}))
    fields = inputs(card)
    assert fields["title"]["value"] == "**x**"
    assert fields["project_id"]["choices"] == [{"title": "[pay](http://evil.example)", "value": "1"}]
    assert fields["project_id"]["value"] == "1"
    assert card["actions"][0]["type"] == "Action.Execute"


# ---- sizes ----------------------------------------------------------------------------------------

def _size(activities: list[dict[str, Any]]) -> int:
    return max(len(json.dumps(a)) for a in activities)


def huge_views() -> list[Any]:
    rows = [risk(n, LONG[:200], description=LONG, owner_id=f"aad-{n:040d}") for n in range(1, 201)]
    names = {n: f"Project {n} " + "x" * 70 for n in range(1, 201)}
    feedback = [item(n, LONG, action_text=LONG, acted_at=NOW, acted_by="aad-mgr", project_id=n) for n in range(1, 201)]
    answers = [answer(n, yesterday=LONG[:2000], today=LONG[:2000], blockers=LONG[:2000]) for n in range(1, 201)]
    people = [f"aad-{n:040d}" for n in range(200)]
    status = DayStatus(answers, people, people, people)
    scores = [ProjectScores(n, names[n], [WeekScore(f"2030-W{w:02d}", 3.1, 10) for w in range(1, 9)], answered=5,
                            off_track=2, at_risk=3, not_answered=people[:30]) for n in range(1, 201)]
    return [
        RiskList(rows, names, 200, 1, 10, None, True),
        RiskDetail(rows[0], project(), [event(changes={"title": [LONG[:200], LONG[:200]]}, note=LONG)
                                        for _ in range(200)]),
        FeedbackPage(feedback, names, 200, 1, 10, None),
        ProjectList([project(names[n], id=n, client=LONG[:200]) for n in range(1, 201)]),
        CheckinStats("Apollo", Schedule(0, "09:00", "UTC", 24), "UTC", people, average=3.0, answered=1, asked=200,
                     trend=[(f"2030-W{w:02d}", 3.0, 4) for w in range(1, 9)],
                     comments=[(p, NOW, LONG) for p in people], not_answered=people, unreachable=people,
                     latest_at=NOW),
        Sent("Apollo", sent=1, failed=200, errors={p: LONG[:200] for p in people}),
        PromptsSent(standup(), 1, 0, people, {p: LONG[:200] for p in people}),
        Digest(standup(), date(2030, 1, 2), status), TodayReport(standup(), status),
        Summary(team_id="tenant", today=NOW.date(), since=NOW, now=NOW, week="2030-W01",
                top_risks=rows[:10], open_total=40_000, new_risks=rows[:50], new_total=900, overdue=rows,
                overdue_total=30_000, sentiment={"negative": 70_000}, waiting=feedback, waiting_total=200_000,
                scores=scores, standups=[StandupRate(n, f"19:{n:030d}@thread.tacv2", 40, 31) for n in range(200)],
                failures=[Delivery(team_id="tenant", what=f"checkin:{n}", recipient=p, occurrence="o",
                                   status="failed", error="x" * 200) for n, p in enumerate(people)],
                failures_total=12_000,
                missed=[JobRun(team_id="tenant", job_key=f"standup:{n}:America/Argentina/Buenos_Aires",
                               occurrence="2030-01-01") for n in range(200)], missed_total=300,
                project_names=names),
        UpdateForm(risk(1, LONG[:200], mitigation=LONG), date(2030, 2, 1)),
    ]


@pytest.mark.parametrize("view", huge_views(), ids=lambda v: type(v).__name__)
def test_every_card_stays_under_28_kb_with_200_long_rows(view: Any) -> None:
    activities = check(render(view))
    assert _size(activities) <= 28 * 1024
    assert "did not fit" not in shown(activities)  # each part cut its own rows; no last-resort trimming
    assert "more" in shown(activities) or type(view).__name__ in ("RiskDetail", "UpdateForm") or len(activities) > 1


def test_forms_stay_under_28_kb_with_many_long_projects() -> None:
    projects = [(n, f"Project {n} " + "x" * 70) for n in range(1, 101)]
    prefill = {"title": LONG[:200], "description": LONG[:3000], "mitigation": LONG[:3000], "project_id": 3}
    for activities in (risk_form(projects, prefill), feedback_form(projects), comment_form(1, LONG, LONG[:3000])):
        check(activities)
    many = [(n, f"P{n}") for n in range(1, 300)]
    fields = inputs(content(risk_form(many)))
    assert "project_name" in fields and "project_id" not in fields  # too many for a choice set: type the name
