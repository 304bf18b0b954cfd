"""Managers' summaries: the week's risks, feedback, stakeholder scores, stand-ups and
the rhythm's own failures, on demand (`/summary`) and every Monday by DM."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.errors import Refused
from bot.outcomes import Outcome
from bot.people import Actor
from bot.projects.lookup import resolve
from bot.risks import service as risks
from bot.schedules import (
    LOOKBACK,
    SUMMARY_DAY,
    SUMMARY_TIME,
    bump_schedule,
    latest_fire,
    local_date,
    summary_job_key,
    week_key,
    zone,
)
from bot.schedules import (
    weekly as weekly_trigger,
)
from bot.scope import health as scope_health
from bot.summaries.grammar import AllOpenRisks, Summarize, SummaryRequest
from bot.summaries.views import ProjectHealth, ProjectScores, Summary, WeekScore
from storage import clock
from storage.models import Project
from storage.repositories import lessons as lessons_repo
from storage.repositories import projects as projects_repo
from storage.repositories import runs, subscribers
from storage.repositories import summaries as repo
from storage.repositories.summaries import PollScore

WINDOW = timedelta(days=7)  # "this week": new risks, feedback, failures and missed runs
WEEKS = 6  # stakeholder scores are shown as a trend over this many ISO weeks
TOP_RISKS = 10
NEW_RISKS = 5
OVERDUE = 8
WAITING = 3
FAILURES = 5

REFUSAL = ("Sorry, the summary is for managers (people in BOT_MANAGERS and workspace admins). "
           "`/risk list` and `/project show NAME` show the figures everyone can see.")


def weeks_start(today: date, weeks: int = WEEKS) -> datetime:
    """Midnight UTC on the Monday that starts the first of the last `weeks` ISO weeks."""
    monday = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    return datetime.combine(monday, time(), UTC)


def trend(polls: list[PollScore]) -> list[WeekScore]:
    """Polls (any order) folded into ISO weeks of when they were sent; weeks without scores left out."""
    sums: dict[str, list[int]] = {}
    for p in polls:
        if p.scored:
            acc = sums.setdefault(week_key(p.sent_at.astimezone(UTC).date()), [0, 0])
            acc[0] += p.score_sum
            acc[1] += p.scored
    return [WeekScore(w, round(s / n, 1), n) for w, (s, n) in sorted(sums.items())]


def stakeholder_scores(*, session: Session, team_id: str, today: date, project_id: int | None = None,
                       names: dict[int, str] | None = None) -> list[ProjectScores]:
    """Per project with polls in the last weeks: the weekly trend and who has not answered the latest poll;
    lowest latest score first (projects without scores last)."""
    since = weeks_start(today)
    polls = repo.poll_scores(session=session, team_id=team_id, since=since, project_id=project_id)
    silent = repo.latest_non_responders(session=session, team_id=team_id, since=since, project_id=project_id)
    by_project: dict[int, list[PollScore]] = {}
    for p in polls:
        by_project.setdefault(p.project_id, []).append(p)
    if names is None:
        names = {k: v.name for k, v in projects_repo.by_ids(session=session, team_id=team_id,
                                                             ids=set(by_project)).items()}
    out = []
    for pid, rows in by_project.items():
        last = max(rows, key=lambda r: (r.sent_at, r.poll_id))
        out.append(ProjectScores(pid, names.get(pid, f"project {pid}"), trend(rows), answered=last.answers,
                                 at_risk=last.at_risk, off_track=last.off_track, not_answered=silent.get(pid, [])))
    return sorted(out, key=lambda s: (s.latest is None, s.latest or 0.0, s.name.lower()))


def collect(*, session: Session, team_id: str, today: date, now: datetime | None = None,
            project: Project | None = None) -> Summary:
    """Everything a summary shows, read in one unit of work."""
    now = now or clock.now()
    since = now - WINDOW
    pid = project.id if project else None
    s = Summary(team_id=team_id, today=today, since=since, now=now, project=project)
    s.top_risks, s.open_total = repo.top_open_risks(session=session, team_id=team_id, project_id=pid,
                                                    limit=TOP_RISKS)
    s.new_risks, s.new_total = repo.new_risks(session=session, team_id=team_id, since=since, project_id=pid,
                                              limit=NEW_RISKS)
    s.overdue, s.overdue_total = repo.overdue_reviews(session=session, team_id=team_id, today=today,
                                                      project_id=pid, limit=OVERDUE)
    s.sentiment = repo.feedback_by_sentiment(session=session, team_id=team_id, since=since, project_id=pid)
    s.lessons_total = lessons_repo.count_since(session=session, team_id=team_id, since=since, project_id=pid)
    s.waiting, s.waiting_total = repo.feedback_waiting(session=session, team_id=team_id, project_id=pid,
                                                       limit=WAITING)
    if project is None:
        s.standups = repo.standup_participation(session=session, team_id=team_id, since=today - timedelta(days=6))
        s.failures, s.failures_total = repo.failed_deliveries(session=session, team_id=team_id, since=since,
                                                              limit=FAILURES)
        s.missed, s.missed_total = repo.missed_runs(session=session, team_id=team_id, since=since)
    elif project.channel_id:
        s.standups = repo.standup_participation(session=session, team_id=team_id, since=today - timedelta(days=6),
                                                channel_id=project.channel_id)
    # lowest participation first; stand-ups that sent nothing last
    s.standups.sort(key=lambda r: (r.answers / r.prompts if r.prompts else 2.0, r.channel_id))
    ids = {r.project_id for r in (*s.top_risks, *s.new_risks, *s.overdue) if r.project_id}
    ids |= {f.project_id for f in s.waiting if f.project_id}
    ids |= {int(k) for k in (r.job_key.partition(":")[2] for r in s.missed if r.job_key.startswith("checkin:"))
            if k.isdigit()}
    s.scores = stakeholder_scores(session=session, team_id=team_id, today=today, project_id=pid)
    ids -= {p.project_id for p in s.scores}
    s.project_names = {p.project_id: p.name for p in s.scores}
    s.project_names.update({k: v.name for k, v in projects_repo.by_ids(session=session, team_id=team_id,
                                                                       ids=ids).items()})
    s.scope = scope_health.for_summary(session=session, team_id=team_id, project=project, scores=s.scores)
    return s


def subscribe(*, session: Session, team_id: str, user_id: str, tz: str | None, now: datetime | None = None,
              fallback_tz: str = "UTC", bump: bool = True) -> bool:
    """Subscribe a manager to the weekly DM; True when the schedule changed (the caller reschedules;
    with `bump=False` the caller also moves the schedule's version, once for several subscriptions).

    A summary whose Monday 08:00 has already passed was never this subscriber's: it is recorded as
    skipped, so the next start neither sends it late nor reports it as missed."""
    try:
        with session.begin_nested():
            changed = subscribers.subscribe(session=session, team_id=team_id, user_id=user_id, tz=tz)
            session.flush()
    except IntegrityError:  # subscribed at this very moment by another process
        return False
    if not changed:
        return False
    if bump:
        bump_schedule(session=session)
    zone_name = tz or fallback_tz
    last = latest_fire(weekly_trigger([SUMMARY_DAY], SUMMARY_TIME, zone_name), now or clock.now(), LOOKBACK)
    if last is not None:  # this week's summary is the answer they just had: the Monday one skips it
        runs.claim(session=session, team_id=team_id, job_key=summary_job_key(user_id),
                   occurrence=week_key(local_date(last, zone_name)), status="skipped")
    return True


def fire_time(week: str, tz: str | None, fallback_tz: str = "UTC") -> datetime:
    """When the weekly summary of ISO week `week` (2026-W48) is due: its Monday at 08:00 in `tz`."""
    year, _, num = week.partition("-W")
    monday = date.fromisocalendar(int(year), int(num), 1)
    return datetime.combine(monday, time(8, 0), zone(tz, fallback_tz))


def perform(request: SummaryRequest, *, session: Session, actor: Actor) -> Outcome:
    """Carry out a summary request as `actor`."""
    match request:
        case Summarize(project_name=name):
            return build(session=session, actor=actor, project_name=name)
        case AllOpenRisks(project_id=project_id):
            return all_open_risks(session=session, actor=actor, project_id=project_id)


def build(*, session: Session, actor: Actor, project_name: str | None = None, today: date | None = None) -> Outcome:
    """`/summary [project=NAME]`: managers only; using it subscribes them to the weekly DM."""
    if not actor.is_manager:
        raise Refused(REFUSAL)
    project = resolve(session=session, team_id=actor.team_id, name=project_name) if project_name else None
    now = clock.now()
    today = today or local_date(now, actor.tz)
    changed = subscribe(session=session, team_id=actor.team_id, user_id=actor.user_id, tz=actor.tz, now=now)
    data = collect(session=session, team_id=actor.team_id, today=today, now=now, project=project)
    data.subscribed = changed
    return Outcome(reply=data, reschedule=changed)


def all_open_risks(*, session: Session, actor: Actor, project_id: int | None = None) -> Outcome:
    """The summary's button: the register's first page of open risks, as `/risk list` shows it."""
    return risks.list_page(session=session, actor=actor, project_id=project_id, page=1)


def weekly(*, session: Session, team_id: str, today: date, week: str, now: datetime | None = None) -> Summary:
    """The weekly DM of ISO week `week` (one delivery, in as many parts as its front end needs)."""
    data = collect(session=session, team_id=team_id, today=today, now=now)
    data.week = week
    return data


def health_extra(*, session: Session, team_id: str, project: Project, today: date | None = None) -> ProjectHealth:
    """`/project show` figures: the latest stakeholder score with its trend, and stand-up participation."""
    today = today or clock.now().date()
    assert project.id is not None
    scores = stakeholder_scores(session=session, team_id=team_id, today=today, project_id=project.id,
                                names={project.id: project.name})
    rates = (repo.standup_participation(session=session, team_id=team_id, since=today - timedelta(days=6),
                                        channel_id=project.channel_id) if project.channel_id else [])
    return ProjectHealth(scores[0] if scores else None, rates, project.channel_id)
