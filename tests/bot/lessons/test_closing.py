"""Closing a project: managers only, once, kept in its history; the lesson prompts, once each, never to
an anonymous author; a closed project's check-ins stop. On SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.checkins import flows as checkin_flows
from bot.checkins import service as checkins
from bot.database import Database
from bot.delivery import Deliverer
from bot.errors import Refused, UsageError
from bot.feedback import service as feedback
from bot.feedback.grammar import GiveFeedback
from bot.lessons import flows
from bot.lessons.views import LessonPrompt
from bot.people import Actor
from bot.ports import Part, Posted
from bot.projects import service as projects
from bot.projects.closing import AlreadyClosed, ProjectClosed
from bot.projects.grammar import CloseProject
from bot.projects.lookup import UnknownProject
from bot.risks import service as risks
from bot.risks.grammar import RiskInput
from storage import clock
from storage.models_lessons import ProjectClosing, ProjectEvent
from storage.models_rhythm import Delivery
from storage.repositories import checkins as checkins_repo
from storage.repositories import lessons as lessons_repo
from tests.bot.checkins.polls import T0, project, sent_poll
from tests.bot.people import MANAGER, MEMBER, OTHER, OWNER, TEAM
from tests.bot.units import Db

SECOND_MANAGER = Actor(TEAM, "UADMIN", is_manager=True)
GUESTLIKE = Actor(TEAM, "UANON")


class FakeSender:
    """A platform that records what it was asked to send."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Any]] = []

    def parts(self, view: Any) -> list[Part]:
        if isinstance(view, LessonPrompt):
            return [{"text": f"lesson for {view.project_name}", "project": view.project_id}]
        return [view]

    async def send(self, recipient: str, part: Part, key: str, *, thread: Posted | None = None) -> Posted:
        self.sent.append((recipient, part))
        return Posted(recipient, str(len(self.sent)))

    async def already_posted(self, conversation: str, keys: list[str], since: datetime) -> dict[str, Posted]:
        return {}


def close(db: Db, name: str = "Apollo", actor: Actor = MANAGER, outcome: str | None = None,
          note: str | None = None, exact: bool = True) -> ProjectClosed:
    request = CloseProject(name_words=(name,) if exact else tuple(name.split()), outcome=outcome, note=note,
                           exact=exact)
    result = db.run(projects.perform, request=request, actor=actor)
    assert isinstance(result.reply, ProjectClosed)
    return result.reply


def closings(db: Db) -> list[ProjectClosing]:
    with db.session() as s:
        return list(s.exec(select(ProjectClosing)))


def history(db: Db) -> list[ProjectEvent]:
    """The closings kept in the projects' history (a project's creation is kept there too)."""
    with db.session() as s:
        return list(s.exec(select(ProjectEvent).where(ProjectEvent.action == "closed")))


def project_with_people(db: Db) -> int:
    db.run(projects.create, actor=MANAGER, name="Apollo", client="Acme")
    db.run(risks.add, actor=MEMBER, data=RiskInput(title="Vendor may slip", project_name="Apollo"))
    db.run(risks.add, actor=OWNER, data=RiskInput(title="Budget cut", project_name="Apollo"))
    db.run(risks.add, actor=MEMBER, data=RiskInput(title="Office move", project_name="Apollo"))
    db.run(feedback.give, actor=OTHER, data=GiveFeedback(text="Great demo", project_name="Apollo"))
    db.run(feedback.give, actor=MEMBER, data=GiveFeedback(text="Slow", project_name="Apollo"))
    db.run(feedback.give, actor=GUESTLIKE, data=GiveFeedback(text="Awful", project_name="Apollo", anonymous=True))
    db.run(risks.add, actor=MANAGER, data=RiskInput(title="Elsewhere"))  # on no project
    with db.session() as s:
        return projects.resolve(session=s, team_id=TEAM, name="Apollo").id  # type: ignore[return-value]


def test_a_manager_closes_with_outcome_and_note_kept_in_the_history(db: Db) -> None:
    project_with_people(db)
    done = close(db, outcome="won", note="Signed for two years")
    assert (done.closing.outcome, done.closing.note, done.closing.closed_by) == ("won", "Signed for two years",
                                                                                 MANAGER.user_id)
    assert abs(done.closing.closed_at - clock.now()) < timedelta(minutes=1)
    (event,) = history(db)
    assert (event.action, event.actor_id, event.note) == ("closed", MANAGER.user_id, "Signed for two years")
    assert json.loads(event.changes) == {"status": ["open", "closed"], "outcome": [None, "won"]}


def test_the_people_asked_are_risk_and_feedback_authors_once_each_never_anonymous(db: Db) -> None:
    project_with_people(db)
    done = close(db)
    assert done.asking == (MEMBER.user_id, OWNER.user_id, OTHER.user_id)
    assert GUESTLIKE.user_id not in done.asking and MANAGER.user_id not in done.asking


@pytest.mark.parametrize("actor", [MEMBER, OWNER])
def test_others_are_refused_and_nothing_is_written(db: Db, actor: Actor) -> None:
    project_with_people(db)
    with pytest.raises(Refused, match="only managers"):
        close(db, actor=actor)
    assert closings(db) == [] and history(db) == []


def test_closing_a_closed_project_says_so_and_changes_nothing(db: Db) -> None:
    project_with_people(db)
    close(db, outcome="lost")
    with pytest.raises(AlreadyClosed) as e:
        close(db, actor=SECOND_MANAGER, outcome="won")
    assert (e.value.name, e.value.outcome, e.value.closed_by) == ("Apollo", "lost", MANAGER.user_id)
    assert "already closed (lost)" in str(e.value)
    assert [c.outcome for c in closings(db)] == ["lost"] and len(history(db)) == 1


def test_the_name_is_the_longest_run_of_words_naming_a_project(db: Db) -> None:
    db.run(projects.create, actor=MANAGER, name="Apollo")
    db.run(projects.create, actor=MANAGER, name="Apollo Two")
    done = close(db, "apollo two was too late", exact=False)
    assert done.project.name == "Apollo Two" and done.closing.note == "was too late"
    with pytest.raises(UnknownProject):
        close(db, "Zeus went well", exact=False)


def test_unknown_project_is_refused(db: Db) -> None:
    db.run(projects.create, actor=MANAGER, name="Apollo")
    with pytest.raises(UnknownProject) as e:
        close(db, "Apolo")
    assert e.value.close == ["Apollo"]


def test_the_list_and_the_card_know_a_closed_project(db: Db) -> None:
    db.run(projects.create, actor=MANAGER, name="Apollo")
    db.run(projects.create, actor=MANAGER, name="Hermes")
    close(db, outcome="won")
    listed = db.run(projects.list_projects, actor=MEMBER, write=False).reply
    assert [(p.name, p.id in listed.closed) for p in listed.projects] == [("Apollo", True), ("Hermes", False)]
    assert db.run(projects.show, actor=MEMBER, name="Apollo", write=False).reply.closing.outcome == "won"
    assert db.run(projects.show, actor=MEMBER, name="Hermes", write=False).reply.closing is None


def test_prompts_go_once_each_through_the_ledger(engine: Engine, db: Db) -> None:
    pid = project_with_people(db)
    close(db)
    sender = FakeSender()
    deliverer = Deliverer(Database(engine), sender)
    first = asyncio.run(flows.ask_for_lessons(deliverer, Database(engine), TEAM, pid))
    assert first.sent == 3
    assert sorted(r for r, _ in sender.sent) == sorted([MEMBER.user_id, OWNER.user_id, OTHER.user_id])
    assert all(p["project"] == pid for _, p in sender.sent)
    again = asyncio.run(flows.ask_for_lessons(Deliverer(Database(engine), sender), Database(engine), TEAM, pid))
    assert (again.sent, again.skipped) == (0, 3) and len(sender.sent) == 3  # a second run (or process) asks nobody
    with db.session() as s:
        rows = s.exec(select(Delivery).where(Delivery.what == flows.ask_what(pid))).all()
        assert sorted(r.recipient for r in rows) == sorted([MEMBER.user_id, OWNER.user_id, OTHER.user_id])


def test_an_open_project_prompts_nobody(engine: Engine, db: Db) -> None:
    pid = project_with_people(db)
    sender = FakeSender()
    report = asyncio.run(flows.ask_for_lessons(Deliverer(Database(engine), sender), Database(engine), TEAM, pid))
    assert report.sent == 0 and sender.sent == []


def test_a_closed_projects_check_ins_stop(db: Db) -> None:
    pid = project_with_people(db)
    db.run(checkins.add, actor=MANAGER, user_ids=["UCLIENT"], project_name="Apollo")
    assert db.run(checkins.prepare_send, actor=MANAGER, project_name="Apollo", write=False).project_id == pid
    close(db)
    with pytest.raises(UsageError, match="is closed"):
        db.run(checkins.prepare_send, actor=MANAGER, project_name="Apollo", write=False)
    plan = db.run(checkin_flows._plan, team_id=TEAM, project_id=pid, occurrence="2030-W01", now=clock.now(),
                  sent_by=None)
    assert plan is None
    with db.session() as s:
        assert checkins_repo.latest_poll(session=s, team_id=TEAM, project_id=pid) is None


def test_concurrent_closes_close_once(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two managers close at once: one closes, the other is told it is closed (PostgreSQL locks the
    project's row; SQLite runs one writer at a time)."""
    project_with_people(db)
    barrier = threading.Barrier(2)
    original = lessons_repo.lock_project

    def lock_then_wait(**kwargs: Any) -> Any:
        row = original(**kwargs)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(1.0)
        return row

    monkeypatch.setattr(lessons_repo, "lock_project", lock_then_wait)
    results: list[Any] = [None, None]

    def work(k: int, actor: Actor) -> None:
        try:
            results[k] = close(db, actor=actor, outcome="won" if k == 0 else "lost")
        except BaseException as e:  # noqa: BLE001 - handed back to the test
            results[k] = e

    pool = [threading.Thread(target=work, args=(k, a)) for k, a in enumerate((MANAGER, SECOND_MANAGER))]
    for t in pool:
        t.start()
    for t in pool:
        t.join(60)
    assert sorted(type(r).__name__ for r in results) == ["AlreadyClosed", "ProjectClosed"]
    assert len(closings(db)) == 1 and len(history(db)) == 1


def test_a_closed_projects_sent_poll_gets_no_reminder(db: Db) -> None:
    pid = project(db)
    db.run(checkins.add, actor=MANAGER, user_ids=["UANN"], project_name="Apollo")
    sent_poll(db, pid, ["UANN"], at=T0)
    assert [r.users for r in db.run(checkins.reminders_due, now=T0 + timedelta(hours=24), write=False)] == [["UANN"]]
    close(db)
    assert db.run(checkins.reminders_due, now=T0 + timedelta(hours=24), write=False) == []
