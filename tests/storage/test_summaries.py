"""The summary's queries: what each counts and lists, scoped by workspace and project, and that
each is one statement served by an index (so it stays fast with hundreds of thousands of rows)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage.db import make_engine
from storage.repositories import reviews, summaries
from tests import summary_seed as seed
from tests.summary_seed import at

T = "T0ACME"
OTHER = "T0OTHER"
NOW = at(2026, 11, 25, 12, 0)
TODAY = NOW.date()
WEEK_AGO = NOW - timedelta(days=7)


@pytest.fixture
def s(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as session:
        yield session


# ---- risks ---------------------------------------------------------------------------------------

def test_top_open_risks_by_score_with_how_many_are_open(s: Session) -> None:
    apollo = seed.project(s, "Apollo")
    seed.risk(s, 1, p=2, i=2)
    seed.risk(s, 2, p=5, i=4, project_id=apollo.id)
    seed.risk(s, 3, p=5, i=5, status="closed")
    seed.risk(s, 4, p=4, i=4, status="mitigating")
    seed.risk(s, 5, p=5, i=4)  # same score as R-2: the newer first
    seed.risk(s, 1, p=5, i=5, team=OTHER)
    s.commit()
    rows, total = summaries.top_open_risks(session=s, team_id=T, limit=3)
    assert [r.number for r in rows] == [5, 2, 4] and total == 4
    rows, total = summaries.top_open_risks(session=s, team_id=T, project_id=apollo.id)
    assert [r.number for r in rows] == [2] and total == 1
    assert summaries.top_open_risks(session=s, team_id="T0NONE") == ([], 0)


def test_new_risks_since_newest_first(s: Session) -> None:
    seed.risk(s, 1, created_at=NOW - timedelta(days=8))
    seed.risk(s, 2, created_at=NOW - timedelta(days=6), status="closed")
    seed.risk(s, 3, created_at=NOW - timedelta(days=1), p=1, i=1)
    seed.risk(s, 4, created_at=NOW - timedelta(days=2), team=OTHER)
    s.commit()
    rows, total = summaries.new_risks(session=s, team_id=T, since=WEEK_AGO)
    assert [r.number for r in rows] == [3, 2] and total == 2
    rows, total = summaries.new_risks(session=s, team_id=T, since=WEEK_AGO, limit=1)
    assert [r.number for r in rows] == [3] and total == 2


def test_overdue_reviews_are_open_risks_past_their_date(s: Session) -> None:
    seed.risk(s, 1, review=TODAY - timedelta(days=1))
    seed.risk(s, 2, review=TODAY)  # due today: not overdue yet
    seed.risk(s, 3, review=TODAY - timedelta(days=30), status="closed")
    seed.risk(s, 4)  # no review date
    seed.risk(s, 5, review=TODAY - timedelta(days=9), status="monitoring")
    seed.risk(s, 6, review=TODAY - timedelta(days=3), team=OTHER)
    s.commit()
    rows, total = summaries.overdue_reviews(session=s, team_id=T, today=TODAY)
    assert [r.number for r in rows] == [5, 1] and total == 2


# ---- feedback ------------------------------------------------------------------------------------

def test_feedback_by_sentiment_since_and_what_still_waits(s: Session) -> None:
    apollo = seed.project(s, "Apollo")
    seed.feedback(s, 1, sentiment="negative", created_at=NOW - timedelta(days=40))  # old, still waiting
    seed.feedback(s, 2, sentiment="negative", created_at=NOW - timedelta(days=2), project_id=apollo.id)
    seed.feedback(s, 3, sentiment="positive", created_at=NOW - timedelta(days=1), acted=True)
    seed.feedback(s, 4, sentiment="positive", created_at=NOW - timedelta(days=3))
    seed.feedback(s, 5, sentiment="neutral", created_at=NOW - timedelta(days=10), acted=True)
    seed.feedback(s, 6, sentiment="negative", created_at=NOW - timedelta(days=1), team=OTHER)
    s.commit()
    assert summaries.feedback_by_sentiment(session=s, team_id=T, since=WEEK_AGO) == {"negative": 1, "positive": 2}
    assert summaries.feedback_by_sentiment(session=s, team_id=T, since=WEEK_AGO, project_id=apollo.id) == {
        "negative": 1}
    rows, total = summaries.feedback_waiting(session=s, team_id=T, limit=2)
    assert [f.number for f in rows] == [1, 4] and total == 3
    rows, total = summaries.feedback_waiting(session=s, team_id=T, project_id=apollo.id)
    assert [f.number for f in rows] == [2] and total == 1


# ---- check-ins -----------------------------------------------------------------------------------

def test_poll_scores_sum_each_poll_and_keep_unanswered_ones(s: Session) -> None:
    apollo, gemini = seed.project(s, "Apollo"), seed.project(s, "Gemini")
    old = seed.poll(s, apollo.id, sent_at=NOW - timedelta(days=60))
    seed.answer(s, old, "U1", 1)
    p1 = seed.poll(s, apollo.id, sent_at=NOW - timedelta(days=14))
    seed.answer(s, p1, "U1", 4, "on_track")
    seed.answer(s, p1, "U2", 2, "off_track")
    seed.answer(s, p1, "U3", None, "at_risk")  # answered the status only
    p2 = seed.poll(s, apollo.id, sent_at=NOW - timedelta(days=7))
    g1 = seed.poll(s, gemini.id, sent_at=NOW - timedelta(days=3))
    seed.answer(s, g1, "U9", 5, answered_at=NOW - timedelta(days=2))
    other = seed.project(s, "Other", team=OTHER)
    seed.answer(s, seed.poll(s, other.id, team=OTHER, sent_at=NOW - timedelta(days=3)), "U1", 1)
    s.commit()
    got = summaries.poll_scores(session=s, team_id=T, since=NOW - timedelta(days=30))
    assert [(p.project_id, p.poll_id, p.answers, p.scored, p.score_sum, p.at_risk, p.off_track) for p in got] == [
        (apollo.id, p1.id, 3, 2, 6, 1, 1), (apollo.id, p2.id, 0, 0, 0, 0, 0), (gemini.id, g1.id, 1, 1, 5, 0, 0)]
    assert got[0].sent_at == NOW - timedelta(days=14)  # aware, in UTC, on both databases
    only = summaries.poll_scores(session=s, team_id=T, since=NOW - timedelta(days=30), project_id=gemini.id)
    assert [p.poll_id for p in only] == [g1.id]


def test_non_responders_of_each_projects_latest_poll(s: Session) -> None:
    apollo, gemini, hermes = seed.project(s, "Apollo"), seed.project(s, "Gemini"), seed.project(s, "Hermes")
    before = seed.poll(s, apollo.id, sent_at=NOW - timedelta(days=14))
    seed.asked(s, before, "U1", "U5")  # U5 never answered that one: an older poll does not count
    latest = seed.poll(s, apollo.id, sent_at=NOW - timedelta(days=7))
    seed.asked(s, latest, "U1", "U2", "U4")
    seed.asked(s, latest, "U3", status="failed")  # never reached them: shown as a failure, not as silence
    seed.answer(s, latest, "U1", 4)
    g = seed.poll(s, gemini.id, sent_at=NOW - timedelta(days=2))
    seed.asked(s, g, "U7")
    seed.answer(s, g, "U7", None, "on_track")
    seed.asked(s, seed.poll(s, hermes.id, sent_at=NOW - timedelta(days=90)), "U8")  # outside the window
    s.commit()
    got = summaries.latest_non_responders(session=s, team_id=T, since=NOW - timedelta(days=42))
    assert got == {apollo.id: ["U2", "U4"]}
    assert summaries.latest_non_responders(session=s, team_id=T, since=NOW - timedelta(days=42),
                                           project_id=gemini.id) == {}
    assert summaries.latest_non_responders(session=s, team_id=OTHER, since=NOW - timedelta(days=42)) == {}


# ---- stand-ups -----------------------------------------------------------------------------------

def test_standup_participation_counts_prompts_and_answers_in_the_window(s: Session) -> None:
    a, b = seed.standup(s, "CAPOLLO"), seed.standup(s, "CGEMINI")
    since = TODAY - timedelta(days=6)
    for d in (since, since + timedelta(days=1), TODAY):
        for u in ("U1", "U2"):
            seed.delivery(s, f"standup:{a.id}", u, d.isoformat())
    seed.delivery(s, f"standup:{a.id}", "U3", TODAY.isoformat(), status="failed")
    seed.delivery(s, f"standup:{a.id}", "U1", (since - timedelta(days=1)).isoformat())  # before the window
    seed.delivery(s, f"standup_digest:{a.id}", "CAPOLLO", TODAY.isoformat())  # not a prompt
    for d in (since, TODAY):
        seed.standup_answer(s, a, "U1", d)
    seed.standup_answer(s, a, "U2", since - timedelta(days=1))
    seed.standup(s, "CAPOLLO", team=OTHER)
    s.commit()
    got = summaries.standup_participation(session=s, team_id=T, since=since)
    assert [(r.channel_id, r.prompts, r.answers) for r in got] == [("CAPOLLO", 6, 2), ("CGEMINI", 0, 0)]
    assert b.id is not None
    got = summaries.standup_participation(session=s, team_id=T, since=since, channel_id="CAPOLLO")
    assert [(r.standup_id, r.prompts, r.answers) for r in got] == [(a.id, 6, 2)]


# ---- the rhythm's own failures -------------------------------------------------------------------

def test_failed_deliveries_and_missed_runs_since(s: Session) -> None:
    seed.delivery(s, "checkin:1", "U1", "o1", status="failed", error="user_not_found",
                  created_at=NOW - timedelta(days=1))
    seed.delivery(s, "checkin:1", "U2", "o1", status="sent", created_at=NOW - timedelta(days=1))
    seed.delivery(s, "standup:1", "U1", "d", status="failed", error="old", created_at=NOW - timedelta(days=9))
    seed.delivery(s, "summary", "UMGR", "2026-W48", status="failed", error="account_inactive",
                  created_at=NOW - timedelta(hours=1))
    seed.delivery(s, "summary", "UMGR", "2026-W48", team=OTHER, status="failed", created_at=NOW)
    seed.job_run(s, "checkin:1", "2026-11-20T15:00Z", when=NOW - timedelta(days=2))
    seed.job_run(s, "standup:1:UTC", "2026-11-24", status="done", when=NOW - timedelta(days=1))
    seed.job_run(s, "summary:UMGR", "2026-W40", when=NOW - timedelta(days=20))
    s.commit()
    rows, total = summaries.failed_deliveries(session=s, team_id=T, since=WEEK_AGO)
    assert [(d.what, d.error) for d in rows] == [("summary", "account_inactive"), ("checkin:1", "user_not_found")]
    assert total == 2
    rows, total = summaries.missed_runs(session=s, team_id=T, since=WEEK_AGO)
    assert [(j.job_key, j.occurrence) for j in rows] == [("checkin:1", "2026-11-20T15:00Z")] and total == 1


# ---- review reminders ----------------------------------------------------------------------------

def test_reviews_due_are_open_risks_in_the_window_without_a_reminder_for_that_date(s: Session) -> None:
    apollo = seed.project(s, "Apollo")
    due = seed.risk(s, 1, review=TODAY, owner="UOWNER", project_id=apollo.id)
    by_creator = seed.risk(s, 2, review=TODAY - timedelta(days=2), created_by="UMEMBER2")
    reminded = seed.risk(s, 3, review=TODAY, owner="UOWNER")
    seed.delivery(s, reviews.what(reminded.id), "UOWNER", TODAY.isoformat())  # type: ignore[arg-type]
    moved = seed.risk(s, 4, review=TODAY, owner="UOWNER")  # reminded for an earlier date, then moved on
    seed.delivery(s, reviews.what(moved.id), "UOWNER", (TODAY - timedelta(days=7)).isoformat())  # type: ignore[arg-type]
    seed.risk(s, 5, review=TODAY, status="closed", owner="UOWNER")
    seed.risk(s, 6, review=TODAY + timedelta(days=5), owner="UOWNER")
    seed.risk(s, 7, review=TODAY - timedelta(days=40), owner="UOWNER")
    other = seed.risk(s, 1, review=TODAY, owner="UX", team=OTHER)
    seed.person(s, "UOWNER", "Asia/Kolkata")
    s.commit()
    got = reviews.due(session=s, since=TODAY - timedelta(days=14), until=TODAY + timedelta(days=1))
    assert {(r.risk.team_id, r.risk.number, r.recipient, r.tz, r.project_name) for r in got} == {
        (T, 1, "UOWNER", "Asia/Kolkata", "Apollo"), (T, 2, "UMEMBER2", None, None), (T, 4, "UOWNER", "Asia/Kolkata",
                                                                                     None),
        (OTHER, 1, "UX", None, None)}
    assert due.id and by_creator.id and other.id


# ---- at scale: every query is served by an index ---------------------------------------------------

BIG = ("risk", "feedback", "checkin_answer", "checkin_poll", "delivery", "standup_answer", "job_run")


def _plans(engine: Engine, run: Any) -> list[str]:
    seen: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, params))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    with engine.connect() as c:
        return ["\n".join(str(r[3]) for r in c.exec_driver_sql("EXPLAIN QUERY PLAN " + st, p)) for st, p in seen]


def test_every_query_reads_through_an_index(sqlite_url: str) -> None:
    """SQLite's plan must SEARCH the big tables (an index range), never SCAN them whole."""
    engine = make_engine(sqlite_url)
    try:
        def run() -> None:
            with Session(engine) as s:
                summaries.top_open_risks(session=s, team_id=T)
                summaries.top_open_risks(session=s, team_id=T, project_id=1)
                summaries.new_risks(session=s, team_id=T, since=WEEK_AGO)
                summaries.overdue_reviews(session=s, team_id=T, today=TODAY)
                summaries.feedback_by_sentiment(session=s, team_id=T, since=WEEK_AGO)
                summaries.feedback_waiting(session=s, team_id=T)
                summaries.poll_scores(session=s, team_id=T, since=WEEK_AGO)
                summaries.latest_non_responders(session=s, team_id=T, since=WEEK_AGO)
                summaries.standup_participation(session=s, team_id=T, since=TODAY)
                summaries.failed_deliveries(session=s, team_id=T, since=WEEK_AGO)
                summaries.missed_runs(session=s, team_id=T, since=WEEK_AGO)
                reviews.due(session=s, since=TODAY - timedelta(days=14), until=TODAY + date.resolution)

        plans = _plans(engine, run)
    finally:
        engine.dispose()
    assert len(plans) == 12
    poll_plan = plans[6]
    assert "checkin_answer" in poll_plan and "(poll_id=?" in poll_plan, poll_plan  # looked up per poll
    for plan in plans:
        for table in BIG:
            assert not re.search(rf"\bSCAN {table}\b(?! USING (COVERING )?INDEX)", plan), plan
