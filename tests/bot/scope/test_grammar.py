"""`/scope` text -> typed requests; bad input -> usage."""

from __future__ import annotations

import pytest

from bot.errors import UsageError
from bot.requests import Help
from bot.scope.grammar import (
    BaselineForm,
    ChangeForm,
    DecideChange,
    RequestChange,
    SetBaseline,
    ShowScope,
    parse,
)


def test_show_and_help() -> None:
    assert parse("Apollo Moon") == ShowScope("Apollo Moon")
    assert parse("show Apollo") == ShowScope("Apollo")
    assert isinstance(parse(""), Help) and isinstance(parse("help"), Help)
    for sub in ("/scope NAME", "/scope set", "/scope change", "/scope approve", "/scope reject"):
        assert sub in parse("help").text  # type: ignore[union-attr]


def test_set() -> None:
    r = parse('set project="Apollo Moon" days=40 in=“reports, exports” out="mobile" assumptions="data by May"')
    assert r == SetBaseline(project_name="Apollo Moon", days=40.0, in_scope="reports, exports", out_scope="mobile",
                            assumptions="data by May")
    assert parse("set project=Apollo days=2.5") == SetBaseline(project_name="Apollo", days=2.5)
    assert parse("set project=Apollo") == BaselineForm({"project_name": "Apollo"})


def test_change() -> None:
    assert parse("change project=Apollo Add SSO login days=6 cost=5k") == RequestChange(
        title="Add SSO login", project_name="Apollo", days=6.0, cost=5000.0)
    assert parse("change project=Apollo Drop export days=-2").days == -2.0  # type: ignore[union-attr]
    assert parse("change") == ChangeForm()


def test_decide() -> None:
    assert parse("approve C-3") == DecideChange(3, approve=True)
    assert parse("reject c4 not now, next phase") == DecideChange(4, approve=False, note="not now, next phase")


@pytest.mark.parametrize(("text", "says"), [
    ("set days=4", "Which project?"),
    ("set project=Apollo days=lots", "person-days"),
    ("set project=Apollo days=-4", "person-days"),
    ("set project=Apollo days=4 stray words", "options only"),
    ("set project=Apollo colour=red", "don't know the option"),
    ("change project=Apollo", "needs a title"),
    ("change Add SSO days=3", "Which project?"),
    ("change project=Apollo Add SSO days=many", "person-days"),
    ("change project=Apollo Add SSO cost=lots", "amount"),
    ("change project=Apollo Add SSO title=Again", "title once"),
    ("change project=Apollo " + "x" * 201, "at most 200"),
    ("approve", "Which change request?"),
    ("approve R-3", "not an id like C-12"),
    ("reject banana", "not an id like C-12"),
])
def test_bad_input_says_what_and_shows_usage(text: str, says: str) -> None:
    with pytest.raises(UsageError) as e:
        parse(text)
    assert says in str(e.value)
    assert "Usage of /scope" in (e.value.usage or "")
