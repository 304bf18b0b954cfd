"""The scope creep figure and the targets-beside-satisfaction rule: pure functions, the same words
on every front end ("40 d baseline, +6 d approved (+15%)", "no scope baseline", "on target, client
satisfaction falling")."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

NO_BASELINE = "no scope baseline"
SATISFACTION_FLAG = "on target, client satisfaction falling"
UNHAPPY_AT = 3.0  # a latest average at or below this is an unhappy client


def days(value: float) -> str:
    """Person-days as people write them: 40, 2.5 (never 40.0)."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:g}"


def signed(value: float) -> str:
    return ("+" if value >= 0 else "-") + days(abs(value))


def creep_percent(baseline_days: float, approved_days: float) -> int | None:
    """The approved days as a percentage of the baseline, rounded half up (12.5 -> 13); None for a
    zero-day baseline, where no percentage means anything."""
    if baseline_days <= 0:
        return None
    exact = Decimal(str(approved_days)) * 100 / Decimal(str(baseline_days))
    return int(exact.copy_abs().quantize(Decimal(1), rounding=ROUND_HALF_UP)) * (1 if exact >= 0 else -1)


def creep(baseline_days: float | None, approved_days: float) -> str:
    """"40 d baseline, +6 d approved (+15%)"; without an estimate, only the approved days."""
    if baseline_days is None:
        return f"baseline without an estimate, {signed(approved_days)} d approved"
    text = f"{days(baseline_days)} d baseline, {signed(approved_days)} d approved"
    pct = creep_percent(baseline_days, approved_days)
    return text if pct is None else f"{text} ({'+' if pct >= 0 else '-'}{abs(pct)}%)"


def on_target(target: float | None, booked: float | None) -> bool:
    """Booked has reached the target (a project without a target is never on target)."""
    return target is not None and target > 0 and booked is not None and booked >= target


def unhappy(weekly_averages: Sequence[float]) -> bool:
    """The clients are unhappy: the latest weekly average is 3 or less, or it fell two weeks in a row
    (three weeks, each lower than the one before)."""
    if not weekly_averages:
        return False
    w = list(weekly_averages)
    return w[-1] <= UNHAPPY_AT or (len(w) >= 3 and w[-3] > w[-2] > w[-1])


def satisfaction_flag(target: float | None, booked: float | None, weekly_averages: Sequence[float]) -> bool:
    """The rule behind "on target, client satisfaction falling": selling well while the clients are
    unhappy, the balance the sales-only focus loses."""
    return on_target(target, booked) and unhappy(weekly_averages)


def target_text(target: float | None, booked: float | None) -> str | None:
    """"booked 120,000 of 100,000 target (120%)"; None when neither is known."""
    if target is None and booked is None:
        return None
    b = f"{booked:,.0f}" if booked is not None else "nothing"
    if target is None:
        return f"booked {b}, no target set"
    pct = f" ({round((booked or 0) * 100 / target)}%)" if target > 0 else ""
    return f"booked {b} of {target:,.0f} target{pct}"


def trend(change: float | None) -> str:
    """The week-on-week change of the satisfaction average, as it follows the average (" ↑ +0.5")."""
    if change is None:
        return ""
    if change > 0:
        return f" ↑ +{change:.1f}"
    if change < 0:
        return f" ↓ −{-change:.1f}"
    return " → ±0.0"
