"""Stand-ups: setting one up, skipping days, answering, and who did what today.

A member's day is their own local date: the zone their platform gives for them (cached
from their profile), else the stand-up's `tz`, else BOT_TIMEZONE (`fallback_tz`).
`perform` carries out a typed request of `/standup` (see `bot.standups.grammar`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, assert_never

from sqlmodel import Session

from bot import text
from bot.errors import NotFound, Refused, UsageError
from bot.outcomes import Outcome
from bot.people import Actor
from bot.risks.grammar import MAX_TEXT, MAX_TITLE  # the risk form's limits, for a blocker's prefill
from bot.schedules import bump_schedule, local_date, next_fire, parse_days, weekly, zone
from bot.standups import views as ui
from bot.standups.grammar import MAX_MEMBERS, POST_MODES, Setup, ShowReport, Skip  # limits checked here again
from storage import clock
from storage.models import SlackUser
from storage.models_rhythm import Standup, StandupAnswer
from storage.repositories import deliveries, subscribers
from storage.repositories import standups as repo

MAX_DAYS_OFF = 366


def digest_what(standup_id: int) -> str:
    return f"standup_digest:{standup_id}"


def prompt_what(standup_id: int) -> str:
    return f"standup:{standup_id}"


def _truncate(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: max(0, limit - 1)] + "…"


def zone_of(tz: str | None, standup: Standup | None, fallback_tz: str) -> str:
    """A member's zone: their own, else the stand-up's, else the bot's."""
    return tz or (standup.tz if standup else None) or fallback_tz


def member_zones(*, session: Session, standup: Standup, members: list[str], fallback_tz: str) -> dict[str, str]:
    cached = repo.zones(session=session, team_id=standup.team_id, user_ids=members)
    return {u: zone_of(cached.get(u), standup, fallback_tz) for u in members}


# ---- which stand-up -----------------------------------------------------------------------------

def resolve(*, session: Session, team_id: str, channel_id: str | None, current_channel: str | None) -> Standup:
    """`channel=` if given; else the current channel's stand-up; else the only one; else ask."""
    if channel_id:
        s = repo.by_channel(session=session, team_id=team_id, channel_id=channel_id)
        if s is None:
            raise NotFound(f"There is no stand-up in {text.place(channel_id)}. Managers set one up with "
                           f"`/standup setup channel=#… members=@… time=09:30 days=mon-fri`.")
        return s
    if current_channel:
        s = repo.by_channel(session=session, team_id=team_id, channel_id=current_channel)
        if s is not None:
            return s
    every = repo.all_for(session=session, team_id=team_id)
    if len(every) == 1:
        return every[0]
    if not every:
        raise NotFound("There is no stand-up yet. Managers set one up with "
                       "`/standup setup channel=#… members=@… time=09:30 days=mon-fri`.")
    names = ", ".join(text.place(s.channel_id) for s in every[:20])
    raise UsageError(f"There are stand-ups in {names}: say which one with `channel=#…`.", ui.USAGE)


# ---- setup ----------------------------------------------------------------------------------------

def setup(*, session: Session, actor: Actor, channel_id: str, members: list[str] | None = None,
          time: str | None = None, days: str | None = None, tz: str | None = None, post_mode: str | None = None,
          fallback_tz: str = "UTC", now: datetime | None = None, usage: str | None = ui.USAGE) -> Outcome:
    """Create or change the channel's stand-up; the members given replace the old ones."""
    if not actor.is_manager:
        raise Refused("Sorry, only managers can set up stand-ups. Ask a manager to run `/standup setup`.")
    # The row is taken for the rest of the unit of work: a concurrent setup of the same channel waits,
    # then changes what this one stored (members are replaced, never merged).
    existing = repo.by_channel(session=session, team_id=actor.team_id, channel_id=channel_id, lock=True)
    if existing is None and not members:
        raise UsageError("Who is in the stand-up? Add `members=@a,@b`.", usage)
    if members is not None and not members:
        raise UsageError("`members=` needs at least one person mentioned with @.", usage)
    if members and len(members) > MAX_MEMBERS:
        raise UsageError(f"A stand-up can have at most {MAX_MEMBERS} members (you named {len(members)}).", usage)
    if post_mode is not None and post_mode not in POST_MODES:
        raise UsageError(f"`post=` must be one of {', '.join(POST_MODES)}.", usage)
    if existing is not None:
        s, created = existing, False
    else:
        s, created = repo.ensure(session=session, team_id=actor.team_id, channel_id=channel_id,
                                 created_by=actor.user_id)
    for name, value in (("time", time), ("days", days), ("tz", tz), ("post_mode", post_mode)):
        if value is not None:
            setattr(s, name, value)
    parse_days(s.days)  # a definition the scheduler cannot read is never stored
    repo.save(session=session, standup=s)
    assert s.id is not None
    if members is not None:
        repo.set_members(session=session, team_id=actor.team_id, standup_id=s.id, user_ids=members)
    member_list = repo.members(session=session, team_id=actor.team_id, standup_id=s.id)
    bump_schedule(session=session)
    subscribers.subscribe(session=session, team_id=actor.team_id, user_id=actor.user_id, tz=actor.tz)
    zones = member_zones(session=session, standup=s, members=member_list, fallback_tz=fallback_tz)
    moment = now or clock.now()
    upcoming = []
    for z in sorted(set(zones.values())):
        when = next_fire(weekly(parse_days(s.days), s.time, z), moment)
        if when is not None:
            upcoming.append((z, when.astimezone(zone(z))))
    upcoming.sort(key=lambda p: p[1])
    return Outcome(reply=ui.SetupDone(s, member_list, zones, created, upcoming), reschedule=True)


# ---- days off ---------------------------------------------------------------------------------------

def skip(*, session: Session, actor: Actor, until: date | None = None, fallback_tz: str = "UTC",
         now: datetime | None = None) -> Outcome:
    """No prompt for me today (or from today to `until`, both included)."""
    mine = repo.of_user(session=session, team_id=actor.team_id, user_id=actor.user_id)
    today = local_date(now or clock.now(), zone_of(actor.tz, mine[0] if mine else None, fallback_tz))
    last = until or today
    if last < today:
        raise UsageError(f"`until=` {last.isoformat()} is in the past (today is {today.isoformat()} for you).",
                         ui.USAGE)
    if (last - today).days >= MAX_DAYS_OFF:
        raise UsageError(f"Days off can run for at most {MAX_DAYS_OFF} days at a time.", ui.USAGE)
    repo.add_days_off(session=session, team_id=actor.team_id, user_id=actor.user_id,
                      days=[today + timedelta(days=n) for n in range((last - today).days + 1)])
    return Outcome(reply=ui.DaysOff(today, last, bool(mine)))


# ---- who did what -------------------------------------------------------------------------------------

def day_status(*, session: Session, standup: Standup, day: date) -> ui.DayStatus:
    """One stand-up day (for the digest): every answer of that day, and which members are off or missing."""
    assert standup.id is not None
    members = repo.members(session=session, team_id=standup.team_id, standup_id=standup.id)
    answers = repo.answers_on(session=session, team_id=standup.team_id, standup_id=standup.id, days=[day])
    answered = {a.user_id for a in answers}
    off = repo.off_on(session=session, team_id=standup.team_id, user_ids=members, days=[day])
    skipped = [u for u in members if u not in answered and (u, day) in off]
    missing = [u for u in members if u not in answered and (u, day) not in off]
    return ui.DayStatus(answers=answers, skipped=skipped, missing=missing, not_today=[])


def today_status(*, session: Session, standup: Standup, fallback_tz: str, now: datetime) -> ui.DayStatus:
    """Each member on their own local today: answered, off, not yet, or not a stand-up day for them."""
    assert standup.id is not None
    members = repo.members(session=session, team_id=standup.team_id, standup_id=standup.id)
    zones = member_zones(session=session, standup=standup, members=members, fallback_tz=fallback_tz)
    day_of = {u: local_date(now, zones[u]) for u in members}
    answers = {(a.user_id, a.day): a for a in repo.answers_on(
        session=session, team_id=standup.team_id, standup_id=standup.id, days=day_of.values())}
    off = repo.off_on(session=session, team_id=standup.team_id, user_ids=members, days=day_of.values())
    weekdays = set(parse_days(standup.days))
    status = ui.DayStatus(answers=[], skipped=[], missing=[], not_today=[])
    for u in members:
        key = (u, day_of[u])
        if key in answers:
            status.answers.append(answers[key])
        elif key in off:
            status.skipped.append(u)
        elif day_of[u].weekday() not in weekdays:
            status.not_today.append(u)
        else:
            status.missing.append(u)
    return status


def report(*, session: Session, actor: Actor, channel_id: str | None = None, current_channel: str | None = None,
           fallback_tz: str = "UTC", now: datetime | None = None) -> Outcome:
    s = resolve(session=session, team_id=actor.team_id, channel_id=channel_id, current_channel=current_channel)
    status = today_status(session=session, standup=s, fallback_tz=fallback_tz, now=now or clock.now())
    return Outcome(reply=ui.TodayReport(s, status))


def for_now(*, session: Session, actor: Actor, channel_id: str | None = None,
            current_channel: str | None = None) -> Standup:
    """The stand-up `/standup now` should prompt; managers and its members may."""
    s = resolve(session=session, team_id=actor.team_id, channel_id=channel_id, current_channel=current_channel)
    assert s.id is not None
    if not actor.is_manager and actor.user_id not in repo.members(session=session, team_id=actor.team_id,
                                                                 standup_id=s.id):
        raise Refused(f"Sorry, only managers and members of the stand-up in {text.place(s.channel_id)} can send its "
                      "prompt.")
    return s


# ---- answering ---------------------------------------------------------------------------------------------

def open_answer(*, session: Session, actor: Actor, standup_id: int, day: date, fallback_tz: str = "UTC",
                now: datetime | None = None) -> tuple[Standup, StandupAnswer | None]:
    """The stand-up and the person's earlier answer of `day`, if they may answer it now."""
    s = repo.get(session=session, team_id=actor.team_id, standup_id=standup_id)
    if s is None:
        raise NotFound("This stand-up no longer exists.")
    if actor.user_id not in repo.members(session=session, team_id=actor.team_id, standup_id=standup_id):
        raise Refused(f"This prompt is for the members of the stand-up in {text.place(s.channel_id)}, and you aren't "
                      "one of them.")
    today = local_date(now or clock.now(), zone_of(actor.tz, s, fallback_tz))
    if day != today:
        raise Refused(f"This prompt was for {ui.fmt_day(day)}. A stand-up can be answered or changed only on "
                      f"its own day; today's is {ui.fmt_day(today)}.")
    return s, repo.answer_of(session=session, team_id=actor.team_id, standup_id=standup_id,
                             user_id=actor.user_id, day=day)


@dataclass
class Saved:
    standup: Standup
    answer: StandupAnswer
    created: bool
    digest_post: tuple[str, str] | None = None  # (channel, ts) of the day's digest, once posted
    digest_status: ui.DayStatus | None = None
    digest_parts: list[tuple[str, str]] = field(default_factory=list)  # (channel, ts) of each of its messages
    digest_id: int | None = None  # its ledger row


def _clean(value: str | None, label: str) -> str | None:
    v = (value or "").strip()
    if len(v) > ui.MAX_ANSWER:
        raise UsageError(f"“{label}” can have at most {ui.MAX_ANSWER} characters.")
    return v or None


def save_answer(*, session: Session, actor: Actor, standup_id: int, day: date, yesterday: str | None,
                today: str | None, blockers: str | None, fallback_tz: str = "UTC",
                now: datetime | None = None) -> Saved:
    """Store the answer (one per person and day; a second one the same day replaces it)."""
    s, _ = open_answer(session=session, actor=actor, standup_id=standup_id, day=day, fallback_tz=fallback_tz,
                       now=now)
    values = (_clean(yesterday, "Yesterday"), _clean(today, "Today"), _clean(blockers, "Blockers"))
    if not values[1]:
        raise UsageError("Please say what you'll do today.")
    row, created = repo.upsert_answer(session=session, team_id=actor.team_id, standup_id=standup_id,
                                      user_id=actor.user_id, day=day, yesterday=values[0], today=values[1],
                                      blockers=values[2])
    saved = Saved(standup=s, answer=row, created=created)
    if s.post_mode == "digest":
        d = repo.posted(session=session, team_id=actor.team_id, what=digest_what(standup_id),
                        recipient=s.channel_id, occurrence=day.isoformat())
        if d is not None and d.status == "sent" and d.ts:
            saved.digest_post = (d.channel or s.channel_id, d.ts)
            saved.digest_status = day_status(session=session, standup=s, day=day)
            saved.digest_parts = deliveries.posted_parts(d)
            saved.digest_id = d.id
    return saved


def record_digest_parts(*, session: Session, team_id: str, delivery_id: int, parts: list[tuple[str, str]]) -> None:
    deliveries.set_posted(session=session, team_id=team_id, delivery_id=delivery_id, parts=parts)


def record_post(*, session: Session, team_id: str, answer_id: int, channel: str, ts: str) -> None:
    repo.set_post(session=session, team_id=team_id, answer_id=answer_id, channel=channel, ts=ts)


def blocker_prefill(*, session: Session, actor: Actor, answer_id: int) -> tuple[dict[str, Any], str]:
    """What the risk form starts with for a stand-up blocker, and the stand-up's channel.

    Answer ids are counted 1, 2, 3…, so the id grants nothing: only managers and members of the
    stand-up read its blockers this way."""
    team_id = actor.team_id
    a = repo.get_answer(session=session, team_id=team_id, answer_id=answer_id)
    s = repo.get(session=session, team_id=team_id, standup_id=a.standup_id) if a else None
    if a is None or s is None or s.id is None:
        raise NotFound("That stand-up answer no longer exists.")
    if not actor.is_manager and actor.user_id not in repo.members(session=session, team_id=team_id,
                                                                 standup_id=s.id):
        raise Refused(f"This button is for the members of the stand-up in {text.place(s.channel_id)}, and you aren't "
                      "one of them.")
    blocker = (a.blockers or "").strip()
    title = " ".join(blocker.splitlines()[0].split()) if blocker else "Blocker from the stand-up"
    who = session.get(SlackUser, (team_id, a.user_id))
    name = who.name if who and who.name else text.person(a.user_id)
    prefill: dict[str, Any] = {
        "title": _truncate(title, MAX_TITLE),
        "description": _truncate(f"Blocker raised by {name} in the stand-up of {ui.fmt_day(a.day)}:\n{blocker}",
                                 MAX_TEXT),
    }
    project = repo.project_for_channel(session=session, team_id=team_id, channel_id=s.channel_id)
    if project is not None:
        prefill["project_id"] = project.id
    return prefill, s.channel_id


# ---- the command ------------------------------------------------------------------------------------------

# `/standup now` is not one of them: besides its unit of work (`for_now`, which finds the stand-up and
# checks who asks) it needs the scheduler, whose delivery path sends the prompts (`flows.prompt_now`).
Performed = Setup | ShowReport | Skip


def perform(request: Performed, *, session: Session, actor: Actor, fallback_tz: str) -> Outcome:
    """Carry out a `/standup` request as `actor`; `fallback_tz` is the zone of anyone whose own is unknown."""
    match request:
        case Setup():
            return setup(session=session, actor=actor, channel_id=request.channel_id,
                         members=list(request.members) if request.members is not None else None,
                         time=request.time, days=request.days, tz=request.tz, post_mode=request.post_mode,
                         fallback_tz=fallback_tz)
        case ShowReport():
            return report(session=session, actor=actor, channel_id=request.channel_id,
                          current_channel=request.current_channel, fallback_tz=fallback_tz)
        case Skip():
            return skip(session=session, actor=actor, until=request.until, fallback_tz=fallback_tz)
        case _:
            assert_never(request)
