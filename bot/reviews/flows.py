"""Risk review reminders: on its review date, from 09:00 in their own time zone, the
owner of an open risk (else the person who logged it) gets one DM with buttons:
still valid / update / close. The ledger key (`risk_review:{risk id}`, the owner,
the review date) means one DM per review date, however often the sweep runs."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from bot.delivery import Envelope, Report
from bot.reviews.views import Reminder
from bot.schedules import zone
from storage.repositories import reviews as repo

if TYPE_CHECKING:
    from bot.deps import Rhythm

log = logging.getLogger(__name__)

DUE_AT = time(9, 0)  # local time from which a review date's reminder goes out
LOOKBACK = timedelta(days=14)  # older review dates are left to the summary's "overdue reviews"


def is_due(review: repo.DueReview, now: datetime, fallback_tz: str) -> bool:
    """The recipient's local date has reached the review date and their clock 09:00."""
    local = now.astimezone(zone(review.tz, fallback_tz))
    assert review.risk.review_date is not None
    return local.date() >= review.risk.review_date and local.time() >= DUE_AT


async def send_due_reviews(rhythm: Rhythm, now: datetime) -> Report:
    fallback = rhythm.deps.settings.bot_timezone
    today = now.astimezone(UTC).date()
    # The local date runs at most a day ahead of UTC anywhere, so later review dates are not due yet.
    candidates = await rhythm.deps.db.read(repo.due, since=today - LOOKBACK, until=today + timedelta(days=1))
    by_team: dict[str, list[Envelope]] = {}
    for review in candidates:
        if not is_due(review, now, fallback):
            continue
        risk = review.risk
        assert risk.id is not None and risk.review_date is not None
        by_team.setdefault(risk.team_id, []).append(Envelope(
            repo.what(risk.id), review.recipient, risk.review_date.isoformat(), Reminder(risk, review.project_name)))
    total = Report()
    for team_id, envelopes in by_team.items():
        report = await rhythm.deliverer.send_all(team_id, envelopes)
        total.sent += report.sent
        total.failed += report.failed
        total.skipped += report.skipped
        total.retry += report.retry
        total.errors.update(report.errors)
    if total.sent or total.failed:
        log.info("review reminders: %d sent, %d failed", total.sent, total.failed)
    return total
