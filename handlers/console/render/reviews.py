"""A risk review reminder and its answers as text."""

from __future__ import annotations

from bot.reviews.views import Reminder, Reviewed, UpdateForm
from handlers.console.render import Choice, choices, render, risk_id
from handlers.console.render.risks import line


@render.register
def _reminder(view: Reminder) -> list[str]:
    return [f"Time to review {risk_id(view.risk.number)}:", f"  {line(view.risk, view.project_name)}"]


@choices.register
def _reminder_choices(view: Reminder) -> list[Choice]:
    n = {"n": view.risk.number}
    return [Choice("Still valid", "review.still_valid", n), Choice("Update…", "review.update", n),
            Choice("Close it", "review.close", n)]


@render.register
def _reviewed(view: Reviewed) -> list[str]:
    nxt = f" Next review {view.risk.review_date.isoformat()}." if view.risk.review_date else ""
    return [f"{risk_id(view.risk.number)} reviewed: still valid.{nxt}"]


@render.register
def _form(view: UpdateForm) -> list[str]:
    return [f"Update {risk_id(view.risk.number)} (next review proposed {view.next_review.isoformat()})"]
