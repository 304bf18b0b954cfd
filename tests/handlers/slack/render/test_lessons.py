"""Block Kit of lessons, closed projects and similar risks: limits on long lists, escaping, buttons."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from bot.lessons.views import EarlierLessons, LessonList, LessonPrompt
from bot.projects.closing import AlreadyClosed, ProjectClosed
from bot.risks.views import RiskAdded
from handlers.slack.render.catalog import render
from handlers.slack.render.lessons import modal
from storage.models import Project, Risk
from storage.models_lessons import Lesson, ProjectClosing
from tests.handlers.slack.e2e import check_limits
from tests.slack_requests import all_text

NOW = datetime(2030, 1, 2, 3, 4, tzinfo=UTC)
LONG = "<!channel> & <b>markup</b> " * 300


def lesson(n: int, text: str = "Sign scope off") -> Lesson:
    return Lesson(id=n, team_id="T", number=n, text=text, tags=",scope,", search=text.lower(), project_id=1,
                  created_by="UMEMBER", created_at=NOW)


def project() -> Project:
    return Project(id=1, team_id="T", name="Apollo <b>", name_key="apollo <b>", client="Acme", created_by="UMGR")


def risk(n: int, title: str) -> Risk:
    return Risk(id=n, team_id="T", number=n, title=title, probability=3, impact=3, score=9, created_by="U")


def test_a_page_of_long_lessons_keeps_within_block_kit_limits_and_escapes() -> None:
    (message,) = render(LessonList([lesson(n, LONG) for n in range(10, 0, -1)], {1: "Apollo"}, 95, 2, 10,
                                   project(), "scope", "vendor delay"))
    check_limits(message)
    text = json.dumps(message)
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    actions = [e["action_id"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert actions == ["lesson_page_prev", "lesson_page_next"]
    state = json.loads(message["blocks"][-1]["elements"][1]["value"])
    assert state == {"p": 1, "t": "scope", "q": "vendor delay", "page": 3}


def test_earlier_lessons_and_the_prompt_button() -> None:
    (earlier,) = render(EarlierLessons("Acme", [lesson(1, LONG)] * 3, {1: "Apollo"}))
    check_limits(earlier)
    assert "Before you commit" in all_text(earlier)
    (prompt,) = render(LessonPrompt(7, "Apollo", "lost", "UMGR"))
    check_limits(prompt)
    (button,) = [e for b in prompt["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert button["action_id"] == "lesson_open" and json.loads(button["value"]) == {"p": 7}
    assert "(lost)" in all_text(prompt) and "<@UMGR>" in all_text(prompt)


def test_closed_and_already_closed_escape_the_name() -> None:
    closing = ProjectClosing(project_id=1, team_id="T", outcome="won", note=LONG, closed_by="UMGR", closed_at=NOW)
    (closed,) = render(ProjectClosed(project(), closing, ("UA", "UB")))
    check_limits(closed)
    assert "Apollo &lt;b&gt;" in all_text(closed) and "2 people" in all_text(closed)
    (again,) = render(AlreadyClosed(project(), closing))
    assert "Apollo &lt;b&gt;" in all_text(again) and "already closed (won), since 2030-01-02" in all_text(again)


def test_similar_risks_each_get_a_duplicate_button_with_distinct_ids() -> None:
    (message,) = render(RiskAdded(risk(4, "Vendor API slipping"), None, (),
                                  (risk(1, "Vendor API may slip"), risk(2, LONG))))
    check_limits(message)
    buttons = [b["accessory"] for b in message["blocks"] if b.get("accessory")]
    assert [b["action_id"] for b in buttons] == ["risk_duplicate_1", "risk_duplicate_2"]
    assert [json.loads(b["value"]) for b in buttons] == [{"n": 4, "of": 1}, {"n": 4, "of": 2}]


def test_the_modal_chooses_the_project_and_falls_back_to_a_name_past_100() -> None:
    view = modal([(1, "Apollo"), (2, "Hermes")], {"channel": "C1"}, {"project_id": 2})
    chosen = next(b for b in view["blocks"] if b["block_id"] == "project")["element"]["initial_option"]
    assert chosen["value"] == "2" and view["callback_id"] == "lesson_modal"
    many = modal([(n, f"P{n}") for n in range(150)], {})
    assert next(b for b in many["blocks"] if b["block_id"] == "project")["element"]["type"] == "plain_text_input"
