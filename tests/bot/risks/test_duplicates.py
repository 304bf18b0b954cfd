"""Similar open risks named on add, and closing the new one as a duplicate (both histories keep it)."""

from __future__ import annotations

import json

import pytest
from sqlmodel import col, select

from bot.errors import NotFound, Refused, UsageError
from bot.people import Actor
from bot.projects import service as projects
from bot.risks import duplicates
from bot.risks import service as risks
from bot.risks.grammar import RiskInput
from bot.risks.views import ClosedAsDuplicate, RiskAdded
from storage.models import Risk, RiskEvent
from tests.bot.people import MANAGER, MEMBER, OTHER, OWNER, TEAM
from tests.bot.units import Db


def add(db: Db, title: str, actor: Actor = MEMBER, project: str | None = "Apollo", **kw: object) -> RiskAdded:
    outcome = db.run(risks.add, actor=actor, data=RiskInput(title=title, project_name=project, **kw))  # type: ignore[arg-type]
    assert isinstance(outcome.reply, RiskAdded)
    return outcome.reply


def events(db: Db, number: int) -> list[RiskEvent]:
    with db.session() as s:
        risk = s.exec(select(Risk).where(Risk.team_id == TEAM, Risk.number == number)).one()
        return list(s.exec(select(RiskEvent).where(RiskEvent.risk_id == risk.id).order_by(col(RiskEvent.id))))


def status(db: Db, number: int) -> str:
    with db.session() as s:
        return s.exec(select(Risk.status).where(Risk.team_id == TEAM, Risk.number == number)).one()


@pytest.fixture
def apollo(db: Db) -> None:
    db.run(projects.create, actor=MANAGER, name="Apollo")
    db.run(projects.create, actor=MANAGER, name="Hermes")


def test_a_new_risk_like_an_open_one_of_the_project_names_it_and_is_still_logged(db: Db, apollo: None) -> None:
    add(db, "Vendor API may slip")
    add(db, "Office move")
    added = add(db, "Vendor API slipping")
    assert added.risk.number == 3 and status(db, 3) == "open"
    assert [r.number for r in added.similar] == [1]


def test_only_open_risks_of_the_same_project_count(db: Db, apollo: None) -> None:
    add(db, "Vendor API may slip", project="Hermes")
    add(db, "Vendor API may slip", project=None)
    add(db, "Vendor API may slip")
    db.run(risks.close, actor=MEMBER, number=3)
    assert add(db, "Vendor API slipping").similar == ()
    assert [r.number for r in add(db, "Vendor API slips", project=None).similar] == [2]


def test_unlike_titles_are_not_named(db: Db, apollo: None) -> None:
    add(db, "Office move")
    add(db, "Budget approval late")
    assert add(db, "Vendor API slip").similar == ()
    assert add(db, "Budget overrun").similar == ()


def test_at_most_three_are_named_newest_first(db: Db, apollo: None) -> None:
    for _ in range(5):
        add(db, "Key client contact leaving")
    assert [r.number for r in add(db, "Client's key contact leaves").similar] == [5, 4, 3]


@pytest.mark.parametrize("actor", [MEMBER, MANAGER, OWNER])
def test_closing_as_duplicate_keeps_it_in_both_histories(db: Db, apollo: None, actor: Actor) -> None:
    add(db, "Vendor API may slip", actor=OTHER)
    add(db, "Vendor API slipping", owner_id=OWNER.user_id)
    outcome = db.run(duplicates.perform, request=duplicates.CloseAsDuplicate(2, 1), actor=actor)
    assert isinstance(outcome.reply, ClosedAsDuplicate)
    assert (outcome.reply.risk.number, outcome.reply.original.number) == (2, 1)
    assert (status(db, 2), status(db, 1)) == ("closed", "open")
    new = events(db, 2)[-1]
    assert (new.action, new.actor_id, new.note) == ("closed", actor.user_id, "Duplicate of R-1")
    assert json.loads(new.changes) == {"status": ["open", "closed"], "duplicate_of": [None, "R-1"]}
    old = events(db, 1)[-1]
    assert (old.action, old.actor_id) == ("duplicate", actor.user_id)
    assert json.loads(old.changes) == {"duplicate": [None, "R-2"]}


def test_someone_who_may_not_close_the_new_risk_is_refused_and_nothing_changes(db: Db, apollo: None) -> None:
    add(db, "Vendor API may slip", actor=OTHER)  # OTHER logged the one it repeats, not the new one
    add(db, "Vendor API slipping")
    with pytest.raises(Refused):
        db.run(duplicates.perform, request=duplicates.CloseAsDuplicate(2, 1), actor=OTHER)
    assert status(db, 2) == "open" and len(events(db, 2)) == 1 and len(events(db, 1)) == 1


def test_an_already_closed_or_missing_risk_answers_clearly(db: Db, apollo: None) -> None:
    add(db, "Vendor API may slip")
    add(db, "Vendor API slipping")
    db.run(duplicates.perform, request=duplicates.CloseAsDuplicate(2, 1), actor=MEMBER)
    with pytest.raises(UsageError, match="R-2 is already closed"):
        db.run(duplicates.perform, request=duplicates.CloseAsDuplicate(2, 1), actor=MEMBER)
    with pytest.raises(NotFound, match="R-9"):
        db.run(duplicates.perform, request=duplicates.CloseAsDuplicate(9, 1), actor=MEMBER)
    with pytest.raises(NotFound, match="R-8"):
        db.run(duplicates.perform, request=duplicates.CloseAsDuplicate(1, 8), actor=MEMBER)
    with pytest.raises(UsageError, match="itself"):
        db.run(duplicates.perform, request=duplicates.CloseAsDuplicate(1, 1), actor=MEMBER)
    assert len(events(db, 2)) == 2 and len(events(db, 1)) == 2 and status(db, 1) == "open"


def test_another_workspace_cannot_reach_the_risks(db: Db, apollo: None) -> None:
    add(db, "Vendor API may slip")
    add(db, "Vendor API slipping")
    with pytest.raises(NotFound):
        db.run(duplicates.perform, request=duplicates.CloseAsDuplicate(2, 1), actor=Actor("T2", "UX", is_manager=True))
    assert status(db, 2) == "open"
