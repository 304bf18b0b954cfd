"""`/lesson` text -> requests; bad input is refused with the usage, before anything is written."""

from __future__ import annotations

import pytest

from bot.errors import UsageError
from bot.lessons.grammar import AddLesson, ListLessons, parse
from bot.lessons.views import USAGE
from bot.projects.grammar import CloseProject
from bot.projects.grammar import parse as parse_project
from bot.requests import Help, Modal


def test_nothing_opens_the_form_and_help_shows_every_sub_command() -> None:
    assert parse("") == Modal() and parse("   ") == Modal()
    shown = parse("help")
    assert isinstance(shown, Help) and shown.text == USAGE
    for part in ("/lesson TEXT", "project=NAME", "tags=a,b", "/lesson list", "tag=T", "q=WORDS", "page=N"):
        assert part in USAGE


def test_a_lesson_with_project_and_tags() -> None:
    assert parse('Sign scope off in writing project="Apollo 2" tags=Scope,#vendor,scope') == AddLesson(
        text="Sign scope off in writing", project_name="Apollo 2", tags=("scope", "vendor"))


def test_add_before_the_text_is_dropped_as_with_risks() -> None:
    assert parse("add Call the client early") == AddLesson(text="Call the client early")


def test_list_with_every_filter() -> None:
    assert parse('list project=Apollo tag=API q="Vendor  delay" page=2') == ListLessons(
        project_name="Apollo", tag="api", words=("vendor", "delay"), page=2)
    assert parse("list") == ListLessons()


@pytest.mark.parametrize("text,why", [
    ("project=Apollo", "What did the team learn"),
    ("Learned it tags=no!good", "is not a tag"),
    ("Learned it project=", "needs a project name"),
    ("Learned it owner=@x", "I don't know the option"),
    ("list vendor", "takes only"),
    ("list tag=a,b", "takes one tag"),
    ('list q=""', "needs words"),
    ("list page=0", "page"),
    ("x" * 3001, "at most 3000"),
    ("Learned tags=" + ",".join(f"t{n}" for n in range(11)), "At most 10 tags"),
])
def test_bad_input_is_refused_with_the_usage(text: str, why: str) -> None:
    with pytest.raises(UsageError) as e:
        parse(text)
    assert why in str(e.value) and e.value.usage == USAGE


def test_project_close_takes_the_name_the_outcome_and_a_note() -> None:
    assert parse_project("close Apollo won Signed for two years") == CloseProject(
        name_words=("Apollo",), outcome="won", note="Signed for two years")
    assert parse_project('close "Apollo Two" LOST') == CloseProject(name_words=("Apollo Two",), outcome="lost")
    assert parse_project("close Apollo Two lost price") == CloseProject(
        name_words=("Apollo", "Two"), outcome="lost", note="price")
    # no outcome: the longest run of words that names a project is its name (decided by the service)
    assert parse_project("close Apollo Two too late") == CloseProject(
        name_words=("Apollo", "Two", "too", "late"), exact=False)


def test_project_close_needs_a_name() -> None:
    with pytest.raises(UsageError, match="Which project"):
        parse_project("close")


def test_project_usage_lists_close() -> None:
    shown = parse_project("help")
    assert isinstance(shown, Help) and "/project close NAME [won|lost] [NOTE]" in shown.text
