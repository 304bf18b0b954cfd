"""Projects: creation by managers, names unique in any case, lookup with the closest names, health."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from bot.deps import Actor
from bot.errors import NotFound, Refused, UsageError
from bot.feedback import service as feedback
from bot.projects import service as projects
from bot.risks import service as risks
from storage.models import Project
from tests.bot.conftest import MANAGER, MEMBER, TEAM, Db


def names(db: Db, team: str = TEAM) -> list[str]:
    with db.session() as s:
        return list(s.exec(select(Project.name).where(Project.team_id == team).order_by(Project.id)))


def test_create_with_details(db: Db) -> None:
    out = db.run(projects.create, actor=MANAGER, name="  Big   Deal ", client="Acme", channel_id="C1",
                 deadline=date(2030, 1, 1), budget=50_000.0)
    assert "Big Deal" in out.reply["text"]
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
    with pytest.raises(UsageError, match="already"):
        db.run(projects.create, actor=MANAGER, name=again)
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
        assert projects.resolve(session=s, team_id=TEAM, name="big DEAL").name == "Big Deal"


def test_resolve_unknown_names_the_closest_and_the_hint(db: Db) -> None:
    for n in ("Apollo", "Apollo Two", "Zeus"):
        db.run(projects.create, actor=MANAGER, name=n)
    with db.session() as s, pytest.raises(NotFound) as e:
        projects.resolve(session=s, team_id=TEAM, name="apolo")
    msg = e.value.message
    assert "*Apollo*" in msg and "Zeus" not in msg and "`/project new apolo`" in msg


def test_resolve_with_nothing_close(db: Db) -> None:
    db.run(projects.create, actor=MANAGER, name="Zeus")
    with db.session() as s, pytest.raises(NotFound) as e:
        projects.resolve(session=s, team_id=TEAM, name="Completely different")
    assert "Did you mean" not in e.value.message and "/project new" in e.value.message


def test_resolve_never_finds_another_workspaces_project(db: Db) -> None:
    db.run(projects.create, actor=Actor("T2", "UBOSS", is_manager=True), name="Apollo")
    with db.session() as s, pytest.raises(NotFound) as e:
        projects.resolve(session=s, team_id=TEAM, name="Apollo")
    assert "Did you mean" not in e.value.message


def test_list(db: Db) -> None:
    assert "No projects" in db.run(projects.list_projects, write=False, actor=MEMBER).reply["text"]
    for n in ("zeta", "Alpha"):
        db.run(projects.create, actor=MANAGER, name=n)
    text = db.run(projects.list_projects, write=False, actor=MEMBER).reply["text"]
    assert text.index("Alpha") < text.index("zeta")


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
    reply = json.dumps(db.run(projects.show, write=False, actor=MEMBER, name="APOLLO").reply)
    assert "3: 2 Critical, 1 High" in reply
    assert "2 (1 positive, 0 neutral, 1 negative); 1 not acted on" in reply
