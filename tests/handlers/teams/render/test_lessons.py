"""Teams cards of lessons, closing a project and similar risks: buttons, the form, and long lists."""

from __future__ import annotations

import re

from bot.lessons.views import EarlierLessons, LessonList, LessonPrompt
from bot.projects.views import Health, ProjectCard, ProjectList
from bot.risks.views import RiskAdded
from handlers.teams import ids
from handlers.teams.render.catalog import render
from handlers.teams.render.lessons import lesson_form
from tests.handlers.teams.render.samples import (
    LONG,
    actions,
    check,
    closing,
    content,
    inputs,
    lesson,
    markdown_strings,
    project,
    risk,
    shown,
)


def test_a_new_risk_much_like_open_ones_offers_a_duplicate_button_for_each() -> None:
    view = RiskAdded(risk(3, "Vendor API slipping"), project(), (), (risk(1, "Vendor API may slip"), risk(2)))
    card = content(render(view))
    buttons = [a for a in actions(card) if a["verb"] == ids.RISK_DUPLICATE]
    assert [b["data"] for b in buttons] == [{ids.D_NUMBER: 3, ids.D_OF: 1}, {ids.D_NUMBER: 3, ids.D_OF: 2}]
    assert "Close R-3 as duplicate of R-1" in buttons[0]["title"]
    assert "Vendor API may slip" in shown(render(view))


def test_a_new_risk_like_no_other_has_no_duplicate_button() -> None:
    assert not [a for a in actions(content(render(RiskAdded(risk(1), project())))) if a["verb"] == ids.RISK_DUPLICATE]


def test_the_lesson_prompt_button_opens_the_form_for_the_project() -> None:
    (button,) = actions(content(render(LessonPrompt(7, "Apollo", None, "aad-mgr"))))
    assert button["verb"] == ids.LESSON_OPEN and button["data"] == {ids.D_PROJECT: 7}


def test_the_lesson_form_holds_text_project_and_tags_with_the_project_chosen() -> None:
    card = content(lesson_form([(1, "Apollo"), (7, "Hermes")], {"project_id": 7}))
    found = inputs(card)
    assert found[ids.I_TEXT]["isRequired"] is True
    assert found[ids.I_PROJECT]["value"] == "7"
    assert ids.I_TAGS in found
    assert [a["verb"] for a in actions(card)] == [ids.LESSON_SUBMIT]


def test_a_page_of_long_lessons_stays_under_the_limit_and_pages_on() -> None:
    rows = [lesson(n, LONG) for n in range(1, 11)]
    view = LessonList(rows, {1: "Apollo"}, 95, 2, 10, project(), "scope", "vendor")
    card = content(render(view))
    verbs = [(a["verb"], a["data"]) for a in actions(card)]
    assert (ids.LESSON_PAGE, {ids.D_PROJECT: 1, ids.D_TAG: "scope", ids.D_QUERY: "vendor", "page": 1}) in verbs
    assert (ids.LESSON_PAGE, {ids.D_PROJECT: 1, ids.D_TAG: "scope", ids.D_QUERY: "vendor", "page": 3}) in verbs


def test_what_people_wrote_is_escaped() -> None:
    activities = check(render(EarlierLessons("<b>Acme</b>", [lesson(1, "[pay](http://evil.example)")], {})))
    assert "[pay](http://evil.example)" in shown(activities)  # shown as typed…
    assert not any(re.search(r"(?<!\\)\]\(", md) for md in markdown_strings(activities))  # …never as a link


def test_project_list_and_card_say_a_project_is_closed() -> None:
    listed = shown(render(ProjectList([project(), project("Hermes", id=2)], {1: closing()})))
    assert "closed (won) 2030-01-02" in listed
    assert listed.count("closed") == 1
    card = shown(render(ProjectCard(project(), Health(), closing(note="Lost to price"))))
    assert "closed (won)" in card and "Lost to price" in card
