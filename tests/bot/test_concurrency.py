"""Concurrent read-modify-writes: each unit of work sees the one before it, on SQLite and PostgreSQL.

Every unit of work runs in a thread of its own. The function that reads the row is wrapped so
that, having read, each thread waits for the others (a barrier with a short timeout): where nothing
takes the row, every thread reads the same old state before any writes; where the row is taken,
the others wait on the database instead, the barrier times out and they read in turn."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlmodel import col, select

from bot.checkins import service as checkins
from bot.errors import UsageError
from bot.feedback import service as feedback
from bot.feedback.service import FeedbackInput
from bot.people import Actor
from bot.projects import service as projects
from bot.reviews import service as reviews
from bot.risks import service as risks
from bot.risks.service import RiskInput
from bot.standups import service as standups
from storage.models import Feedback, Risk, RiskEvent
from storage.models_rhythm import CheckinConfig, Standup, StandupMember, SummarySubscriber
from storage.repositories import checkins as checkins_repo
from storage.repositories import feedback as feedback_repo
from storage.repositories import risks as risks_repo
from storage.repositories import standups as standups_repo
from tests.bot.people import MANAGER, MEMBER, OTHER, TEAM
from tests.bot.units import Db

SECOND_MANAGER = Actor(TEAM, "UADMIN", is_manager=True)
WAIT_S = 1.0  # how long a thread that has read waits for the others


def race(db: Db, monkeypatch: pytest.MonkeyPatch, module: Any, reader: str,
         calls: list[tuple[Callable[..., Any], dict[str, Any]]]) -> list[Any]:
    """Run each (service, kwargs) in its own unit of work and thread; results or exceptions, in order."""
    barrier = threading.Barrier(len(calls))
    waited = threading.local()
    original = getattr(module, reader)

    def read_then_wait(**kwargs: Any) -> Any:
        row = original(**kwargs)
        if not getattr(waited, "done", False):
            waited.done = True
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(WAIT_S)
        return row

    monkeypatch.setattr(module, reader, read_then_wait)
    results: list[Any] = [None] * len(calls)

    def work(k: int) -> None:
        fn, kwargs = calls[k]
        try:
            results[k] = db.run(fn, **kwargs)
        except BaseException as e:  # noqa: BLE001 - handed back to the test
            results[k] = e

    pool = [threading.Thread(target=work, args=(k,)) for k in range(len(calls))]
    for t in pool:
        t.start()
    for t in pool:
        t.join(60)
    monkeypatch.setattr(module, reader, original)
    return results


def unexpected(results: list[Any]) -> list[BaseException]:
    return [r for r in results if isinstance(r, BaseException) and not isinstance(r, UsageError)]


# ---- risks --------------------------------------------------------------------------------------

def new_risk(db: Db, **data: Any) -> None:
    db.run(projects.create, actor=MANAGER, name="Apollo", channel_id="CAPOLLO")
    db.run(risks.add, actor=MEMBER, data=RiskInput(title="Vendor may slip", project_name="Apollo", **data))


def risk_and_events(db: Db) -> tuple[Risk, list[RiskEvent]]:
    with db.session() as s:
        risk = s.exec(select(Risk).where(Risk.team_id == TEAM, Risk.number == 1)).one()
        evs = list(s.exec(select(RiskEvent).where(RiskEvent.risk_id == risk.id).order_by(col(RiskEvent.id))))
        return risk, evs


def test_concurrent_updates_of_probability_and_impact_both_count(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    new_risk(db, probability=1, impact=1)
    results = race(db, monkeypatch, risks_repo, "get_by_number", [
        (risks.update, {"actor": MEMBER, "number": 1, "data": RiskInput(probability=5)}),
        (risks.update, {"actor": MANAGER, "number": 1, "data": RiskInput(impact=5)}),
    ])
    assert unexpected(results) == [] and not any(isinstance(r, UsageError) for r in results)
    risk, evs = risk_and_events(db)
    assert (risk.probability, risk.impact, risk.score) == (5, 5, 25)
    updates = [json.loads(e.changes) for e in evs if e.action == "updated"]
    assert sorted(updates, key=str) == [{"impact": [1, 5]}, {"probability": [1, 5]}]
    # The second change takes it from Medium to Critical: announced once.
    assert sum(len(r.posts) for r in results) == 1


def test_concurrent_updates_record_the_value_each_replaced(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    new_risk(db)
    n = 6
    results = race(db, monkeypatch, risks_repo, "get_by_number", [
        (risks.update, {"actor": MEMBER, "number": 1, "data": RiskInput(mitigation=f"plan {k}")}) for k in range(n)
    ])
    assert unexpected(results) == [] and not any(isinstance(r, UsageError) for r in results)
    risk, evs = risk_and_events(db)
    changes = [json.loads(e.changes)["mitigation"] for e in evs if e.action == "updated"]
    assert len(changes) == n
    assert changes[0][0] is None
    for before, after in zip(changes, changes[1:], strict=False):
        assert after[0] == before[1]  # each event's old value is what the one before it stored
    assert risk.mitigation == changes[-1][1]


def test_two_concurrent_closes_close_once(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    new_risk(db)
    results = race(db, monkeypatch, risks_repo, "get_by_number", [
        (risks.close, {"actor": MEMBER, "number": 1, "note": "done"}),
        (risks.close, {"actor": MANAGER, "number": 1, "note": "also done"}),
    ])
    assert unexpected(results) == []
    refused = [r for r in results if isinstance(r, UsageError)]
    assert len(refused) == 1 and "already closed" in str(refused[0])
    risk, evs = risk_and_events(db)
    assert risk.status == "closed"
    assert [e.action for e in evs] == ["created", "closed"]


def test_close_beside_an_update_to_closed_closes_once(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    new_risk(db)
    results = race(db, monkeypatch, risks_repo, "get_by_number", [
        (risks.close, {"actor": MEMBER, "number": 1}),
        (risks.update, {"actor": MANAGER, "number": 1, "data": RiskInput(status="closed")}),
    ])
    assert unexpected(results) == []
    refused = [r for r in results if isinstance(r, UsageError)]
    assert len(refused) == 1 and "already closed" in str(refused[0])
    _, evs = risk_and_events(db)
    assert [e.action for e in evs] == ["created", "closed"]


def test_concurrent_still_valid_reviews_each_move_the_date_on(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    new_risk(db)
    today = date(2030, 1, 10)
    db.run(risks.update, actor=MEMBER, number=1, data=RiskInput(review_date=today), today=today)
    results = race(db, monkeypatch, risks_repo, "get_by_number", [
        (reviews.still_valid, {"actor": MEMBER, "number": 1, "today": today}),
        (reviews.still_valid, {"actor": MANAGER, "number": 1, "today": today}),
    ])
    assert [r for r in results if isinstance(r, BaseException)] == []
    risk, evs = risk_and_events(db)
    moves = [json.loads(e.changes)["review"] for e in evs if e.action == "reviewed"]
    assert moves == [[str(today), str(today + timedelta(days=7))],
                     [str(today + timedelta(days=7)), str(today + timedelta(days=14))]]
    assert risk.review_date == today + timedelta(days=14)


# ---- feedback -----------------------------------------------------------------------------------

def test_two_managers_acting_at_once_close_the_loop_once(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    db.run(feedback.give, actor=MEMBER, data=FeedbackInput(text="The weekly report is late"))
    results = race(db, monkeypatch, feedback_repo, "get_by_number", [
        (feedback.act, {"actor": MANAGER, "number": 1, "what": "Moved the report to Mondays"}),
        (feedback.act, {"actor": SECOND_MANAGER, "number": 1, "what": "Asked the client what suits"}),
    ])
    assert unexpected(results) == []
    refused = [r for r in results if isinstance(r, UsageError)]
    done = [r for r in results if not isinstance(r, BaseException)]
    assert len(refused) == 1 and len(done) == 1 and "already acted on" in str(refused[0])
    assert len(done[0].posts) == 1  # one DM to the author
    with db.session() as s:
        item = s.exec(select(Feedback).where(Feedback.team_id == TEAM, Feedback.number == 1)).one()
    winner = MANAGER if results[0] is done[0] else SECOND_MANAGER
    assert item.acted_by == winner.user_id
    assert item.action_text in str(refused[0])  # the loser is told what the winner did


# ---- stand-ups ----------------------------------------------------------------------------------

def test_two_concurrent_setups_of_a_new_channel_both_succeed(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    results = race(db, monkeypatch, standups_repo, "by_channel", [
        (standups.setup, {"actor": MANAGER, "channel_id": "CSTAND", "members": ["UMEMBER"], "time": "09:30"}),
        (standups.setup, {"actor": MANAGER, "channel_id": "CSTAND", "members": ["UMEMBER2"], "time": "10:00"}),
    ])
    assert [r for r in results if isinstance(r, BaseException)] == []
    with db.session() as s:
        rows = list(s.exec(select(Standup).where(Standup.team_id == TEAM)))
        assert len(rows) == 1
        members = list(s.exec(select(StandupMember.user_id).where(StandupMember.standup_id == rows[0].id)))
        assert (rows[0].time, members) in (("09:30", ["UMEMBER"]), ("10:00", ["UMEMBER2"]))
        assert len(list(s.exec(select(SummarySubscriber).where(SummarySubscriber.team_id == TEAM)))) == 1


def test_concurrent_member_changes_replace_not_merge(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    db.run(standups.setup, actor=MANAGER, channel_id="CSTAND", members=["UMEMBER"], time="09:30")
    results = race(db, monkeypatch, standups_repo, "by_channel", [
        (standups.setup, {"actor": MANAGER, "channel_id": "CSTAND", "members": ["UMEMBER2", "UOWNER"]}),
        (standups.setup, {"actor": MANAGER, "channel_id": "CSTAND", "members": ["UOWNER"]}),
    ])
    assert [r for r in results if isinstance(r, BaseException)] == []
    with db.session() as s:
        members = sorted(s.exec(select(StandupMember.user_id).where(StandupMember.team_id == TEAM)))
    assert members in (["UMEMBER2", "UOWNER"], ["UOWNER"])


# ---- check-ins ----------------------------------------------------------------------------------

def test_concurrent_schedule_changes_each_see_the_other(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    db.run(projects.create, actor=MANAGER, name="Apollo")
    db.run(checkins.add, actor=MANAGER, user_ids=["UOWNER"], project_name="Apollo")
    results = race(db, monkeypatch, checkins_repo, "get_config", [
        (checkins.schedule, {"actor": MANAGER, "project_name": "Apollo", "day": 0}),
        (checkins.schedule, {"actor": MANAGER, "project_name": "Apollo", "time": "10:00"}),
    ])
    assert [r for r in results if isinstance(r, BaseException)] == []
    with db.session() as s:
        cfg = s.exec(select(CheckinConfig).where(CheckinConfig.team_id == TEAM)).one()
    assert (cfg.day, cfg.time) == (0, "10:00")
    # The one that went second says what now holds: both changes.
    assert any((r.reply.schedule.day, r.reply.schedule.time) == (0, "10:00") for r in results)


def test_concurrent_changes_of_one_answer_each_see_the_other(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.bot.checkins.polls import project, sent_poll

    poll = sent_poll(db, project(db), ["UANN"])
    db.run(checkins.answer, team_id=TEAM, user_id="UANN", poll_id=poll, changes={"score": 5})
    results = race(db, monkeypatch, checkins_repo, "get_answer", [
        (checkins.answer, {"team_id": TEAM, "user_id": "UANN", "poll_id": poll, "changes": {"score": 1}}),
        (checkins.answer, {"team_id": TEAM, "user_id": "UANN", "poll_id": poll, "changes": {"comment": "Worried"}}),
    ])
    assert [r for r in results if isinstance(r, BaseException)] == []
    # The one that went second answers with both changes, so it is judged low on the stored score.
    assert any((r.answer.score, r.answer.comment, r.low) == (1, "Worried", True) for r in results)


# ---- /project show ------------------------------------------------------------------------------

def test_project_show_counts_only_the_feedback_the_viewer_may_see(db: Db) -> None:
    db.run(projects.create, actor=MANAGER, name="Apollo")
    for actor, private in ((MEMBER, False), (MEMBER, True), (OTHER, True), (OTHER, False), (OTHER, True)):
        db.run(feedback.give, actor=actor, data=FeedbackInput(text="Late again", project_name="Apollo",
                                                              private=private))

    def total(actor: Actor) -> int:
        with db.session() as s:
            project = projects.resolve(session=s, team_id=TEAM, name="Apollo")
            return int(projects.health(session=s, team_id=TEAM, project=project, viewer=actor).feedback["total"])

    assert total(MANAGER) == 5
    assert total(MEMBER) == 3  # two public, and their own private one
    assert total(OTHER) == 4
    reply = db.run(projects.show, write=False, actor=MEMBER, name="Apollo").reply
    assert reply.health.feedback["total"] == 3


# ---- scope change requests -------------------------------------------------------------------------

def test_concurrent_decisions_of_a_change_request_one_wins(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two managers press Approve and Reject at once: one decides, the other is told it is decided."""
    from bot.scope import service as scope
    from bot.scope.grammar import RequestChange
    from storage.models_scope import ScopeChange, ScopeEvent
    from storage.repositories import scope as scope_repo

    db.run(projects.create, actor=MANAGER, name="Apollo")
    db.run(scope.request_change, actor=MEMBER, request=RequestChange(title="Add SSO", project_name="Apollo", days=3))
    results = race(db, monkeypatch, scope_repo, "change_by_number", [
        (scope.decide, {"actor": MANAGER, "number": 1, "approve": True}),
        (scope.decide, {"actor": SECOND_MANAGER, "number": 1, "approve": False}),
    ])
    assert unexpected(results) == []
    refused = [r for r in results if isinstance(r, UsageError)]
    assert len(refused) == 1 and "already" in str(refused[0])
    with db.session() as s:
        change = s.exec(select(ScopeChange)).one()
        decisions = [e.action for e in s.exec(select(ScopeEvent)) if e.action in ("approved", "rejected")]
    assert decisions == [change.status]


def test_concurrent_baseline_changes_both_count(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.scope import service as scope
    from bot.scope.grammar import SetBaseline
    from storage.models_scope import ScopeBaseline
    from storage.repositories import scope as scope_repo

    db.run(projects.create, actor=MANAGER, name="Apollo")
    db.run(scope.set_baseline, actor=MANAGER, request=SetBaseline(project_name="Apollo", days=40))
    results = race(db, monkeypatch, scope_repo, "baseline", [
        (scope.set_baseline, {"actor": MANAGER, "request": SetBaseline(project_name="Apollo", in_scope="Reports")}),
        (scope.set_baseline, {"actor": SECOND_MANAGER, "request": SetBaseline(project_name="Apollo", days=44)}),
    ])
    assert unexpected(results) == [] and not any(isinstance(r, UsageError) for r in results)
    with db.session() as s:
        base = s.exec(select(ScopeBaseline)).one()
    assert (base.days, base.in_scope) == (44, "Reports")


def test_concurrent_first_baselines_make_one_row(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.scope import service as scope
    from bot.scope.grammar import SetBaseline
    from storage.models_scope import ScopeBaseline, ScopeEvent
    from storage.repositories import scope as scope_repo

    db.run(projects.create, actor=MANAGER, name="Apollo")
    results = race(db, monkeypatch, scope_repo, "baseline", [
        (scope.set_baseline, {"actor": MANAGER, "request": SetBaseline(project_name="Apollo", days=40)}),
        (scope.set_baseline, {"actor": SECOND_MANAGER, "request": SetBaseline(project_name="Apollo",
                                                                              out_scope="Mobile")}),
    ])
    assert unexpected(results) == []
    with db.session() as s:
        base = s.exec(select(ScopeBaseline)).one()
        events = list(s.exec(select(ScopeEvent)))
    assert (base.days, base.out_scope) == (40, "Mobile") and len(events) == 2
