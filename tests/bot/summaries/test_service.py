"""Managers' summaries: what they say about seeded data, who may have one, the project's health
figures, and that asking for one subscribes a manager to the weekly DM."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

import pytest
import time_machine
from sqlmodel import select

from bot.errors import NotFound, Refused
from bot.people import Actor
from bot.projects import service as projects
from bot.requests import Help
from bot.summaries import service as summaries
from bot.summaries.grammar import USAGE, AllOpenRisks, Summarize, parse
from bot.summaries.service import PollScore
from bot.summaries.views import Summary
from handlers.slack.render.catalog import render
from storage.models import Counter, Project
from storage.models_rhythm import JobRun, SummarySubscriber
from tests import summary_seed as seed
from tests.bot.people import MANAGER, MEMBER, TEAM
from tests.bot.units import Db
from tests.handlers.slack.e2e import check_limits
from tests.slack_requests import all_text
from tests.summary_seed import at

NOW = at(2026, 11, 25, 12, 0)  # a Wednesday, ISO week 2026-W48
TODAY = NOW.date()


def shown(reply: object) -> dict[str, Any]:
    """A reply as Slack shows it: one message for this little data."""
    [msg] = render(reply)
    return msg


def seed_week(db: Db) -> dict[str, int]:
    """A workspace with a bit of everything the summary shows."""
    with db.session() as s:
        apollo = seed.project(s, "Apollo", team=TEAM, channel="CAPOLLO")
        gemini = seed.project(s, "Gemini", team=TEAM)
        seed.risk(s, 1, team=TEAM, project_id=apollo.id, p=5, i=5, title="Vendor may slip", owner="UOWNER",
                  created_at=NOW - timedelta(days=30))
        seed.risk(s, 2, team=TEAM, project_id=gemini.id, p=2, i=3, title="Scope creep", created_at=NOW -
                  timedelta(days=2))
        seed.risk(s, 3, team=TEAM, p=4, i=3, title="Review is late", review=TODAY - timedelta(days=3),
                  created_at=NOW - timedelta(days=20))
        seed.risk(s, 4, team=TEAM, p=5, i=5, title="Long closed", status="closed", created_at=NOW - timedelta(days=90))
        seed.risk(s, 1, team="T2", p=5, i=5, title="Another workspace's risk")
        seed.feedback(s, 1, team=TEAM, sentiment="negative", text="Reports arrive late", project_id=apollo.id,
                      created_at=NOW - timedelta(days=12))
        seed.feedback(s, 2, team=TEAM, sentiment="positive", text="Great demo", created_at=NOW - timedelta(days=1))
        seed.feedback(s, 3, team=TEAM, sentiment="negative", text="Slow answers", acted=True,
                      created_at=NOW - timedelta(days=2))
        last_week = seed.poll(s, apollo.id, team=TEAM, sent_at=NOW - timedelta(days=7))
        seed.answer(s, last_week, "USTAKE1", 3)
        seed.answer(s, last_week, "USTAKE2", 3)
        this_week = seed.poll(s, apollo.id, team=TEAM, sent_at=NOW - timedelta(hours=20))
        seed.asked(s, this_week, "USTAKE1", "USTAKE2", "USILENT")
        seed.answer(s, this_week, "USTAKE1", 5, "on_track")
        seed.answer(s, this_week, "USTAKE2", 3, "off_track")
        g = seed.poll(s, gemini.id, team=TEAM, sent_at=NOW - timedelta(days=1))
        seed.answer(s, g, "USTAKE3", 2)
        st = seed.standup(s, "CAPOLLO", team=TEAM)
        for day in (TODAY - timedelta(days=1), TODAY):
            for u in ("UMEMBER", "UMEMBER2"):
                seed.delivery(s, f"standup:{st.id}", u, day.isoformat(), team=TEAM)
        for u, day in (("UMEMBER", TODAY), ("UMEMBER", TODAY - timedelta(days=1)), ("UMEMBER2", TODAY)):
            seed.standup_answer(s, st, u, day)
        seed.delivery(s, f"checkin:{g.id}", "UGONE", g.occurrence, team=TEAM, status="failed",
                      error="user_not_found", created_at=NOW - timedelta(days=1))
        seed.job_run(s, f"checkin:{apollo.id}", "2026-11-20T15:00Z", team=TEAM, when=NOW - timedelta(days=4))
        s.commit()
        assert apollo.id and gemini.id
        return {"apollo": apollo.id, "gemini": gemini.id}


@time_machine.travel(NOW, tick=False)
def test_members_are_refused_politely(db: Db) -> None:
    with pytest.raises(Refused, match="Sorry, the summary is for managers"):
        db.run(summaries.build, actor=MEMBER)
    with db.session() as s:
        assert s.exec(select(SummarySubscriber)).all() == []


@time_machine.travel(NOW, tick=False)
def test_the_summary_shows_the_week(db: Db) -> None:
    seed_week(db)
    out = db.run(summaries.build, actor=MANAGER)
    assert isinstance(out.reply, Summary) and out.reply.week is None and out.reply.project is None
    assert (out.reply.open_total, out.reply.new_total, out.reply.overdue_total, out.reply.waiting_total) == (3, 1, 1, 2)
    msg = shown(out.reply)
    check_limits(msg)
    t = all_text(msg)
    # top open risks by score, with how many are open and a way to all of them
    assert "Top open risks* (3 open)" in t
    assert t.index("*R-1*") < t.index("*R-3*") < t.index("*R-2*")
    assert "Vendor may slip" in t and "Critical" in t and "Long closed" not in t
    assert "Another workspace" not in t
    assert "All open risks (3)" in t
    # new risks and overdue reviews
    assert "New risks this week* (1)" in t and "Scope creep" in t
    assert "Overdue reviews* (1)" in t and "review was due 2026-11-22" in t
    # feedback by sentiment this week, and what still waits (oldest first)
    assert "1 positive" in t and "0 neutral" in t and "1 negative" in t
    assert "Not acted on yet: 2" in t and t.index("F-1") < t.index("F-2") and "Slow answers" not in t
    assert "12 days ago" in t
    # stakeholder scores: lowest first, trend by week, who has not answered
    assert t.index("*Gemini* *2.0*/5") < t.index("*Apollo* *4.0*/5 ↑ +1.0")
    assert "weeks: 3.0 → 4.0" in t and "1 off track" in t and "not answered: <@USILENT>" in t
    # stand-up participation
    assert "<#CAPOLLO>: 3 of 4 prompts answered (75%)" in t
    # the rhythm's own failures
    assert "check-in poll to <@UGONE>: `user_not_found`" in t
    assert "check-in of *Apollo* (2026-11-20T15:00Z)" in t


@time_machine.travel(NOW, tick=False)
def test_a_project_summary_keeps_to_the_project(db: Db) -> None:
    ids = seed_week(db)
    out = db.run(summaries.build, actor=MANAGER, project_name="apollo")
    assert out.reply.project is not None and out.reply.project.id == ids["apollo"]
    msg = shown(out.reply)
    check_limits(msg)
    t = all_text(msg)
    assert "Summary — Apollo" in t
    assert "Vendor may slip" in t and "Scope creep" not in t and "Review is late" not in t
    assert "F-1" in t and "F-2" not in t
    assert "*Apollo* *4.0*/5" in t and "Gemini" not in t
    assert "<#CAPOLLO>: 3 of 4" in t
    assert "user_not_found" not in t  # delivery problems are the workspace summary's
    button = next(b for b in msg["blocks"] if b["type"] == "actions")["elements"][0]
    assert button["action_id"] == "summary_full_risks" and f'"p": {ids["apollo"]}' in button["value"]


def test_an_unknown_project_is_refused_with_the_closest_names(db: Db) -> None:
    seed_week(db)
    with pytest.raises(NotFound, match="Apolo.*Apollo"):
        db.run(summaries.build, actor=MANAGER, project_name="Apolo")


@time_machine.travel(NOW, tick=False)
def test_an_empty_workspace_gets_a_short_calm_summary(db: Db) -> None:
    msg = shown(db.run(summaries.build, actor=MANAGER).reply)
    t = all_text(msg)
    assert "No open risks" in t and "No check-in answers" in t and "No stand-ups" in t
    assert "Everything went out this week" in t
    assert not [b for b in msg["blocks"] if b["type"] == "actions"]


@time_machine.travel(NOW, tick=False)
def test_asking_subscribes_a_manager_to_the_weekly_dm_once(db: Db) -> None:
    boss = Actor(TEAM, "UMGR", is_manager=True, tz="Europe/London")
    first = db.run(summaries.build, actor=boss)
    assert first.reschedule and first.reply.subscribed and "every Monday at 08:00" in all_text(shown(first.reply))
    again = db.run(summaries.build, actor=boss)
    assert not again.reschedule and not again.reply.subscribed
    assert "every Monday" not in all_text(shown(again.reply))
    with db.session() as s:
        sub = s.exec(select(SummarySubscriber)).one()
        assert (sub.team_id, sub.user_id, sub.tz) == (TEAM, "UMGR", "Europe/London")
        assert s.get(Counter, ("_", "schedule")).value == 1  # type: ignore[union-attr]
        # this week's Monday 08:00 had passed before they subscribed: not theirs, and not "missed"
        run = s.exec(select(JobRun)).one()
        assert (run.job_key, run.occurrence, run.status) == ("summary:UMGR", "2026-W48", "skipped")


def test_trend_folds_polls_into_iso_weeks() -> None:
    polls = [PollScore(1, 1, at(2026, 11, 9, 15), 2, 2, 7, 0, 0),  # W46: 3.5
             PollScore(1, 2, at(2026, 11, 13, 15), 2, 2, 5, 0, 0),  # W46 too: (7 + 5) / 4 = 3.0
             PollScore(1, 3, at(2026, 11, 20, 15), 1, 0, 0, 0, 0),  # W47: nobody scored
             PollScore(1, 4, at(2026, 11, 24, 15), 2, 2, 9, 0, 0)]  # W48: 4.5
    got = summaries.trend(list(reversed(polls)))
    assert [(w.week, w.average, w.answers) for w in got] == [("2026-W46", 3.0, 4), ("2026-W48", 4.5, 2)]
    scores = summaries.ProjectScores(1, "Apollo", got)
    assert scores.latest == 4.5 and scores.change == 1.5


@time_machine.travel(NOW, tick=False)
def test_project_show_has_the_stakeholder_score_and_standup_participation(db: Db) -> None:
    ids = seed_week(db)
    with db.session() as s:
        apollo = s.get(Project, ids["apollo"])
        assert apollo is not None
        health = summaries.health_extra(session=s, team_id=TEAM, project=apollo, today=TODAY)
    assert health.scores is not None and (health.scores.latest, health.scores.change) == (4.0, 1.0)
    assert health.channel_id == "CAPOLLO" and [(r.prompts, r.answers) for r in health.standups] == [(4, 3)]
    t = all_text(shown(db.run(projects.show, actor=MEMBER, name="Apollo", write=False).reply))
    assert "Stakeholder score" in t and "*4.0*/5 ↑ +1.0" in t and "not answered: <@USILENT>" in t
    assert "Stand-up participation" in t and "75% (3 of 4 prompts, last 7 days)" in t
    t = all_text(shown(db.run(projects.show, actor=MEMBER, name="Gemini", write=False).reply))
    assert "*2.0*/5" in t and "no channel set" in t
    with db.session() as s:
        seed.project(s, "Hermes", team=TEAM, channel="CHERMES")
        s.commit()
    t = all_text(shown(db.run(projects.show, actor=MEMBER, name="Hermes", write=False).reply))
    assert "no check-in answers in the last weeks" in t and "no stand-up in <#CHERMES>" in t


def test_the_grammar_gives_typed_requests() -> None:
    assert parse("") == Summarize() and parse('project="Apollo one"') == Summarize(project_name="Apollo one")
    assert parse("help") == Help(USAGE)
    assert Summarize.write and not AllOpenRisks.write


@time_machine.travel(NOW, tick=False)
def test_perform_carries_out_each_request(db: Db) -> None:
    ids = seed_week(db)
    out = db.run(partial(summaries.perform, Summarize(project_name="Gemini")), actor=MANAGER)
    assert isinstance(out.reply, Summary) and out.reply.project is not None and out.reply.project.name == "Gemini"
    with pytest.raises(Refused):
        db.run(partial(summaries.perform, Summarize()), actor=MEMBER)
    listing = db.run(partial(summaries.perform, AllOpenRisks(project_id=ids["apollo"])), actor=MEMBER,
                     write=False)
    t = "\n".join(all_text(m) for m in render(listing.reply))
    assert "Vendor may slip" in t and "Scope creep" not in t
