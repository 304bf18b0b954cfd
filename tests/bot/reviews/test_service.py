"""Answers to a review reminder as the core carries them out: each request of the reminder's
buttons and form, who may make them, and the views the reminder and its answers are."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from typing import Any

import pytest
import time_machine
from sqlmodel import col, select

from bot.errors import Refused, UsageError
from bot.reviews import service as reviews
from bot.reviews.service import CloseAtReview, OpenUpdate, StillValid, UpdateAtReview
from bot.reviews.views import Reminder, Reviewed, UpdateForm
from bot.risks.service import RiskInput
from handlers.slack.render.catalog import render
from storage.models import Risk, RiskEvent
from tests import summary_seed as seed
from tests.bot.people import MANAGER, MEMBER, OTHER, OWNER, TEAM
from tests.bot.units import Db
from tests.slack_requests import all_text

TODAY = date(2026, 12, 1)


@pytest.fixture
def due(db: Db) -> Db:
    """R-1, owned by UOWNER and logged by UMEMBER, due for review today."""
    with db.session() as s:
        seed.risk(s, 1, team=TEAM, title="Vendor may slip", owner="UOWNER", created_by="UMEMBER", review=TODAY)
        s.commit()
    return db


def perform(db: Db, request: Any, actor: Any) -> Any:
    return db.run(partial(reviews.perform, request), actor=actor, write=request.write)


def stored(db: Db) -> tuple[Risk, list[tuple[str, str, str | None]]]:
    with db.session() as s:
        events = [(e.action, e.actor_id, e.note) for e in s.exec(select(RiskEvent).order_by(col(RiskEvent.id)))]
        return s.exec(select(Risk)).one(), events


@time_machine.travel("2026-12-01 10:00Z", tick=False)
def test_still_valid_moves_the_review_a_week_on(due: Db) -> None:
    out = perform(due, StillValid(1), OWNER)
    assert isinstance(out.reply, Reviewed) and out.reply.risk.review_date == TODAY + timedelta(days=7)
    [msg] = render(out.reply)
    assert "*R-1* is still valid — next review *2026-12-08*" in all_text(msg)
    risk, events = stored(due)
    assert risk.review_date == TODAY + timedelta(days=7) and events == [("reviewed", "UOWNER", "Still valid")]


def test_a_late_review_moves_a_week_on_from_today(due: Db) -> None:
    with time_machine.travel("2026-12-05 10:00Z", tick=False):
        perform(due, StillValid(1), MEMBER)
    assert stored(due)[0].review_date == date(2026, 12, 12)


@time_machine.travel("2026-12-01 10:00Z", tick=False)
def test_the_update_form_proposes_the_next_review_and_reads_only(due: Db) -> None:
    assert not OpenUpdate.write and StillValid.write and CloseAtReview.write and UpdateAtReview.write
    out = perform(due, OpenUpdate(1), MANAGER)
    assert isinstance(out.reply, UpdateForm) and out.reply.risk.number == 1
    assert out.reply.next_review == TODAY + timedelta(days=7)
    assert stored(due)[1] == []


@time_machine.travel("2026-12-01 10:00Z", tick=False)
def test_update_and_close_are_the_registers_own_with_the_reviews_note(due: Db) -> None:
    out = perform(due, UpdateAtReview(1, RiskInput(probability=5, impact=4)), OWNER)
    assert "Updated" in "\n".join(all_text(m) for m in render(out.reply))
    out = perform(due, CloseAtReview(1), MEMBER)
    assert "Closed *R-1*" in "\n".join(all_text(m) for m in render(out.reply))
    risk, events = stored(due)
    assert (risk.score, risk.status) == (20, "closed")
    assert events == [("updated", "UOWNER", "At its review"), ("closed", "UMEMBER", "Closed at its review")]
    with pytest.raises(UsageError, match="closed already"):
        perform(due, StillValid(1), OWNER)
    with pytest.raises(UsageError, match="closed already"):
        perform(due, OpenUpdate(1), OWNER)


@pytest.mark.parametrize("request_", [StillValid(1), CloseAtReview(1), OpenUpdate(1),
                                      UpdateAtReview(1, RiskInput(impact=5))])
def test_someone_who_may_not_change_the_risk_is_refused(due: Db, request_: Any) -> None:
    with pytest.raises(Refused, match="only the owner of R-1, the person who logged it, or a manager"):
        perform(due, request_, OTHER)
    risk, events = stored(due)
    assert events == [] and risk.status == "open" and risk.review_date == TODAY


def test_the_reminder_renders_with_its_three_buttons(due: Db) -> None:
    risk, _ = stored(due)
    [msg] = render(Reminder(risk, "Apollo"))
    assert msg["text"].startswith("Time to review R-1: Vendor may slip")
    actions = [e["action_id"] for b in msg["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert actions == ["review_valid", "review_update", "review_close"]
