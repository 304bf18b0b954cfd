"""Stakeholder check-ins: who is asked and when (managers), answers (only the person
asked, only the latest poll), results, reminders and the managers' alert on a low answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, assert_never

from sqlmodel import Session

from bot.checkins import grammar as req
from bot.checkins import views
from bot.checkins.views import Answer, CheckinStats, LowAnswer
from bot.errors import NotFound, Refused, UsageError
from bot.outcomes import Outcome
from bot.people import Actor
from bot.projects.lookup import resolve
from bot.schedules import bump_schedule, local_date, next_fire, week_key, weekly, zone
from storage import clock
from storage.models import Project
from storage.models_rhythm import CheckinAnswer, CheckinConfig, CheckinPoll
from storage.repositories import checkins as repo
from storage.repositories import lessons as lessons_repo
from storage.repositories import projects as projects_repo
from storage.repositories import subscribers

DEFAULT_DAY = 4  # Friday
DEFAULT_TIME = "15:00"
DEFAULT_REMINDER_HOURS = 24
LOW_SCORE = 2
TREND_WEEKS = 8
MAX_COMMENT = 3000
REMINDER_WINDOW = timedelta(days=7)  # past its delay by more than this, a poll gets no reminder
STATUSES = tuple(views.STATUSES)
MAX_COMMENTS_SHOWN = 30


def _managers_only(actor: Actor, what: str) -> None:
    if not actor.is_manager:
        raise Refused(f"Sorry, only managers can {what}. Ask a manager (or a workspace admin) to do it.")


def _next(cfg: CheckinConfig, now: datetime) -> datetime | None:
    """The next check-in strictly after `now`."""
    return next_fire(weekly([cfg.day], cfg.time, cfg.tz), now + timedelta(seconds=1))


def _schedule(cfg: CheckinConfig) -> views.Schedule:
    return views.Schedule(cfg.day, cfg.time, cfg.tz, cfg.reminder_hours)


def _configured(session: Session, actor: Actor) -> None:
    """A manager who configures check-ins gets the weekly summary."""
    if subscribers.subscribe(session=session, team_id=actor.team_id, user_id=actor.user_id, tz=actor.tz):
        bump_schedule(session=session)


# ---- managers: who is asked, and when ---------------------------------------------------------------

def perform(request: req.Performed, *, session: Session, actor: Actor, fallback_tz: str = "UTC") -> Outcome:
    """Carry out a `/checkin` request as `actor`; `fallback_tz` is the zone of a new schedule when the
    manager's own is unknown (the workspace's). `Send` is not here: see `prepare_send`."""
    match request:
        case req.Add():
            return add(session=session, actor=actor, user_ids=list(request.user_ids),
                       project_name=request.project_name, fallback_tz=fallback_tz)
        case req.Remove():
            return remove(session=session, actor=actor, user_ids=list(request.user_ids),
                          project_name=request.project_name)
        case req.Schedule():
            return schedule(session=session, actor=actor, project_name=request.project_name, day=request.day,
                            time=request.time, tz=request.tz, reminder_hours=request.reminder_hours,
                            fallback_tz=fallback_tz)
        case req.Results():
            return results(session=session, actor=actor, project_name=request.project_name)
        case _:
            assert_never(request)


def add(*, session: Session, actor: Actor, user_ids: list[str], project_name: str, fallback_tz: str = "UTC",
        now: datetime | None = None) -> Outcome:
    _managers_only(actor, "choose who gets check-ins")
    now = now or clock.now()
    project = resolve(session=session, team_id=actor.team_id, name=project_name)
    assert project.id is not None
    added = [u for u in user_ids if repo.add_stakeholder(session=session, team_id=actor.team_id,
                                                         project_id=project.id, user_id=u,
                                                         added_by=actor.user_id, now=now)]
    already = [u for u in user_ids if u not in added]
    cfg, created = repo.ensure_config(session=session, team_id=actor.team_id, project_id=project.id, defaults={
        "day": DEFAULT_DAY, "time": DEFAULT_TIME, "tz": actor.tz or fallback_tz,
        "reminder_hours": DEFAULT_REMINDER_HOURS, "created_by": actor.user_id, "updated_at": now})
    if added or created:
        bump_schedule(session=session)
    _configured(session, actor)
    reply = views.StakeholdersAdded(project.name, added, already, _schedule(cfg), _next(cfg, now))
    return Outcome(reply=reply, reschedule=bool(added or created))


def remove(*, session: Session, actor: Actor, user_ids: list[str], project_name: str) -> Outcome:
    _managers_only(actor, "choose who gets check-ins")
    project = resolve(session=session, team_id=actor.team_id, name=project_name)
    assert project.id is not None
    removed = [u for u in user_ids if repo.remove_stakeholder(session=session, team_id=actor.team_id,
                                                              project_id=project.id, user_id=u)]
    if not removed:
        raise views.NotStakeholders(project.name, user_ids)
    bump_schedule(session=session)
    _configured(session, actor)
    left = repo.stakeholder_ids(session=session, team_id=actor.team_id, project_id=project.id)
    not_there = [u for u in user_ids if u not in removed]
    return Outcome(reply=views.StakeholdersRemoved(project.name, removed, not_there, nobody_left=not left),
                   reschedule=True)


def schedule(*, session: Session, actor: Actor, project_name: str, day: int | None = None,
             time: str | None = None, tz: str | None = None, reminder_hours: int | None = None,
             fallback_tz: str = "UTC", now: datetime | None = None) -> Outcome:
    _managers_only(actor, "schedule check-ins")
    now = now or clock.now()
    project = resolve(session=session, team_id=actor.team_id, name=project_name)
    assert project.id is not None
    # Locked: a concurrent schedule change waits, then starts from (and answers with) what this one stored.
    cfg, _ = repo.ensure_config(session=session, team_id=actor.team_id, project_id=project.id, defaults={
        "day": DEFAULT_DAY, "time": DEFAULT_TIME, "tz": actor.tz or fallback_tz,
        "reminder_hours": DEFAULT_REMINDER_HOURS, "created_by": actor.user_id, "updated_at": now}, lock=True)
    if day is not None:
        cfg.day = day
    if time is not None:
        cfg.time = time
    # Times are read in the zone of the manager typing them unless a zone is named.
    cfg.tz = tz or actor.tz or fallback_tz
    if reminder_hours is not None:
        cfg.reminder_hours = reminder_hours
    cfg.updated_at = now
    repo.save_config(session=session, config=cfg)
    bump_schedule(session=session)
    _configured(session, actor)
    stakeholders = repo.stakeholder_ids(session=session, team_id=actor.team_id, project_id=project.id)
    return Outcome(reply=views.Scheduled(project.name, _schedule(cfg), _next(cfg, now), nobody_asked=not stakeholders),
                   reschedule=True)


@dataclass
class SendTarget:
    project_id: int
    project_name: str
    stakeholders: int


def prepare_send(*, session: Session, actor: Actor, project_name: str) -> SendTarget:
    """Checks for `/checkin send`; the poll itself goes out through the same flow as the schedule."""
    _managers_only(actor, "send check-ins")
    project = resolve(session=session, team_id=actor.team_id, name=project_name)
    assert project.id is not None
    if lessons_repo.closing_of(session=session, team_id=actor.team_id, project_id=project.id):
        raise UsageError(f"*{project.name}* is closed: its check-ins are no longer sent.")
    people = repo.stakeholder_ids(session=session, team_id=actor.team_id, project_id=project.id)
    if not people:
        raise views.NoStakeholders(project.name)
    return SendTarget(project.id, project.name, len(people))


# ---- results -----------------------------------------------------------------------------------------

def _weeks(now: datetime, tz: str) -> list[str]:
    today = local_date(now, tz)
    return [week_key(today - timedelta(weeks=n)) for n in range(TREND_WEEKS - 1, -1, -1)]


def project_stats(*, session: Session, team_id: str, project: Project, now: datetime | None = None
                  ) -> CheckinStats:
    """A project's check-in figures: latest average, weekly trend, comments, who has not answered."""
    now = now or clock.now()
    assert project.id is not None
    cfg = repo.get_config(session=session, team_id=team_id, project_id=project.id)
    tz = cfg.tz if cfg else "UTC"
    stats = CheckinStats(project.name, _schedule(cfg) if cfg else None, tz,
                         repo.stakeholder_ids(session=session, team_id=team_id, project_id=project.id))
    if cfg is not None:
        stats.next_at = _next(cfg, now)
    weeks = _weeks(now, tz)
    since = datetime.combine(local_date(now, tz) - timedelta(weeks=TREND_WEEKS, days=1), datetime.min.time(),
                             zone(tz))
    polls = repo.polls_since(session=session, team_id=team_id, project_id=project.id, since=since)
    latest = repo.latest_poll(session=session, team_id=team_id, project_id=project.id)
    if latest is not None:
        stats.latest_at = repo.aware(latest.sent_at)
    answers = repo.answers_for_polls(session=session, team_id=team_id,
                                     poll_ids=[p.id for p in polls if p.id is not None])
    week_of = {p.id: week_key(local_date(repo.aware(p.sent_at), tz)) for p in polls}
    by_week: dict[str, list[int]] = {w: [] for w in weeks}
    for a in answers:
        w = week_of.get(a.poll_id)
        if w in by_week and a.score is not None:
            by_week[w].append(a.score)
    stats.trend = [(w, sum(v) / len(v) if v else None, len(v)) for w, v in by_week.items()]
    commented = [a for a in answers if a.comment]
    commented.sort(key=lambda a: repo.aware(a.updated_at), reverse=True)
    stats.comments = [(a.user_id, repo.aware(a.updated_at), a.comment or "") for a in commented[:MAX_COMMENTS_SHOWN]]
    if latest is None or latest.id is None:
        return stats
    mine = [a for a in answers if a.poll_id == latest.id] or repo.answers(session=session, team_id=team_id,
                                                                          poll_id=latest.id)
    scores = [a.score for a in mine if a.score is not None]
    stats.average = sum(scores) / len(scores) if scores else None
    stats.statuses = {s: sum(1 for a in mine if a.status == s) for s in STATUSES}
    asked = repo.asked(session=session, team_id=team_id, poll_id=latest.id)
    answered = {a.user_id for a in mine}
    stats.asked = len(asked)
    stats.answered = len(answered)
    stats.not_answered = sorted(u for u, st in asked.items() if u not in answered and st != "failed")
    stats.unreachable = sorted(u for u, st in asked.items() if st == "failed" and u not in answered)
    return stats


def results(*, session: Session, actor: Actor, project_name: str, now: datetime | None = None) -> Outcome:
    _managers_only(actor, "see check-in results")
    project = resolve(session=session, team_id=actor.team_id, name=project_name)
    return Outcome(reply=project_stats(session=session, team_id=actor.team_id, project=project, now=now))


# ---- stakeholders answering --------------------------------------------------------------------------

@dataclass
class Answered:
    poll: CheckinPoll
    project_name: str
    answer: CheckinAnswer
    low: bool  # 2 or less, or off track: the managers are alerted

    def shown(self) -> views.Poll:
        """The poll as it now reads, with this answer."""
        assert self.poll.id is not None
        return views.Poll(self.project_name, self.poll.id, Answer.of(self.answer))


def open_poll(*, session: Session, team_id: str, poll_id: int, user_id: str, channel: str | None = None
              ) -> tuple[CheckinPoll, str]:
    """The poll this person may answer now, with its project's name; refuses anyone else or a closed poll.

    `channel` is where the button was pressed: a poll's buttons answer only in the DM it was sent to,
    so a copy shown elsewhere cannot be answered (not even by another stakeholder)."""
    poll = repo.get_poll(session=session, team_id=team_id, poll_id=poll_id)
    if poll is None:
        raise NotFound("This check-in no longer exists.")
    if not repo.was_asked(session=session, team_id=team_id, poll_id=poll_id, user_id=user_id, channel=channel):
        raise Refused("This check-in was sent to someone else: only the person asked can answer it.")
    latest = repo.latest_poll(session=session, team_id=team_id, project_id=poll.project_id)
    if latest is not None and latest.id != poll.id:
        raise Refused("Thank you, but this check-in has closed: a newer one has been sent. "
                      "Please answer that one.")
    project = projects_repo.get(session=session, team_id=team_id, project_id=poll.project_id)
    return poll, project.name if project else "the project"


def is_low(answer: CheckinAnswer) -> bool:
    return (answer.score is not None and answer.score <= LOW_SCORE) or answer.status == "off_track"


def answer(*, session: Session, team_id: str, user_id: str, poll_id: int, changes: dict[str, Any],
           channel: str | None = None, now: datetime | None = None) -> Answered:
    """Store (or change) an answer: `changes` holds score (1–5), status and/or comment."""
    if set(changes) - {"score", "status", "comment"}:
        raise ValueError(f"unknown answer fields: {sorted(changes)}")
    if "score" in changes and changes["score"] not in range(1, 6):
        raise UsageError("A score runs from 1 to 5.")
    if "status" in changes and changes["status"] not in STATUSES:
        raise UsageError("Choose on track, at risk or off track.")
    if "comment" in changes:
        comment = (changes["comment"] or "").strip()
        if len(comment) > MAX_COMMENT:
            raise UsageError(f"A comment can have at most {MAX_COMMENT} characters.")
        changes = {**changes, "comment": comment or None}
    poll, name = open_poll(session=session, team_id=team_id, poll_id=poll_id, user_id=user_id, channel=channel)
    row = repo.upsert_answer(session=session, poll=poll, user_id=user_id, now=now or clock.now(), changes=changes)
    return Answered(poll, name, row, is_low(row))


def current_answer(*, session: Session, team_id: str, poll_id: int, user_id: str, channel: str | None = None
                   ) -> tuple[str, CheckinAnswer | None]:
    """For the comment modal: the project's name and the answer so far (refusals as for answering)."""
    _, name = open_poll(session=session, team_id=team_id, poll_id=poll_id, user_id=user_id, channel=channel)
    return name, repo.get_answer(session=session, team_id=team_id, poll_id=poll_id, user_id=user_id)


# ---- the managers' alert -----------------------------------------------------------------------------

@dataclass
class Alert:
    occurrence: str
    managers: list[str]
    message: LowAnswer


def project_managers(*, session: Session, team_id: str, project: Project | None,
                     besides: str | None = None) -> list[str]:
    """A project's managers, who its alerts go to: the manager who created it and the one who
    configured its check-ins (each once, `besides` left out)."""
    if project is None or project.id is None:
        return []
    cfg = repo.get_config(session=session, team_id=team_id, project_id=project.id)
    managers: list[str] = []
    for who in (project.created_by, cfg.created_by if cfg else None):
        if who and who != besides and who not in managers:
            managers.append(who)
    return managers


def alert_plan(*, session: Session, team_id: str, poll_id: int, answerer: str) -> Alert | None:
    """Who to alert about a low answer: the project's creator and the manager who configured check-ins."""
    poll = repo.get_poll(session=session, team_id=team_id, poll_id=poll_id)
    row = repo.get_answer(session=session, team_id=team_id, poll_id=poll_id, user_id=answerer)
    if poll is None or row is None or not is_low(row):
        return None
    project = projects_repo.get(session=session, team_id=team_id, project_id=poll.project_id)
    managers = project_managers(session=session, team_id=team_id, project=project, besides=answerer)
    name = project.name if project else "a project"
    answer = Answer.of(row)
    assert answer is not None
    return Alert(poll.occurrence, managers, LowAnswer(name, poll_id, answerer, answer))


def risk_prefill(*, session: Session, team_id: str, poll_id: int, answerer: str, presser: str,
                 answerer_name: str | None = None) -> dict[str, Any]:
    """What the risk modal opens with when a manager logs a low answer as a risk."""
    if presser not in repo.recipients_of(session=session, team_id=team_id,
                                         what=repo.alert_what(poll_id, answerer)):
        raise Refused("Only the managers this alert was sent to can log it as a risk from here; "
                      "anyone can use `/risk` instead.")
    poll = repo.get_poll(session=session, team_id=team_id, poll_id=poll_id)
    row = repo.get_answer(session=session, team_id=team_id, poll_id=poll_id, user_id=answerer)
    if poll is None or row is None:
        raise NotFound("That check-in answer no longer exists.")
    project = projects_repo.get(session=session, team_id=team_id, project_id=poll.project_id)
    name = project.name if project else "the project"
    who = answerer_name or "A stakeholder"
    shown = views.describe(row).replace("*", "")
    description = f"{who} answered the {name} check-in: {shown}."
    return {"title": f"Stakeholder concern on {name}"[:200], "description": description[:3000],
            "project_id": poll.project_id, "probability": 3,
            "impact": 4 if (row.score or 5) <= 1 or row.status == "off_track" else 3}


# ---- reminders ---------------------------------------------------------------------------------------

@dataclass
class Reminder:
    team_id: str
    poll_id: int
    occurrence: str
    project_name: str
    users: list[str]


def reminders_due(*, session: Session, now: datetime) -> list[Reminder]:
    """For each project's latest poll past its reminder delay: who was asked, has not answered and has
    not been reminded (one reminder each)."""
    max_delay = timedelta(hours=24 * 7)
    polls = repo.latest_of_each(repo.recent_polls(session=session, since=now - max_delay - REMINDER_WINDOW))
    keys = {(p.team_id, p.project_id) for p in polls}
    configs = repo.configs_for(session=session, keys=keys)
    names = repo.project_names(session=session, keys=keys)
    out: list[Reminder] = []
    for p in polls:
        assert p.id is not None
        cfg = configs.get((p.team_id, p.project_id))
        delay = timedelta(hours=cfg.reminder_hours if cfg else DEFAULT_REMINDER_HOURS)
        due = repo.aware(p.sent_at) + delay
        if not due <= now < due + REMINDER_WINDOW:
            continue
        if lessons_repo.closing_of(session=session, team_id=p.team_id, project_id=p.project_id):
            continue  # the project closed since: no reminder either
        asked = {u for u, st in repo.asked(session=session, team_id=p.team_id, poll_id=p.id).items()
                 if st == "sent"}
        if not asked:
            continue
        answered = {u for _, u in repo.answered_by(session=session, team_id=p.team_id, poll_ids=[p.id])}
        reminded = repo.recipients_of(session=session, team_id=p.team_id, what=repo.reminder_what(p.id))
        current = set(repo.stakeholder_ids(session=session, team_id=p.team_id, project_id=p.project_id))
        users = sorted((asked & current) - answered - reminded)
        if users:
            out.append(Reminder(p.team_id, p.id, p.occurrence, names.get((p.team_id, p.project_id), "a project"),
                                users))
    return out
