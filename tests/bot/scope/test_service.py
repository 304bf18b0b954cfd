"""The scope service on the real database: who may do what, the history, the creep, the DM plans."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from bot.checkins import service as checkins
from bot.errors import NotFound, Refused, UsageError
from bot.people import Actor
from bot.projects import service as projects
from bot.projects.targets import UpdateProject
from bot.scope import service
from bot.scope.grammar import DecideChange, RequestChange, SetBaseline, ShowScope
from bot.scope.views import BaselineSet, ChangeAlert, ChangeDecided, ChangeLogged, DecisionNotice, ScopeCard
from storage import clock
from storage.models_scope import ProjectEvent, ScopeChange, ScopeEvent
from tests.bot.people import MANAGER, MEMBER, OTHER, TEAM
from tests.bot.units import Db

SECOND_MANAGER = Actor(TEAM, "UADMIN", is_manager=True)


def perform(db: Db, request: object, actor: Actor = MANAGER) -> object:
    return db.run(service.perform, request=request, actor=actor, write=getattr(request, "write", True)).reply


@pytest.fixture
def apollo(db: Db) -> None:
    db.run(projects.create, actor=MANAGER, name="Apollo", deadline=clock.today() + timedelta(days=30))


@pytest.mark.usefixtures("apollo")
def test_baseline_is_kept_with_its_history(db: Db) -> None:
    r = perform(db, SetBaseline(project_name="apollo", days=40, in_scope="Reports"))
    assert isinstance(r, BaselineSet) and r.created and r.creep == "40 d baseline, +0 d approved (+0%)"
    r = perform(db, SetBaseline(project_name="Apollo", days=44, out_scope="Mobile"), SECOND_MANAGER)
    assert isinstance(r, BaselineSet) and not r.created and r.changes == {"days": [40, 44], "out": [None, "Mobile"]}
    with pytest.raises(UsageError, match="Nothing to change"):
        perform(db, SetBaseline(project_name="Apollo", days=44))
    with db.session() as s:
        events = list(s.exec(select(ScopeEvent).order_by(ScopeEvent.id)))  # type: ignore[arg-type]
    assert [(e.actor_id, e.action) for e in events] == [("UMGR", "baseline"), ("UADMIN", "baseline")]
    assert json.loads(events[1].changes) == {"days": [40, 44], "out": [None, "Mobile"]}


@pytest.mark.usefixtures("apollo")
def test_only_managers_set_the_baseline_or_decide(db: Db) -> None:
    with pytest.raises(Refused, match="only managers"):
        perform(db, SetBaseline(project_name="Apollo", days=40), MEMBER)
    perform(db, RequestChange(title="SSO", project_name="Apollo", days=3), MEMBER)
    with pytest.raises(Refused, match="only managers"):
        perform(db, DecideChange(1, approve=True), OTHER)
    with db.session() as s:
        assert s.exec(select(ScopeChange)).one().status == "pending"


@pytest.mark.usefixtures("apollo")
def test_change_request_to_the_managers_and_decision_to_the_requester(db: Db) -> None:
    perform(db, SetBaseline(project_name="Apollo", days=40))
    logged = perform(db, RequestChange(title="Add SSO", project_name="Apollo", days=6, cost=5000), MEMBER)
    assert isinstance(logged, ChangeLogged) and logged.change.number == 1 and logged.managers == ["UMGR"]
    plan = db.run(service.alert_plan, team_id=TEAM, change_id=logged.change.id, write=False)
    assert plan.recipients == ["UMGR"] and isinstance(plan.message, ChangeAlert)
    assert db.run(service.notice_plan, team_id=TEAM, change_id=logged.change.id, write=False) is None  # pending
    decided = perform(db, DecideChange(1, approve=True, note="fine"))
    assert isinstance(decided, ChangeDecided) and decided.creep == "40 d baseline, +6 d approved (+15%)"
    notice = db.run(service.notice_plan, team_id=TEAM, change_id=logged.change.id, write=False)
    assert notice.recipients == ["UMEMBER"] and isinstance(notice.message, DecisionNotice)
    with pytest.raises(UsageError, match="already approved"):
        perform(db, DecideChange(1, approve=False), SECOND_MANAGER)
    with pytest.raises(NotFound):
        perform(db, DecideChange(7, approve=False))
    card = perform(db, ShowScope("apollo"), MEMBER)
    assert isinstance(card, ScopeCard) and card.total == 1 and card.pending == 0
    assert [e.action for e in card.events] == ["approved", "requested", "baseline"]


@pytest.mark.usefixtures("apollo")
def test_managers_are_the_creator_and_the_check_in_manager_not_the_requester(db: Db) -> None:
    db.run(checkins.perform, request=_add_stakeholder(), actor=SECOND_MANAGER)
    logged = perform(db, RequestChange(title="Add SSO", project_name="Apollo"), MANAGER)
    assert logged.managers == ["UADMIN"]  # type: ignore[attr-defined]
    assert db.run(service.notice_plan, team_id=TEAM, change_id=logged.change.id, write=False) is None  # type: ignore[attr-defined]


def _add_stakeholder() -> object:
    from bot import text
    from bot.checkins.grammar import parse

    return parse(f"add {text.person('UMEMBER')} project=Apollo")


@pytest.mark.usefixtures("apollo")
def test_workspaces_are_apart(db: Db) -> None:
    perform(db, RequestChange(title="Add SSO", project_name="Apollo"), MEMBER)
    elsewhere = Actor("T2", "UMGR", is_manager=True)
    with pytest.raises(NotFound):
        perform(db, DecideChange(1, approve=True), elsewhere)
    with pytest.raises(NotFound):
        perform(db, ShowScope("Apollo"), elsewhere)


@pytest.mark.usefixtures("apollo")
def test_project_health_shows_creep_flag_and_target(db: Db) -> None:
    card = db.run(projects.show, actor=MANAGER, name="Apollo", write=False).reply
    assert card.health.scope.no_baseline and card.health.scope.creep is None
    perform(db, SetBaseline(project_name="Apollo", days=40))
    db.run(projects.perform, request=UpdateProject("Apollo", target=100, booked=150), actor=MANAGER)
    scope = db.run(projects.show, actor=MANAGER, name="Apollo", write=False).reply.health.scope
    assert not scope.no_baseline and scope.creep == "40 d baseline, +0 d approved (+0%)"
    assert (scope.target, scope.booked, scope.flag) == (100, 150, False)  # no scores yet
    with pytest.raises(Refused):
        db.run(projects.perform, request=UpdateProject("Apollo", booked=1), actor=MEMBER)
    with pytest.raises(UsageError, match="Nothing to change"):
        db.run(projects.perform, request=UpdateProject("Apollo", booked=150), actor=MANAGER)
    with db.session() as s:
        events = list(s.exec(select(ProjectEvent).order_by(ProjectEvent.id)))  # type: ignore[arg-type]
    assert [(e.action, e.actor_id) for e in events] == [("created", "UMGR"), ("updated", "UMGR")]
    assert json.loads(events[1].changes) == {"target": [None, 100], "booked": [None, 150]}
