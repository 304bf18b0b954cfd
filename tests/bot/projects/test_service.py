"""Projects: creation by managers, names unique in any case, lookup with the closest names, health."""

from __future__ import annotations

from datetime import date
from functools import partial

import pytest
from sqlmodel import select

from bot.errors import NotFound, Refused, UsageError
from bot.feedback import service as feedback
from bot.people import Actor
from bot.projects import service as projects
from bot.projects.grammar import USAGE, CreateProject, ListProjects, ShowProject
from bot.projects.lookup import DuplicateProject, UnknownProject, resolve
from bot.projects.views import Created, ProjectCard, ProjectList
from bot.risks import service as risks
from storage.models import Project
from tests.bot.people import MANAGER, MEMBER, TEAM
from tests.bot.units import Db


def names(db: Db, team: str = TEAM) -> list[str]:
    with db.session() as s:
        return list(s.exec(select(Project.name).where(Project.team_id == team).order_by(Project.id)))


def test_create_with_details(db: Db) -> None:
    out = db.run(projects.create, actor=MANAGER, name="  Big   Deal ", client="Acme", channel_id="C1",
                 deadline=date(2030, 1, 1), budget=50_000.0)
    assert isinstance(out.reply, Created) and out.reply.project.name == "Big Deal"
    with db.session() as s:
        p = s.exec(select(Project)).one()
    assert (p.name, p.name_key, p.client, p.channel_id, p.deadline, p.budget, p.created_by, p.team_id) == (
        "Big Deal", "big deal", "Acme", "C1", date(2030, 1, 1), 50_000.0, "UMGR", TEAM)


def test_only_managers_create(db: Db) -> None:
    with pytest.raises(Refused, match="managers"):
        db.run(projects.create, actor=MEMBER, name="Apollo")
    assert names(db) == []


@pytest.mark.parametrize("again", ["Apollo", "apollo", "APOLLO", " apollo "])
def test_duplicate_names_are_refused_in_any_case(db: Db, again: str) -> None:
    db.run(projects.create, actor=MANAGER, name="Apollo")
    with pytest.raises(DuplicateProject, match="already") as e:
        db.run(projects.create, actor=MANAGER, name=again)
    assert isinstance(e.value, UsageError) and e.value.name == " ".join(again.split())
    assert names(db) == ["Apollo"]


def test_same_name_in_another_workspace_is_fine(db: Db) -> None:
    db.run(projects.create, actor=MANAGER, name="Apollo")
    db.run(projects.create, actor=Actor("T2", "UBOSS", is_manager=True), name="Apollo")
    assert names(db) == ["Apollo"] and names(db, "T2") == ["Apollo"]


@pytest.mark.parametrize("name,match", [("   ", "name"), ("x" * 81, "80")])
def test_bad_names(db: Db, name: str, match: str) -> None:
    with pytest.raises(UsageError, match=match):
        db.run(projects.create, actor=MANAGER, name=name)


def test_resolve_any_case(db: Db) -> None:
    db.run(projects.create, actor=MANAGER, name="Big Deal")
    with db.session() as s:
        assert resolve(session=s, team_id=TEAM, name="big DEAL").name == "Big Deal"


def test_resolve_unknown_names_the_closest_and_the_hint(db: Db) -> None:
    for n in ("Apollo", "Apollo Two", "Zeus"):
        db.run(projects.create, actor=MANAGER, name=n)
    with db.session() as s, pytest.raises(NotFound) as e:
        resolve(session=s, team_id=TEAM, name="apolo")
    msg = e.value.message
    assert "*Apollo*" in msg and "Zeus" not in msg and "`/project new apolo`" in msg
    assert isinstance(e.value, UnknownProject) and e.value.name == "apolo"
    assert e.value.close == ["Apollo", "Apollo Two"]


def test_resolve_with_nothing_close(db: Db) -> None:
    db.run(projects.create, actor=MANAGER, name="Zeus")
    with db.session() as s, pytest.raises(NotFound) as e:
        resolve(session=s, team_id=TEAM, name="Completely different")
    assert "Did you mean" not in e.value.message and "/project new" in e.value.message
    assert isinstance(e.value, UnknownProject) and e.value.close == []


def test_resolve_never_finds_another_workspaces_project(db: Db) -> None:
    db.run(projects.create, actor=Actor("T2", "UBOSS", is_manager=True), name="Apollo")
    with db.session() as s, pytest.raises(NotFound) as e:
        resolve(session=s, team_id=TEAM, name="Apollo")
    assert "Did you mean" not in e.value.message


def listed(db: Db) -> list[str]:
    view = db.run(projects.list_projects, write=False, actor=MEMBER).reply
    assert isinstance(view, ProjectList)
    return [p.name for p in view.projects]


def test_list(db: Db) -> None:
    assert listed(db) == []
    for n in ("zeta", "Alpha"):
        db.run(projects.create, actor=MANAGER, name=n)
    assert listed(db) == ["Alpha", "zeta"]


def test_show_counts_open_risks_by_band_and_feedback(db: Db) -> None:
    db.run(projects.create, actor=MANAGER, name="Apollo")
    for p, i in ((5, 5), (4, 4), (3, 4), (1, 1)):
        db.run(risks.add, actor=MEMBER, data=risks.RiskInput(title="r", probability=p, impact=i,
                                                             project_name="apollo"))
    db.run(risks.close, actor=MEMBER, number=4)
    db.run(feedback.give, actor=MEMBER, data=feedback.FeedbackInput(text="great", sentiment="positive",
                                                                     project_name="Apollo"))
    db.run(feedback.give, actor=MEMBER, data=feedback.FeedbackInput(text="bad", sentiment="negative",
                                                                     project_name="Apollo"))
    db.run(feedback.act, actor=MANAGER, number=2, what="fixed")
    card = db.run(projects.show, write=False, actor=MEMBER, name="APOLLO").reply
    assert isinstance(card, ProjectCard) and card.project.name == "Apollo"
    assert card.health.risks == {"Critical": 2, "High": 1, "Medium": 0, "Low": 0}
    assert card.health.feedback == {"total": 2, "open": 1, "positive": 1, "neutral": 0, "negative": 1}
    assert card.health.extra is not None and card.health.extra.scores is None  # no check-in answers yet


def test_perform_carries_out_each_request(db: Db) -> None:
    out = db.run(partial(projects.perform, CreateProject(name="Apollo", client="Acme")), actor=MANAGER)
    assert isinstance(out.reply, Created) and out.reply.project.client == "Acme"
    view = db.run(partial(projects.perform, ListProjects()), write=False, actor=MEMBER).reply
    assert isinstance(view, ProjectList) and [p.name for p in view.projects] == ["Apollo"]
    card = db.run(partial(projects.perform, ShowProject(name="apollo")), write=False, actor=MEMBER).reply
    assert isinstance(card, ProjectCard) and card.project.name == "Apollo"
    with pytest.raises(UsageError) as e:  # bad input through the command is answered with its usage
        db.run(partial(projects.perform, CreateProject(name="x" * 81)), actor=MANAGER)
    assert e.value.usage == USAGE
