"""Repositories on both databases: per-workspace counters (also under concurrency), every query
scoped by team_id, and the paging and order of lists."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage.db import session_scope
from storage.models import Feedback, Project, Risk, SlackUser
from storage.repositories import counters, users
from storage.repositories import feedback as feedback_repo
from storage.repositories import projects as projects_repo
from storage.repositories import risks as risks_repo


def take(engine: Engine, team_id: str, name: str = "risk") -> int:
    with session_scope(engine) as s:
        return counters.next_value(session=s, team_id=team_id, name=name)


# ---- counters ---------------------------------------------------------------------------------

def test_counters_count_per_workspace_and_name(engine: Engine) -> None:
    assert [take(engine, "T1") for _ in range(3)] == [1, 2, 3]
    assert [take(engine, "T2") for _ in range(2)] == [1, 2]
    assert take(engine, "T1", "feedback") == 1
    assert take(engine, "T1") == 4


def test_a_rolled_back_unit_of_work_gives_its_number_back(engine: Engine) -> None:
    take(engine, "T1")
    with pytest.raises(RuntimeError), session_scope(engine) as s:
        counters.next_value(session=s, team_id="T1", name="risk")
        raise RuntimeError("the rest of the work failed")
    assert take(engine, "T1") == 2


@pytest.mark.parametrize("warm", [False, True], ids=["first-use", "warm"])
def test_concurrent_takers_never_share_a_number(engine: Engine, warm: bool) -> None:
    if warm:
        take(engine, "T1")
    threads, per_thread = 6, 8
    start = threading.Barrier(threads)
    got: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            start.wait()
            for _ in range(per_thread):
                n = take(engine, "T1")
                with lock:
                    got.append(n)
        except BaseException as e:  # noqa: BLE001 - reported by the assertion below
            errors.append(e)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(60)
    assert errors == []
    first = 2 if warm else 1
    assert sorted(got) == list(range(first, first + threads * per_thread))


# ---- scoping by workspace -----------------------------------------------------------------------

def seed(s: Session, team: str, *, secret: str) -> dict[str, int]:
    """The same names and numbers in every workspace, so only team_id tells them apart."""
    p = projects_repo.add(session=s, project=Project(team_id=team, name="Apollo", name_key="apollo",
                                                     channel_id=f"C{team}", created_by="U1"))
    assert p.id is not None
    r = risks_repo.add(session=s, actor_id="U1", risk=Risk(
        team_id=team, number=1, project_id=p.id, title=f"{secret} risk", probability=4, impact=4, score=16,
        created_by="U1", review_date=date(2030, 1, 1)))
    risks_repo.record(session=s, risk=r, actor_id="U1", action="updated", changes={"title": ["a", secret]})
    feedback_repo.add(session=s, item=Feedback(team_id=team, number=1, project_id=p.id, text=f"{secret} note",
                                               author_id="U1", sentiment="negative"))
    users.upsert(session=s, row=SlackUser(team_id=team, user_id="U1", name=secret))
    s.flush()
    assert r.id is not None
    return {"project": p.id, "risk": r.id}


def test_every_query_is_scoped_by_workspace(engine: Engine) -> None:
    with session_scope(engine) as s:
        mine = seed(s, "T1", secret="mine")
        theirs = seed(s, "T2", secret="theirs")
    with Session(engine) as s:
        project = projects_repo.get_by_name(session=s, team_id="T1", name=" APOLLO ")
        assert project is not None and project.id == mine["project"]
        assert projects_repo.get(session=s, team_id="T1", project_id=theirs["project"]) is None
        assert projects_repo.get(session=s, team_id="T1", project_id=mine["project"]) is not None
        assert projects_repo.names(session=s, team_id="T1") == ["Apollo"]
        assert [p.id for p in projects_repo.list_all(session=s, team_id="T1")] == [mine["project"]]
        assert list(projects_repo.by_ids(session=s, team_id="T1", ids={mine["project"], theirs["project"]})) == [
            mine["project"]]
        assert projects_repo.by_ids(session=s, team_id="T1", ids=set()) == {}

        risk = risks_repo.get_by_number(session=s, team_id="T1", number=1)
        assert risk is not None and risk.title == "mine risk"
        history = risks_repo.history(session=s, risk=risk)
        assert [e.action for e in history] == ["created", "updated"]
        assert all(e.team_id == "T1" and e.risk_id == risk.id for e in history)
        rows, total = risks_repo.page(session=s, team_id="T1", include_closed=True)
        assert [r.title for r in rows] == ["mine risk"] and total == 1
        assert risks_repo.page(session=s, team_id="T1", project_id=theirs["project"]) == ([], 0)
        assert risks_repo.open_by_band(session=s, team_id="T1", project_id=mine["project"]) == {16: 1}
        assert risks_repo.open_by_band(session=s, team_id="T1", project_id=theirs["project"]) == {}
        assert [r.title for r in risks_repo.due_for_review(session=s, team_id="T1", on=date(2030, 1, 1))] == [
            "mine risk"]

        item = feedback_repo.get_by_number(session=s, team_id="T1", number=1)
        assert item is not None and item.text == "mine note"
        rows_f, total_f = feedback_repo.page(session=s, team_id="T1", viewer_id="U1", viewer_is_manager=True)
        assert [f.text for f in rows_f] == ["mine note"] and total_f == 1
        assert feedback_repo.counts(session=s, team_id="T1", project_id=mine["project"], viewer_id="U1",
                                    viewer_is_manager=True)["total"] == 1
        assert feedback_repo.counts(session=s, team_id="T1", project_id=theirs["project"], viewer_id="U1",
                                    viewer_is_manager=True)["total"] == 0

        person = users.get(session=s, team_id="T1", user_id="U1")
        assert person is not None and person.name == "mine"
        assert users.get(session=s, team_id="T3", user_id="U1") is None


def test_history_of_a_risk_never_mixes_in_another_workspaces_events(engine: Engine) -> None:
    with session_scope(engine) as s:
        seed(s, "T1", secret="mine")
        seed(s, "T2", secret="theirs")
    with Session(engine) as s:
        for team in ("T1", "T2"):
            risk = risks_repo.get_by_number(session=s, team_id=team, number=1)
            assert risk is not None
            assert {e.team_id for e in risks_repo.history(session=s, risk=risk)} == {team}


# ---- paging and order ---------------------------------------------------------------------------

def add_risks(engine: Engine, specs: list[tuple[int, str]], team: str = "T1", project_id: int | None = None) -> None:
    with session_scope(engine) as s:
        for score, status in specs:
            number = counters.next_value(session=s, team_id=team, name="risk")
            risks_repo.add(session=s, actor_id="U1", risk=Risk(
                team_id=team, number=number, title=f"R{number}", probability=1, impact=score, score=score,
                status=status, created_by="U1", project_id=project_id))


def test_risks_by_score_then_newest_with_closed_last(engine: Engine) -> None:
    add_risks(engine, [(4, "open"), (25, "closed"), (12, "mitigating"), (4, "monitoring"), (12, "open"),
                       (1, "closed")])
    with Session(engine) as s:
        rows, total = risks_repo.page(session=s, team_id="T1")
        assert [r.number for r in rows] == [5, 3, 4, 1] and total == 4
        rows, total = risks_repo.page(session=s, team_id="T1", include_closed=True)
        assert [r.number for r in rows] == [5, 3, 4, 1, 2, 6] and total == 6


def test_risk_pages_cover_everything_once(engine: Engine) -> None:
    add_risks(engine, [((n * 7) % 25 + 1, "open") for n in range(45)])
    seen: list[int] = []
    with Session(engine) as s:
        for page in range(3):
            rows, total = risks_repo.page(session=s, team_id="T1", offset=page * 20, limit=20)
            assert total == 45 and len(rows) == (20 if page < 2 else 5)
            seen += [r.number for r in rows]
        assert risks_repo.page(session=s, team_id="T1", offset=60, limit=20) == ([], 45)
        scores = [r.score for r in risks_repo.page(session=s, team_id="T1", limit=100)[0]]
    assert sorted(seen) == list(range(1, 46))
    assert scores == sorted(scores, reverse=True)


def test_risks_of_one_project(engine: Engine) -> None:
    with session_scope(engine) as s:
        pid = projects_repo.add(session=s, project=Project(team_id="T1", name="A", name_key="a",
                                                           created_by="U1")).id
    add_risks(engine, [(5, "open"), (6, "open")], project_id=pid)
    add_risks(engine, [(9, "open")])
    with Session(engine) as s:
        rows, total = risks_repo.page(session=s, team_id="T1", project_id=pid)
        assert [r.score for r in rows] == [6, 5] and total == 2
        assert risks_repo.open_by_band(session=s, team_id="T1", project_id=pid) == {5: 1, 6: 1}


def test_feedback_newest_first_and_private_for_author_and_managers(engine: Engine) -> None:
    with session_scope(engine) as s:
        for n, (author, private) in enumerate([("U1", False), ("U1", True), ("U2", True), (None, True)], 1):
            feedback_repo.add(session=s, item=Feedback(team_id="T1", number=n, text=f"f{n}", author_id=author,
                                                       is_private=private, is_anonymous=author is None))
    with Session(engine) as s:
        def seen(viewer: str, manager: bool, **kw: int) -> tuple[list[int], int]:
            rows, total = feedback_repo.page(session=s, team_id="T1", viewer_id=viewer, viewer_is_manager=manager,
                                             **kw)
            return [f.number for f in rows], total

        assert seen("UMGR", True) == ([4, 3, 2, 1], 4)
        assert seen("U1", False) == ([2, 1], 2)
        assert seen("U2", False) == ([3, 1], 2)
        assert seen("U3", False) == ([1], 1)
        assert seen("UMGR", True, offset=1, limit=2) == ([3, 2], 4)


def test_feedback_counts_by_sentiment_and_waiting(engine: Engine) -> None:
    from storage import clock

    with session_scope(engine) as s:
        pid = projects_repo.add(session=s, project=Project(team_id="T1", name="A", name_key="a",
                                                           created_by="U1")).id
        for n, (sentiment, acted) in enumerate([("positive", True), ("negative", False), ("negative", False),
                                                ("neutral", True)], 1):
            feedback_repo.add(session=s, item=Feedback(team_id="T1", number=n, text="x", project_id=pid,
                                                       sentiment=sentiment, acted_at=clock.now() if acted else None))
    with Session(engine) as s:
        assert feedback_repo.counts(session=s, team_id="T1", project_id=pid, viewer_id="UMGR",
                                    viewer_is_manager=True) == {
            "total": 4, "open": 2, "positive": 1, "neutral": 1, "negative": 2}


def test_due_for_review_open_only_in_date_order(engine: Engine) -> None:
    with session_scope(engine) as s:
        for n, (review, status) in enumerate([(date(2030, 1, 5), "open"), (date(2030, 1, 1), "mitigating"),
                                              (date(2030, 1, 2), "closed"), (date(2030, 2, 1), "open"),
                                              (None, "open")], 1):
            risks_repo.add(session=s, actor_id="U1", risk=Risk(
                team_id="T1", number=n, title=f"R{n}", probability=1, impact=1, score=1, status=status,
                created_by="U1", review_date=review))
    with Session(engine) as s:
        assert [r.number for r in risks_repo.due_for_review(session=s, team_id="T1", on=date(2030, 1, 5))] == [2, 1]
