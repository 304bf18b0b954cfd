"""Stand-up prompts, answers in the channel, and the daily digest.

- `prompt` is what the scheduled job runs for one zone group of a stand-up: it
  DMs the members living in that zone whose stand-up day it is, through the
  delivery ledger keyed by (standup, member, local date), so nobody is asked
  twice a day. `/standup now` runs the same function for every zone group,
  each for its own local today.
- `publish_answer` posts an answer to the channel at once (or edits the
  earlier post when the answer is changed the same day).
- `post_due_digests` (run by the sweeper) posts one digest per channel and day
  for stand-ups in digest mode, once everyone answered or was off, or three
  hours after the stand-up time in the stand-up's zone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from sqlmodel import Session

from bot import text
from bot.delivery import Envelope, Report
from bot.deps import Deps
from bot.ports import Messenger, Posted, PostFailed
from bot.schedules import local_date, parse_days, parse_time, zone
from bot.standups import service
from bot.standups import views as ui
from storage.models_rhythm import Standup
from storage.repositories import standups as repo

if TYPE_CHECKING:
    from bot.deps import Rhythm

log = logging.getLogger(__name__)

DIGEST_AFTER = timedelta(hours=3)  # the stand-ups' grace: the digest waits for late answers this long


@dataclass
class _Plan:
    standup: Standup
    recipients: list[str]
    off: list[str]
    groups: set[str]  # every zone the stand-up's members live in


@dataclass
class NowResult:
    standup: Standup
    report: Report = field(default_factory=Report)
    off: list[str] = field(default_factory=list)


def _plan(*, session: Session, team_id: str, standup_id: int, tz: str, day: date, any_day: bool,
          fallback_tz: str) -> _Plan | None:
    s = repo.get(session=session, team_id=team_id, standup_id=standup_id)
    if s is None:
        return None
    members = repo.members(session=session, team_id=team_id, standup_id=standup_id)
    zones = service.member_zones(session=session, standup=s, members=members, fallback_tz=fallback_tz)
    group = [u for u in members if zones[u] == tz]
    if not any_day and day.weekday() not in parse_days(s.days):
        group = []
    off = repo.off_on(session=session, team_id=team_id, user_ids=group, days=[day])
    return _Plan(standup=s, recipients=[u for u in group if (u, day) not in off],
                 off=[u for u in group if (u, day) in off], groups=set(zones.values()))


async def _prompt_group(rhythm: Rhythm, team_id: str, standup_id: int, tz: str, day: date,
                        any_day: bool) -> tuple[Report, _Plan | None]:
    plan = await rhythm.deps.db.read(_plan, team_id=team_id, standup_id=standup_id, tz=tz, day=day,
                                     any_day=any_day, fallback_tz=rhythm.deps.settings.bot_timezone)
    if plan is None:
        return Report(), None
    message = ui.Prompt(plan.standup, day)
    envelopes = [Envelope(service.prompt_what(standup_id), uid, day.isoformat(), message)
                 for uid in plan.recipients]
    report = await rhythm.deliverer.send_all(team_id, envelopes) if envelopes else Report()
    await _follow_zone_changes(rhythm, team_id, standup_id, plan.groups)
    return report, plan


async def _follow_zone_changes(rhythm: Rhythm, team_id: str, standup_id: int, groups: set[str]) -> None:
    """A member whose zone changed since the schedule was built needs a job for the new zone."""
    from bot.schedules import bump_schedule

    if any(f"standup:{team_id}:{standup_id}:{z}" not in rhythm.specs for z in groups):
        log.info("stand-up %s: a member's zone has no job yet; rebuilding the schedule", standup_id)
        await rhythm.deps.db.write(bump_schedule)
        await rhythm.rebuild()


async def prompt(rhythm: Rhythm, team_id: str, standup_id: int, *, tz: str, day: date,
                 any_day: bool = False) -> Report:
    """DM the prompt for `day` to the members living in `tz` (unless off, or not a stand-up day)."""
    report, _ = await _prompt_group(rhythm, team_id, standup_id, tz, day, any_day)
    return report


async def prompt_now(rhythm: Rhythm, team_id: str, standup: Standup) -> NowResult:
    """`/standup now`: every member, each for their own local today, through `prompt`'s path."""
    assert standup.id is not None
    members = await rhythm.deps.db.read(repo.members, team_id=team_id, standup_id=standup.id)
    zones = await rhythm.deps.db.read(service.member_zones, standup=standup, members=members,
                                      fallback_tz=rhythm.deps.settings.bot_timezone)
    out = NowResult(standup=standup)
    now = rhythm.now()
    for z in sorted(set(zones.values())):
        report, plan = await _prompt_group(rhythm, team_id, standup.id, z, local_date(now, z), any_day=True)
        out.report.sent += report.sent
        out.report.failed += report.failed
        out.report.skipped += report.skipped
        out.report.retry += report.retry
        out.report.errors.update(report.errors)
        out.off += plan.off if plan else []
    return out


# ---- answers ------------------------------------------------------------------------------------

async def publish_answer(deps: Deps, messenger: Messenger, saved: service.Saved) -> str | None:
    """Show the answer in the channel; returns what to tell the person if that failed (it is saved anyway)."""
    s, a = saved.standup, saved.answer
    if s.post_mode == "digest":
        if saved.digest_post and saved.digest_status:  # a late answer or a change: the digest is redrawn
            await _redraw_digest(deps, messenger, saved)
        return None
    view = ui.AnswerPost(a)
    if a.post_channel and a.post_ts:
        try:
            await messenger.update(Posted(a.post_channel, a.post_ts), view)
            return None
        except PostFailed as e:  # e.g. the post was deleted: post it again
            log.info("could not edit the stand-up post (%s); posting it again", e.error)
    try:
        where = (await messenger.post(s.channel_id, view))[0]
    except PostFailed as e:
        return (f"I saved your stand-up, but couldn't post it in {text.place(s.channel_id)} ({e.error}). "
                "Ask someone there to invite me with `/invite`.")
    assert a.id is not None
    await deps.db.write(service.record_post, team_id=s.team_id, answer_id=a.id, channel=where.channel, ts=where.ts)
    return None


async def _redraw_digest(deps: Deps, messenger: Messenger, saved: service.Saved) -> None:
    """Edit each message of the posted digest in place; parts it now needs beyond those go into the
    first one's thread, and parts it no longer needs are deleted."""
    assert saved.digest_post is not None and saved.digest_status is not None
    before = [Posted(channel, ts) for channel, ts in saved.digest_parts or [saved.digest_post]]
    after = await messenger.redraw(before, ui.Digest(saved.standup, saved.answer.day, saved.digest_status))
    if after != before and saved.digest_id is not None:
        await deps.db.write(service.record_digest_parts, team_id=saved.standup.team_id,
                            delivery_id=saved.digest_id, parts=[(p.channel, p.ts) for p in after])


async def mark_prompt_answered(messenger: Messenger, channel: Any, ts: Any, saved: service.Saved) -> None:
    """Turn the prompt DM into "answered" (with a button to change it today)."""
    if not isinstance(channel, str) or not isinstance(ts, str) or not channel or not ts:
        return
    try:
        await messenger.update(Posted(channel, ts), ui.PromptAnswered(saved.standup, saved.answer.day))
    except PostFailed as e:
        log.info("could not update the stand-up prompt: %s", e.error)


# ---- digests ------------------------------------------------------------------------------------

def _due_digests(*, session: Session, now: datetime, fallback_tz: str) -> list[tuple[Standup, date, ui.DayStatus]]:
    due = []
    for s in repo.with_post_mode(session=session, post_mode="digest"):
        assert s.id is not None
        z = zone(s.tz or fallback_tz)
        today = now.astimezone(z).date()
        h, m = parse_time(s.time)
        for day in (today - timedelta(days=1), today):  # yesterday's too, for stand-ups late in the evening
            if repo.posted(session=session, team_id=s.team_id, what=service.digest_what(s.id),
                           recipient=s.channel_id, occurrence=day.isoformat()) is not None:
                continue
            status = service.day_status(session=session, standup=s, day=day)
            if not status.answers:
                continue
            if not status.missing or now >= datetime.combine(day, time(h, m), tzinfo=z) + DIGEST_AFTER:
                due.append((s, day, status))
    return due


async def post_due_digests(rhythm: Rhythm, now: datetime) -> None:
    due = await rhythm.deps.db.read(_due_digests, now=now, fallback_tz=rhythm.deps.settings.bot_timezone)
    for s, day, status in due:
        assert s.id is not None
        await rhythm.deliverer.send_all(s.team_id, [Envelope(service.digest_what(s.id), s.channel_id,
                                                             day.isoformat(), ui.Digest(s, day, status),
                                                             thread=True)])
