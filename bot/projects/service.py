"""Projects: creation, listing, lookup by name and health figures."""

from __future__ import annotations

from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from bot.errors import Refused, UsageError
from bot.lessons.service import earlier
from bot.outcomes import Outcome
from bot.people import Actor
from bot.projects import targets
from bot.projects.closing import close
from bot.projects.grammar import USAGE, CloseProject, CreateProject, ListProjects, ProjectRequest, ShowProject
from bot.projects.lookup import DuplicateProject, resolve
from bot.projects.targets import UpdateProject
from bot.projects.views import Created, Health, ProjectCard, ProjectList
from storage.models import Project
from storage.repositories import feedback as feedback_repo
from storage.repositories import lessons as lessons_repo
from storage.repositories import projects as repo
from storage.repositories import risks as risks_repo

MAX_NAME = 80
BASELINE_HINT = ("Before the work is committed, set its scope baseline: "
                 "`/scope set project={name} days=N in=\"…\" out=\"…\"`.")


def perform(request: ProjectRequest, *, session: Session, actor: Actor) -> Outcome:
    """Carry out a `/project` request (see `bot.projects.grammar`)."""
    match request:
        case CreateProject():
            return create(session=session, actor=actor, name=request.name, client=request.client,
                          channel_id=request.channel_id, deadline=request.deadline, budget=request.budget,
                          target=request.target, booked=request.booked, usage=USAGE)
        case ListProjects():
            return list_projects(session=session, actor=actor)
        case ShowProject():
            return show(session=session, actor=actor, name=request.name)
        case CloseProject():
            return close(session=session, actor=actor, request=request)
        case UpdateProject():
            return targets.update(session=session, actor=actor, request=request)
    raise TypeError(f"not a project request: {type(request).__name__}")


def create(*, session: Session, actor: Actor, name: str, client: str | None = None,
           channel_id: str | None = None, deadline: date | None = None, budget: float | None = None,
           target: float | None = None, booked: float | None = None, usage: str | None = None) -> Outcome:
    if not actor.is_manager:
        raise Refused("Sorry, only managers can create projects. Ask a manager to run `/project new`.")
    name = " ".join(name.split())
    if not name:
        raise UsageError("Give the project a name.", usage)
    if len(name) > MAX_NAME:
        raise UsageError(f"A project name can have at most {MAX_NAME} characters.", usage)
    if repo.get_by_name(session=session, team_id=actor.team_id, name=name) is not None:
        raise DuplicateProject(name)
    project = Project(team_id=actor.team_id, name=name, name_key=name.lower(), client=client,
                      channel_id=channel_id, deadline=deadline, budget=budget, target=target, booked=booked,
                      created_by=actor.user_id)
    try:
        with session.begin_nested():
            repo.add(session=session, project=project)
    except IntegrityError:
        raise DuplicateProject(name) from None
    lessons = earlier(session=session, team_id=actor.team_id, project=project)
    repo.record_event(session=session, project=project, actor_id=actor.user_id, action="created",
                      changes={k: [None, v] for k, v in (
                          ("client", client), ("channel", channel_id), ("deadline", deadline),
                          ("budget", budget), ("target", target), ("booked", booked)) if v is not None})
    # Last time's lessons first, so they are read before the work is committed; then the baseline reminder.
    hint = BASELINE_HINT.format(name=project.name)
    return Outcome(reply=Created(project), more=[lessons, hint] if lessons else [hint])


def list_projects(*, session: Session, actor: Actor) -> Outcome:
    rows = repo.list_all(session=session, team_id=actor.team_id)
    closed = lessons_repo.closings(session=session, team_id=actor.team_id, ids={p.id for p in rows if p.id})
    return Outcome(reply=ProjectList(rows, closed))


def health(*, session: Session, team_id: str, project: Project, viewer: Actor,
           today: date | None = None) -> Health:
    """Figures for `/project show`: open risks by band, feedback counts (of the feedback `viewer`
    may see), and the summary's figures: the latest stakeholder score with its trend and stand-up
    participation."""
    from bot.risks.bands import band
    from bot.scope.health import project_scope
    from bot.summaries.service import health_extra

    assert project.id is not None
    figures = Health()
    for score, n in risks_repo.open_by_band(session=session, team_id=team_id, project_id=project.id).items():
        figures.risks[band(score)] += n
    figures.feedback = feedback_repo.counts(session=session, team_id=team_id, project_id=project.id,
                                            viewer_id=viewer.user_id, viewer_is_manager=viewer.is_manager)
    figures.extra = health_extra(session=session, team_id=team_id, project=project, today=today)
    figures.scope = project_scope(session=session, team_id=team_id, project=project, scores=figures.extra.scores)
    return figures


def show(*, session: Session, actor: Actor, name: str) -> Outcome:
    project = resolve(session=session, team_id=actor.team_id, name=name)
    assert project.id is not None
    closing = lessons_repo.closing_of(session=session, team_id=actor.team_id, project_id=project.id)
    return Outcome(reply=ProjectCard(project, health(session=session, team_id=actor.team_id, project=project,
                                                     viewer=actor), closing))
