"""Managers' summaries: the week's risks, feedback, stakeholder scores, stand-ups and
the rhythm's own failures, on demand (`/summary`) and every Monday by DM."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.deps import Actor
from bot.errors import Refused
from bot.outcomes import Outcome
from bot.projects.service import resolve
from handlers.slack.render import summaries as ui
from handlers.slack.render.common import MAX_RESPONSES
from scheduler.runtime import LOOKBACK, bump_schedule, summary_spec
from scheduler.triggers import latest_fire, local_date, week_key, zone
from storage import clock
from storage.models import Feedback, Project, Risk
from storage.models_rhythm import Delivery, JobRun, SummarySubscriber
from storage.repositories import projects as projects_repo
from storage.repositories import runs, subscribers
from storage.repositories import summaries as repo
from storage.repositories.summaries import PollScore, StandupRate

WINDOW = timedelta(days=7)  # "this week": new risks, feedback, failures and missed runs
WEEKS = 6  # stakeholder scores are shown as a trend over this many ISO weeks
TOP_RISKS = 10
NEW_RISKS = 5
OVERDUE = 8
WAITING = 3
FAILURES = 5


@dataclass
class WeekScore:
    week: str  # ISO week, e.g. 2026-W48
    average: float
    answers: int


@dataclass
class ProjectScores:
    """A project's stakeholder check-ins: weekly averages (oldest first) and its latest poll."""

    project_id: int
    name: str
    weeks: list[WeekScore]
    answered: int = 0  # in the latest poll
    at_risk: int = 0
    off_track: int = 0
    not_answered: list[str] = field(default_factory=list)

    @property
    def latest(self) -> float | None:
        return self.weeks[-1].average if self.weeks else None

    @property
    def change(self) -> float | None:
        return round(self.weeks[-1].average - self.weeks[-2].average, 1) if len(self.weeks) > 1 else None


@dataclass
class Summary:
    team_id: str
    today: date
    since: datetime
    now: datetime
    project: Project | None = None
    week: str | None = None  # set for the weekly DM
    subscribed: bool = False  # this request subscribed the manager to the weekly DM
    top_risks: list[Risk] = field(default_factory=list)
    open_total: int = 0
    new_risks: list[Risk] = field(default_factory=list)
    new_total: int = 0
    overdue: list[Risk] = field(default_factory=list)
    overdue_total: int = 0
    sentiment: dict[str, int] = field(default_factory=dict)
    waiting: list[Feedback] = field(default_factory=list)
    waiting_total: int = 0
    scores: list[ProjectScores] = field(default_factory=list)
    standups: list[StandupRate] = field(default_factory=list)
    failures: list[Delivery] = field(default_factory=list)
    failures_total: int = 0
    missed: list[JobRun] = field(default_factory=list)
    missed_total: int = 0
    project_names: dict[int, str] = field(default_factory=dict)


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
    spec = summary_spec(SummarySubscriber(team_id=team_id, user_id=user_id, tz=tz), fallback_tz)
    last = latest_fire(spec.trigger, now or clock.now(), LOOKBACK)
    if last is not None:
        runs.claim(session=session, team_id=team_id, job_key=spec.job_key, occurrence=spec.occurrence(last),
                   status="skipped")
    return True


def fire_time(week: str, tz: str | None, fallback_tz: str = "UTC") -> datetime:
    """When the weekly summary of ISO week `week` (2026-W48) is due: its Monday at 08:00 in `tz`."""
    year, _, num = week.partition("-W")
    monday = date.fromisocalendar(int(year), int(num), 1)
    return datetime.combine(monday, time(8, 0), zone(tz, fallback_tz))


def build(*, session: Session, actor: Actor, project_name: str | None = None, today: date | None = None) -> Outcome:
    """`/summary [project=NAME]`: managers only; using it subscribes them to the weekly DM."""
    if not actor.is_manager:
        raise Refused(ui.REFUSAL)
    project = resolve(session=session, team_id=actor.team_id, name=project_name) if project_name else None
    now = clock.now()
    today = today or local_date(now, actor.tz)
    changed = subscribe(session=session, team_id=actor.team_id, user_id=actor.user_id, tz=actor.tz, now=now)
    data = collect(session=session, team_id=actor.team_id, today=today, now=now, project=project)
    data.subscribed = changed
    first, *more = ui.summary(data, max_messages=MAX_RESPONSES)
    return Outcome(reply=first, more=more, reschedule=changed)


def weekly(*, session: Session, team_id: str, today: date, week: str, now: datetime | None = None
           ) -> list[dict[str, Any]]:
    """The weekly DM's messages (one delivery, in as many parts as Slack's limits need)."""
    data = collect(session=session, team_id=team_id, today=today, now=now)
    data.week = week
    return ui.summary(data)


def health_extra(*, session: Session, team_id: str, project: Project, today: date | None = None) -> list[str]:
    """`/project show` fields: the latest stakeholder score with its trend, and stand-up participation."""
    today = today or clock.now().date()
    assert project.id is not None
    scores = stakeholder_scores(session=session, team_id=team_id, today=today, project_id=project.id,
                                names={project.id: project.name})
    rates = (repo.standup_participation(session=session, team_id=team_id, since=today - timedelta(days=6),
                                        channel_id=project.channel_id) if project.channel_id else [])
    return ui.health_fields(scores[0] if scores else None, rates, project.channel_id)
