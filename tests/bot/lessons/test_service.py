"""Lessons learned: logging, finding by words, tag and project, and the earlier lessons a new project
for a known client shows; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from bot.errors import NotFound
from bot.lessons import service as lessons
from bot.lessons.grammar import AddLesson, ListLessons
from bot.lessons.views import EarlierLessons, LessonAdded, LessonList
from bot.people import Actor
from bot.projects import service as projects
from bot.projects.lookup import UnknownProject
from bot.projects.views import Created
from bot.summaries import service as summaries
from storage import clock
from storage.models_lessons import Lesson
from tests.bot.people import MANAGER, MEMBER, TEAM
from tests.bot.units import Db

ELSEWHERE = Actor("T2", "UELSE", is_manager=True)


def log(db: Db, text: str, actor: Actor = MEMBER, **kw: object) -> LessonAdded:
    outcome = db.run(lessons.perform, request=AddLesson(text=text, **kw), actor=actor)  # type: ignore[arg-type]
    assert isinstance(outcome.reply, LessonAdded)
    return outcome.reply


def found(db: Db, actor: Actor = MEMBER, **kw: object) -> LessonList:
    outcome = db.run(lessons.perform, request=ListLessons(**kw), actor=actor, write=False)  # type: ignore[arg-type]
    assert isinstance(outcome.reply, LessonList)
    return outcome.reply


def numbers(view: LessonList) -> list[int]:
    return [r.number for r in view.rows]


def count(db: Db) -> int:
    with db.session() as s:
        return len(s.exec(select(Lesson)).all())


def test_lessons_are_numbered_per_workspace_and_keep_who_when_project_and_tags(db: Db) -> None:
    db.run(projects.create, actor=MANAGER, name="Apollo")
    first = log(db, "Sign scope off in writing", project_name="apollo", tags=("scope", "Vendor"))
    assert (first.lesson.number, first.project and first.project.name) == (1, "Apollo")
    assert first.lesson.created_by == MEMBER.user_id and first.lesson.tags == ",scope,vendor,"
    assert abs(first.lesson.created_at - clock.now()) < timedelta(minutes=1)
    assert log(db, "Second").lesson.number == 2
    assert log(db, "Elsewhere", actor=ELSEWHERE).lesson.number == 1  # another workspace counts on its own


def test_requests_are_for_the_team_not_guests() -> None:
    assert AddLesson.guests is False and ListLessons.guests is False
    assert ListLessons.write is False and AddLesson.write is True


def test_an_unknown_project_is_refused_and_nothing_written(db: Db) -> None:
    db.run(projects.create, actor=MANAGER, name="Apollo")
    with pytest.raises(UnknownProject) as e:
        log(db, "Lesson", project_name="Apolo")
    assert e.value.close == ["Apollo"]
    with pytest.raises(NotFound):
        log(db, "Lesson", project_id=999)
    assert count(db) == 0


def test_search_matches_every_word_in_any_case_newest_first(db: Db) -> None:
    log(db, "The VENDOR delay cost us a week")
    log(db, "Vendor contracts need a penalty clause", tags=("legal",))
    log(db, "Delay the kick-off until the scope is signed")
    assert numbers(found(db, words=("vendor",))) == [2, 1]
    assert numbers(found(db, words=("vendor", "delay"))) == [1]
    assert numbers(found(db, words=("delay",))) == [3, 1]
    assert numbers(found(db, words=("legal",))) == [2]  # tags are searched too
    assert numbers(found(db, words=("nothing",))) == []
    assert numbers(found(db)) == [3, 2, 1]


def test_like_wildcards_in_the_words_match_themselves(db: Db) -> None:
    log(db, "Half the budget went on travel")
    log(db, "100% of the change requests were late")
    assert numbers(found(db, words=("%",))) == [2]
    assert numbers(found(db, words=("_",))) == []


def test_by_tag_and_project(db: Db) -> None:
    db.run(projects.create, actor=MANAGER, name="Apollo")
    db.run(projects.create, actor=MANAGER, name="Hermes")
    log(db, "One", project_name="Apollo", tags=("api",))
    log(db, "Two", project_name="Hermes", tags=("api-design",))
    log(db, "Three", project_name="Apollo", tags=("scope", "api"))
    assert numbers(found(db, tag="api")) == [3, 1]  # whole tags only: api-design is another
    assert numbers(found(db, project_name="Apollo")) == [3, 1]
    view = found(db, project_name="hermes", tag="api-design")
    assert numbers(view) == [2] and view.project is not None and view.project_names == {view.project.id: "Hermes"}


def test_pages_of_ten_and_a_page_past_the_end_shows_the_last(db: Db) -> None:
    for n in range(23):
        log(db, f"Lesson {n}")
    first = found(db)
    assert (len(first.rows), first.total, first.pages, numbers(first)[0]) == (10, 23, 3, 23)
    last = found(db, page=9)
    assert (last.page, numbers(last)) == (3, [3, 2, 1])


def test_workspaces_see_only_their_own_lessons(db: Db) -> None:
    log(db, "Vendor delay")
    log(db, "Vendor delay", actor=ELSEWHERE)
    assert found(db).total == 1 and found(db, ELSEWHERE).total == 1
    assert found(db, ELSEWHERE).rows[0].team_id == "T2"


def test_a_new_project_for_a_known_client_shows_its_earlier_lessons(db: Db) -> None:
    db.run(projects.create, actor=MANAGER, name="Apollo", client="Acme")
    db.run(projects.create, actor=MANAGER, name="Zeus", client="Other")
    for n in range(4):
        log(db, f"Acme lesson {n}", project_name="Apollo")
    log(db, "Zeus lesson", project_name="Zeus")
    outcome = db.run(projects.create, actor=MANAGER, name="Hermes", client="ACME")
    assert isinstance(outcome.reply, Created)
    earlier, _baseline_hint = outcome.more
    assert isinstance(earlier, EarlierLessons) and earlier.client == "ACME"
    assert [r.text for r in earlier.rows] == ["Acme lesson 3", "Acme lesson 2", "Acme lesson 1"]  # newest three
    assert set(earlier.project_names.values()) == {"Apollo"}


def test_lessons_tagged_with_the_client_fill_up_to_three(db: Db) -> None:
    db.run(projects.create, actor=MANAGER, name="Apollo", client="Big Bank")
    log(db, "From Apollo", project_name="Apollo")
    log(db, "Tagged", tags=("big-bank",))
    log(db, "Untagged")
    outcome = db.run(projects.create, actor=MANAGER, name="Hermes", client="Big Bank")
    earlier, _baseline_hint = outcome.more
    assert [r.text for r in earlier.rows] == ["From Apollo", "Tagged"]


def test_no_earlier_lessons_no_extra_answer(db: Db) -> None:
    db.run(projects.create, actor=MANAGER, name="Apollo", client="Acme")
    log(db, "Elsewhere's Acme lesson", actor=ELSEWHERE, tags=("acme",))  # another workspace's
    # only the reminder to set a scope baseline follows
    assert len(db.run(projects.create, actor=MANAGER, name="Hermes", client="Acme").more) == 1
    assert len(db.run(projects.create, actor=MANAGER, name="Zeus").more) == 1


def test_the_summary_counts_the_lessons_of_its_week(db: Db) -> None:
    db.run(projects.create, actor=MANAGER, name="Apollo")
    log(db, "Old")
    with db.session() as s:
        old = s.exec(select(Lesson)).one()
        old.created_at = clock.now() - timedelta(days=8)
        s.add(old)
        s.commit()
    log(db, "New", project_name="Apollo")
    log(db, "Newer")
    log(db, "Not ours", actor=ELSEWHERE)
    s_all = db.run(summaries.collect, team_id=TEAM, today=clock.today(), write=False)
    assert s_all.lessons_total == 2
    with db.session() as s:
        apollo = projects.resolve(session=s, team_id=TEAM, name="Apollo")
    s_one = db.run(summaries.collect, team_id=TEAM, today=clock.today(), project=apollo, write=False)
    assert s_one.lessons_total == 1
