"""Managers' weekly summaries by DM, and subscribing the configured managers at start."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session

from bot.delivery import Envelope, Report
from bot.errors import Unavailable
from bot.schedules import bump_schedule, local_date
from bot.summaries import service as summaries
from storage.models_rhythm import SummarySubscriber
from storage.repositories.summaries import aware

if TYPE_CHECKING:
    from bot.deps import Rhythm

log = logging.getLogger(__name__)

WHAT = "summary"


def _subscriber(*, session: Session, team_id: str, user_id: str) -> SummarySubscriber | None:
    return session.get(SummarySubscriber, (team_id, user_id))


async def send_weekly(rhythm: Rhythm, team_id: str, user_id: str, *, occurrence: str) -> Report:
    """This week's summary to one manager by DM, once (ledger key: "summary", the manager, the ISO week).

    Nothing is sent to someone who is no longer a manager, nor for a week whose Monday 08:00 came
    before they subscribed (their first summary is the next one)."""
    deps = rhythm.deps
    fallback = deps.settings.bot_timezone
    sub = await deps.db.read(_subscriber, team_id=team_id, user_id=user_id)
    if sub is None:
        log.info("summary %s: %s is not subscribed any more", occurrence, user_id)
        return Report()
    if summaries.fire_time(occurrence, sub.tz, fallback) < aware(sub.added_at):
        log.info("summary %s: %s subscribed after it was due; their first is next week", occurrence, user_id)
        return Report()
    actor = await deps.people.actor(team_id, user_id)
    if not actor.is_manager:
        log.info("summary %s: %s is no longer a manager; not sent", occurrence, user_id)
        return Report()
    now = rhythm.now()
    today = local_date(now, sub.tz or actor.tz, fallback)
    view = await deps.db.read(summaries.weekly, team_id=team_id, today=today, week=occurrence, now=now)
    report = await rhythm.deliverer.send_all(team_id, [Envelope(WHAT, user_id, occurrence, view)])
    log.info("summary %s to %s: %d sent, %d already sent, %d failed", occurrence, user_id, report.sent,
             report.skipped, report.failed)
    return report


def _subscribe_all(*, session: Session, team_id: str, zones: dict[str, str | None], now: datetime,
                   fallback_tz: str) -> bool:
    changed = False
    for user_id, tz in zones.items():
        changed = summaries.subscribe(session=session, team_id=team_id, user_id=user_id, tz=tz, now=now,
                                      fallback_tz=fallback_tz, bump=False) or changed
    if changed:
        bump_schedule(session=session)
    return changed


async def subscribe_configured_managers(rhythm: Rhythm) -> None:
    """Subscribe BOT_MANAGERS to the weekly summary in the bot's own workspace (run at start).

    The platform or the database being unreachable is logged and the start goes on; they are
    subscribed at the next start (or when they use `/summary`)."""
    managers = sorted(rhythm.deps.settings.managers)
    if not managers:
        return
    by_team: dict[str, list[str]] = {}
    for user_id in managers:  # each in the workspace of their own platform (Slack or Teams)
        team_id = await rhythm.platform.route(user_id).directory.own_team()
        if not team_id:
            log.warning("could not subscribe a configured manager to the weekly summary: the platform named no "
                        "workspace")
            continue
        by_team.setdefault(team_id, []).append(user_id)
    changed = False
    try:
        for team_id, users in by_team.items():
            zones = {}
            for user_id in users:
                profile = await rhythm.deps.people.profile(team_id, user_id)
                zones[user_id] = profile.tz
            changed = await rhythm.deps.db.write(_subscribe_all, team_id=team_id, zones=zones, now=rhythm.now(),
                                                 fallback_tz=rhythm.deps.settings.bot_timezone) or changed
    except Unavailable:
        log.warning("could not subscribe BOT_MANAGERS to the weekly summary: database unavailable")
        return
    if changed:
        log.info("subscribed %d configured manager(s) to the weekly summary", len(managers))

