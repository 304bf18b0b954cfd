"""The scope creep figure and the targets-beside-satisfaction rule."""

from __future__ import annotations

import pytest

from bot.scope import figures


def test_creep_as_the_spec_writes_it() -> None:
    assert figures.creep(40, 6) == "40 d baseline, +6 d approved (+15%)"


@pytest.mark.parametrize(("base", "approved", "text"), [
    (40, 0, "40 d baseline, +0 d approved (+0%)"),
    (40, 5, "40 d baseline, +5 d approved (+13%)"),  # 12.5% rounds half up
    (30, 1, "30 d baseline, +1 d approved (+3%)"),  # 3.33%
    (40, -3, "40 d baseline, -3 d approved (-8%)"),  # -7.5%: away from zero
    (2.5, 0.5, "2.5 d baseline, +0.5 d approved (+20%)"),
    (0, 4, "0 d baseline, +4 d approved"),  # zero-day baseline: no percentage
    (None, 4, "baseline without an estimate, +4 d approved"),
    (3, 3, "3 d baseline, +3 d approved (+100%)"),
])
def test_creep_rounding_and_edges(base: float | None, approved: float, text: str) -> None:
    assert figures.creep(base, approved) == text


def test_percent() -> None:
    assert figures.creep_percent(40, 6) == 15
    assert figures.creep_percent(0, 6) is None
    assert figures.creep_percent(8, 1) == 13


@pytest.mark.parametrize(("target", "booked", "weeks", "flag"), [
    (100, 120, [4.5, 4.0, 3.5], True),  # on target, falling two weeks in a row
    (100, 100, [2.8], True),  # on target exactly, latest at 3 or below
    (100, 100, [3.0], True),
    (100, 99, [2.0], False),  # not on target
    (100, 150, [4.0, 4.5, 4.2], False),  # fell one week only, still happy
    (100, 150, [4.5, 4.0], False),  # two weeks are one fall
    (100, 150, [4.0, 4.0, 3.9], False),  # level then one fall
    (100, 150, [], False),  # no scores: nothing to say
    (None, 150, [2.0], False),  # no target
    (0, 150, [2.0], False),  # a zero target is no target
    (100, None, [2.0], False),
])
def test_satisfaction_flag(target: float | None, booked: float | None, weeks: list[float], flag: bool) -> None:
    assert figures.satisfaction_flag(target, booked, weeks) is flag


def test_target_text() -> None:
    assert figures.target_text(100_000, 120_000) == "booked 120,000 of 100,000 target (120%)"
    assert figures.target_text(None, 5) == "booked 5, no target set"
    assert figures.target_text(10, None) == "booked nothing of 10 target (0%)"
    assert figures.target_text(None, None) is None
