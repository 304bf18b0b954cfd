"""A project's scope and commercial figures for `/project show` and the summaries: the creep on top
of the baseline (or "no scope baseline"), booked against target, and the stakeholder satisfaction
beside them with the "on target, client satisfaction falling" flag."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from bot.scope import figures
from bot.scope.views import ProjectScope
from bot.summaries.views import ProjectScores
from storage.models import Project
from storage.repositories import projects as projects_repo
from storage.repositories import scope as repo

SUMMARY_PROJECTS = 10  # projects on a workspace summary's scope and targets lines


def project_scope(*, session: Session, team_id: str, project: Project, scores: ProjectScores | None
                  ) -> ProjectScope:
    """`scores` are the project's stakeholder scores as the summaries compute them (weekly averages)."""
    assert project.id is not None
    base = repo.baseline(session=session, team_id=team_id, project_id=project.id)
    creep = None
    if base is not None:
        creep = figures.creep(base.days, repo.approved_days(session=session, team_id=team_id,
                                                            project_id=project.id))
    weekly = [w.average for w in scores.weeks] if scores else []
    return ProjectScope(
        project.id, project.name, creep=creep, no_baseline=base is None and project.deadline is not None,
        target=project.target, booked=project.booked, latest=scores.latest if scores else None,
        change=scores.change if scores else None,
        flag=figures.satisfaction_flag(project.target, project.booked, weekly))


def for_summary(*, session: Session, team_id: str, project: Project | None,
                scores: Sequence[ProjectScores]) -> list[ProjectScope]:
    """The summary's lines: the one project asked for, or every project with something to say
    (flagged first, then by name), at most `SUMMARY_PROJECTS`."""
    by_id = {s.project_id: s for s in scores}
    projects = [project] if project is not None else projects_repo.list_all(session=session, team_id=team_id)
    rows = [project_scope(session=session, team_id=team_id, project=p, scores=by_id.get(p.id or 0))
            for p in projects]
    rows = [r for r in rows if r.worth_showing]
    rows.sort(key=lambda r: (not r.flag, not r.no_baseline, r.name.lower()))
    return rows[:SUMMARY_PROJECTS]
