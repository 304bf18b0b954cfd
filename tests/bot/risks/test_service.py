"""The risk register's logic: scoring, bands, changes with history, permissions and announcements."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
import time_machine
from sqlmodel import col, select

from bot import text
from bot.errors import NotFound, Refused, UsageError
from bot.outcomes import Outcome
from bot.people import Actor
from bot.projects import service as projects
from bot.risks import service as risks
from bot.risks.grammar import AddRisk, CloseRisk, ListRisks, RiskRequest, ShowRisk, UpdateRisk
from bot.risks.service import RiskInput
from bot.risks.views import RiskAdded, RiskAnnouncement, RiskClosed, RiskDetail, RiskList, RiskUpdated
from handlers.slack.render.catalog import render
from storage.models import Risk, RiskEvent
from tests.bot.people import MANAGER, MEMBER, OTHER, OWNER, TEAM
from tests.bot.units import Db

# ---- score and bands --------------------------------------------------------------------------

EXPECTED_BAND = {**{s: "Low" for s in range(1, 5)}, **{s: "Medium" for s in range(5, 10)},
                 **{s: "High" for s in range(10, 16)}, **{s: "Critical" for s in range(16, 26)}}


@pytest.mark.parametrize("p", range(1, 6))
@pytest.mark.parametrize("i", range(1, 6))
def test_score_and_band_of_every_pair(p: int, i: int) -> None:
    assert risks.score(p, i) == p * i
    assert risks.band(p * i) == EXPECTED_BAND[p * i]


@pytest.mark.parametrize("value,name", [(1, "Low"), (4, "Low"), (5, "Medium"), (9, "Medium"), (10, "High"),
                                        (15, "High"), (16, "Critical"), (25, "Critical")])
def test_band_edges(value: int, name: str) -> None:
    assert risks.band(value) == name


@pytest.mark.parametrize("p,i", [(0, 3), (6, 1), (3, 0), (1, 6)])
def test_score_out_of_range(p: int, i: int) -> None:
    with pytest.raises(ValueError):
        risks.score(p, i)


@pytest.mark.parametrize("value", [0, 26, -1])
def test_band_out_of_range(value: int) -> None:
    with pytest.raises(ValueError):
        risks.band(value)


# ---- helpers ----------------------------------------------------------------------------------

def new_project(db: Db, name: str = "Apollo", channel: str | None = "CAPOLLO") -> int:
    db.run(projects.create, actor=MANAGER, name=name, channel_id=channel)
    with db.session() as s:
        return int(projects.resolve(session=s, team_id=TEAM, name=name).id)  # type: ignore[arg-type]


def events(db: Db, number: int) -> list[RiskEvent]:
    with db.session() as s:
        risk = s.exec(select(Risk).where(Risk.team_id == TEAM, Risk.number == number)).one()
        return list(s.exec(select(RiskEvent).where(RiskEvent.risk_id == risk.id).order_by(col(RiskEvent.id))))


def stored(db: Db, number: int, team: str = TEAM) -> Risk:
    with db.session() as s:
        return s.exec(select(Risk).where(Risk.team_id == team, Risk.number == number)).one()


def listed(db: Db, actor: Actor = MEMBER, **kwargs: object) -> RiskList:
    view = db.run(risks.list_page, write=False, actor=actor, **kwargs).reply
    assert isinstance(view, RiskList), view
    return view


def titles(view: RiskList) -> list[str]:
    return [r.title for r in view.rows]


# ---- add --------------------------------------------------------------------------------------

def test_add_records_everything_with_history(db: Db) -> None:
    with time_machine.travel(datetime(2030, 3, 4, 10, 0, tzinfo=UTC), tick=False):
        out = db.run(risks.add, actor=MEMBER, data=RiskInput(
            title="Vendor may slip", probability=3, impact=4, owner_id="UOWNER", review_date=date(2030, 3, 4),
            mitigation="weekly call", description="d", contingency="c"))
    r = stored(db, 1)
    assert (r.number, r.score, r.status, r.created_by, r.owner_id, r.team_id) == (1, 12, "open", "UMEMBER",
                                                                                   "UOWNER", TEAM)
    assert isinstance(out.reply, RiskAdded) and out.reply.project is None and out.reply.assumed == ()
    assert (out.reply.risk.number, out.reply.risk.score, risks.band(out.reply.risk.score)) == (1, 12, "High")
    [ev] = events(db, 1)
    assert (ev.actor_id, ev.action, ev.at.replace(tzinfo=UTC)) == ("UMEMBER", "created",
                                                                    datetime(2030, 3, 4, 10, 0, tzinfo=UTC))
    changes = json.loads(ev.changes)
    assert changes["title"] == [None, "Vendor may slip"] and changes["probability"] == [None, 3]
    assert out.posts == []  # no project, nothing to announce


def test_add_assumes_three_and_says_so(db: Db) -> None:
    out = db.run(risks.add, actor=MEMBER, data=RiskInput(title="x", impact=5))
    r = stored(db, 1)
    assert (r.probability, r.impact, r.score) == (3, 5, 15)
    assert out.reply.assumed == ("p",)
    assert "p=3" in str(render(out.reply)) and "i=3" not in str(render(out.reply))


def test_numbers_run_per_workspace(db: Db) -> None:
    for _ in range(3):
        db.run(risks.add, actor=MEMBER, data=RiskInput(title="a"))
    out = db.run(risks.add, actor=Actor("T2", "UX"), data=RiskInput(title="b"))
    assert out.reply.risk.number == 1 and out.reply.risk.team_id == "T2"
    assert stored(db, 3).title == "a"


@pytest.mark.parametrize("data,match", [
    (RiskInput(title=""), "title"),
    (RiskInput(title="   "), "title"),
    (RiskInput(title="x" * 201), "200"),
    (RiskInput(title="x", mitigation="m" * 3001), "3000"),
])
def test_add_bad_input_writes_nothing(db: Db, data: RiskInput, match: str) -> None:
    with pytest.raises(UsageError, match=match):
        db.run(risks.add, actor=MEMBER, data=data)
    with db.session() as s:
        assert s.exec(select(Risk)).all() == [] and s.exec(select(RiskEvent)).all() == []


def test_review_date_in_the_past_is_refused(db: Db) -> None:
    with time_machine.travel(datetime(2030, 3, 4, 12, tzinfo=UTC), tick=False):
        with pytest.raises(UsageError, match="past"):
            db.run(risks.add, actor=MEMBER, data=RiskInput(title="x", review_date=date(2030, 3, 3)))
        db.run(risks.add, actor=MEMBER, data=RiskInput(title="x", review_date=date(2030, 3, 4)))
        with pytest.raises(UsageError, match="past"):
            db.run(risks.update, actor=MEMBER, number=1, data=RiskInput(review_date=date(2030, 3, 1)))
    assert stored(db, 1).review_date == date(2030, 3, 4)


def test_add_to_unknown_project_names_the_closest(db: Db) -> None:
    new_project(db, "Apollo")
    with pytest.raises(NotFound, match=r"Apollo") as e:
        db.run(risks.add, actor=MEMBER, data=RiskInput(title="x", project_name="apolo"))
    assert "/project new" in e.value.message
    with db.session() as s:
        assert s.exec(select(Risk)).all() == []


# ---- announcements ----------------------------------------------------------------------------

@pytest.mark.parametrize("p,i,announced", [(2, 2, False), (3, 3, False), (2, 5, True), (5, 5, True)])
def test_new_high_or_critical_is_announced_in_the_projects_channel(db: Db, p: int, i: int,
                                                                   announced: bool) -> None:
    pid = new_project(db, channel="CAPOLLO")
    out = db.run(risks.add, actor=MEMBER, data=RiskInput(title="x", probability=p, impact=i, project_id=pid))
    if announced:
        [post] = out.posts
        assert post.channel == "CAPOLLO" and isinstance(post.message, RiskAnnouncement)
        assert (post.message.risk.number, post.message.project.id, post.message.actor_id, post.message.reason) == (
            1, pid, "UMEMBER", "New risk")
        assert post.on_fail and text.place("CAPOLLO") in post.on_fail and "<#" not in post.on_fail
    else:
        assert out.posts == []


def test_no_announcement_without_a_channel(db: Db) -> None:
    new_project(db, "Quiet", channel=None)
    out = db.run(risks.add, actor=MEMBER, data=RiskInput(title="x", probability=5, impact=5, project_name="quiet"))
    assert out.posts == []


def test_update_that_raises_the_band_announces(db: Db) -> None:
    pid = new_project(db)
    db.run(risks.add, actor=MEMBER, data=RiskInput(title="x", probability=2, impact=2, project_id=pid))
    assert db.run(risks.update, actor=MEMBER, number=1, data=RiskInput(probability=3)).posts == []  # Medium
    [post] = db.run(risks.update, actor=MEMBER, number=1, data=RiskInput(probability=4, impact=3)).posts  # High
    assert post.channel == "CAPOLLO" and post.message.reason == "Risk raised from Medium"
    assert "Medium" in render(post.message)[0]["text"]
    assert db.run(risks.update, actor=MEMBER, number=1, data=RiskInput(probability=5)).posts == []  # still High
    [post] = db.run(risks.update, actor=MEMBER, number=1, data=RiskInput(impact=4)).posts  # Critical
    assert post.message.reason == "Risk raised from High" and risks.band(post.message.risk.score) == "Critical"
    assert db.run(risks.update, actor=MEMBER, number=1, data=RiskInput(impact=1)).posts == []  # lowered


def test_closing_update_does_not_announce(db: Db) -> None:
    pid = new_project(db)
    db.run(risks.add, actor=MEMBER, data=RiskInput(title="x", probability=1, impact=1, project_id=pid))
    assert db.run(risks.update, actor=MEMBER, number=1, data=RiskInput(probability=5, impact=5,
                                                                    status="closed")).posts == []


# ---- update, close, history -------------------------------------------------------------------

def test_update_records_who_when_what(db: Db) -> None:
    db.run(risks.add, actor=MEMBER, data=RiskInput(title="x", probability=2, impact=2))
    with time_machine.travel(datetime(2030, 5, 6, 7, 8, tzinfo=UTC), tick=False):
        out = db.run(risks.update, actor=MANAGER, number=1, data=RiskInput(
            probability=4, status="mitigating", owner_id="UOWNER", mitigation="call daily"))
    r = stored(db, 1)
    assert (r.probability, r.score, r.status, r.owner_id, r.mitigation) == (4, 8, "mitigating", "UOWNER",
                                                                            "call daily")
    assert r.updated_at.replace(tzinfo=UTC) == datetime(2030, 5, 6, 7, 8, tzinfo=UTC)
    assert isinstance(out.reply, RiskUpdated) and risks.band(out.reply.risk.score) == "Medium"
    assert out.reply.changes == {"probability": [2, 4], "owner": [None, "UOWNER"], "mitigation": [None, "call daily"],
                                 "status": ["open", "mitigating"]}
    ev = events(db, 1)[-1]
    assert (ev.actor_id, ev.action) == ("UMGR", "updated")
    assert ev.at.replace(tzinfo=UTC) == datetime(2030, 5, 6, 7, 8, tzinfo=UTC)
    assert json.loads(ev.changes) == {"probability": [2, 4], "owner": [None, "UOWNER"],
                                      "mitigation": [None, "call daily"], "status": ["open", "mitigating"]}


def test_update_with_nothing_different_is_refused(db: Db) -> None:
    db.run(risks.add, actor=MEMBER, data=RiskInput(title="x", probability=2, impact=2))
    with pytest.raises(UsageError, match="Nothing to change"):
        db.run(risks.update, actor=MEMBER, number=1, data=RiskInput(probability=2))
    assert len(events(db, 1)) == 1


def test_update_moves_to_another_project(db: Db) -> None:
    pid = new_project(db, "Apollo")
    db.run(risks.add, actor=MEMBER, data=RiskInput(title="x"))
    db.run(risks.update, actor=MEMBER, number=1, data=RiskInput(project_name="APOLLO"))
    assert stored(db, 1).project_id == pid


def test_update_with_a_bad_value_writes_nothing(db: Db) -> None:
    db.run(risks.add, actor=MEMBER, data=RiskInput(title="x", probability=2, impact=2))
    with pytest.raises(UsageError):
        db.run(risks.update, actor=MEMBER, number=1, data=RiskInput(probability=5, mitigation="m" * 3001))
    assert stored(db, 1).probability == 2 and len(events(db, 1)) == 1


def test_status_closed_through_update_and_reopen(db: Db) -> None:
    db.run(risks.add, actor=MEMBER, data=RiskInput(title="x"))
    db.run(risks.update, actor=MEMBER, number=1, data=RiskInput(status="closed"))
    r = stored(db, 1)
    assert r.status == "closed" and r.closed_at is not None
    assert events(db, 1)[-1].action == "closed"
    db.run(risks.update, actor=MEMBER, number=1, data=RiskInput(status="open"))
    r = stored(db, 1)
    assert r.status == "open" and r.closed_at is None


def test_close_with_note(db: Db) -> None:
    db.run(risks.add, actor=MEMBER, data=RiskInput(title="x"))
    with time_machine.travel(datetime(2030, 1, 2, 3, 4, tzinfo=UTC), tick=False):
        out = db.run(risks.close, actor=MEMBER, number=1, note="Vendor delivered")
    r = stored(db, 1)
    assert r.status == "closed" and r.closed_at.replace(tzinfo=UTC) == datetime(2030, 1, 2, 3, 4, tzinfo=UTC)
    assert isinstance(out.reply, RiskClosed) and (out.reply.risk.number, out.reply.note) == (1, "Vendor delivered")
    assert out.reply.risk.status == "closed"
    ev = events(db, 1)[-1]
    assert (ev.action, ev.actor_id, ev.note, json.loads(ev.changes)) == (
        "closed", "UMEMBER", "Vendor delivered", {"status": ["open", "closed"]})
    with pytest.raises(UsageError, match="already closed"):
        db.run(risks.close, actor=MEMBER, number=1)


def test_show_has_the_history(db: Db) -> None:
    db.run(risks.add, actor=MEMBER, data=RiskInput(title="x", probability=2, impact=2))
    db.run(risks.update, actor=MANAGER, number=1, data=RiskInput(probability=5))
    db.run(risks.close, actor=MEMBER, number=1, note="done")
    out = db.run(risks.show, write=False, actor=OTHER, number=1)
    assert isinstance(out.reply, RiskDetail) and out.reply.risk.number == 1 and out.reply.project is None
    assert [(e.actor_id, e.action, e.note) for e in out.reply.events] == [
        ("UMEMBER", "created", None), ("UMGR", "updated", None), ("UMEMBER", "closed", "done")]
    shown = json.dumps(render(out.reply))
    assert "<@UMEMBER> logged it" in shown and "<@UMGR> probability 2 \\u2192 5" in shown
    assert "closed it" in shown and "done" in shown


@pytest.mark.parametrize("fn,kwargs", [(risks.show, {}), (risks.close, {}),
                                       (risks.update, {"data": RiskInput(probability=2)})])
def test_unknown_number(db: Db, fn, kwargs) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFound, match="R-9"):
        db.run(fn, actor=MANAGER, number=9, **kwargs)


# ---- permissions ------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["creator", "owner", "manager"])
def test_owner_creator_and_manager_may_change(db: Db, who: str) -> None:
    db.run(risks.add, actor=MEMBER, data=RiskInput(title="x", owner_id="UOWNER"))
    actor = {"creator": MEMBER, "owner": OWNER, "manager": MANAGER}[who]
    db.run(risks.update, actor=actor, number=1, data=RiskInput(probability=5))
    db.run(risks.close, actor=actor, number=1)
    assert stored(db, 1).status == "closed"


def test_others_may_not_change(db: Db) -> None:
    db.run(risks.add, actor=MEMBER, data=RiskInput(title="x", owner_id="UOWNER"))
    with pytest.raises(Refused, match="owner"):
        db.run(risks.update, actor=OTHER, number=1, data=RiskInput(probability=5))
    with pytest.raises(Refused):
        db.run(risks.close, actor=OTHER, number=1)
    r = stored(db, 1)
    assert (r.probability, r.status) == (3, "open") and len(events(db, 1)) == 1


def test_other_workspaces_risks_are_invisible(db: Db) -> None:
    db.run(risks.add, actor=MEMBER, data=RiskInput(title="secret"))
    stranger = Actor("T2", "UMGR", is_manager=True)
    with pytest.raises(NotFound):
        db.run(risks.show, write=False, actor=stranger, number=1)
    with pytest.raises(NotFound):
        db.run(risks.close, actor=stranger, number=1)
    view = listed(db, stranger)
    assert (view.rows, view.total) == ([], 0)
    assert "secret" not in json.dumps(render(view))


# ---- list -------------------------------------------------------------------------------------

def test_list_by_score_open_only_unless_all(db: Db) -> None:
    for title, p, i in (("low", 1, 2), ("crit", 5, 5), ("mid", 2, 3)):
        db.run(risks.add, actor=MEMBER, data=RiskInput(title=title, probability=p, impact=i))
    db.run(risks.close, actor=MEMBER, number=2)
    assert titles(listed(db)) == ["mid", "low"]
    view = listed(db, include_closed=True)
    assert titles(view) == ["mid", "low", "crit"] and view.include_closed


def test_list_pages_and_clamps_past_the_end(db: Db) -> None:
    for n in range(25):
        db.run(risks.add, actor=MEMBER, data=RiskInput(title=f"risk {n}"))
    first = listed(db)
    assert (first.page, first.pages, first.total, len(first.rows)) == (1, 2, 25, risks.PAGE_SIZE)
    assert "page 1 of 2" in render(first)[0]["text"]
    last = listed(db, page=99)
    assert (last.page, last.pages, len(last.rows)) == (2, 2, 5)


def test_list_by_project(db: Db) -> None:
    new_project(db, "Apollo")
    db.run(risks.add, actor=MEMBER, data=RiskInput(title="in apollo", project_name="apollo"))
    db.run(risks.add, actor=MEMBER, data=RiskInput(title="elsewhere"))
    view = listed(db, project_name="Apollo")
    assert titles(view) == ["in apollo"] and view.project is not None and view.project.name == "Apollo"
    assert view.project_names == {view.project.id: "Apollo"}


# ---- perform: each request to its function ------------------------------------------------------

def perform(db: Db, request: RiskRequest, actor: Actor = MEMBER) -> Outcome:
    return db.run(risks.perform, write=request.write, request=request, actor=actor)


def test_perform_carries_out_each_request(db: Db) -> None:
    pid = new_project(db, "Apollo")
    out = perform(db, AddRisk(RiskInput(title="Vendor may slip", probability=4, impact=4, project_name="apollo")))
    assert isinstance(out.reply, RiskAdded) and out.reply.project is not None and out.reply.project.id == pid
    assert [type(p.message) for p in out.posts] == [RiskAnnouncement]
    view = perform(db, ListRisks(project_id=pid)).reply
    assert isinstance(view, RiskList) and titles(view) == ["Vendor may slip"]
    assert titles(perform(db, ListRisks(project_name="Apollo", include_closed=True, page=5)).reply) == [
        "Vendor may slip"]
    assert isinstance(perform(db, ShowRisk(1), OTHER).reply, RiskDetail)
    out = perform(db, UpdateRisk(1, RiskInput(impact=5), note="client said so"))
    assert isinstance(out.reply, RiskUpdated) and out.reply.changes == {"impact": [4, 5]}
    assert events(db, 1)[-1].note == "client said so"
    out = perform(db, CloseRisk(1, "gone"))
    assert isinstance(out.reply, RiskClosed) and stored(db, 1).status == "closed"
    assert titles(perform(db, ListRisks()).reply) == []


def test_reads_are_read_only_requests() -> None:
    assert not ListRisks.write and not ShowRisk.write
    assert AddRisk.write and UpdateRisk.write and CloseRisk.write
