"""Stand-ups: setup by managers (members replaced, schedule bumped), skipping, answering once a day,
who did what today, and the blocker's risk form — each call a unit of work on the real database."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from bot import text as core_text
from bot.errors import NotFound, Refused, UsageError
from bot.outcomes import Outcome
from bot.people import Actor
from bot.schedules import schedule_version
from bot.standups import service as standups
from bot.standups import views
from bot.standups.grammar import Setup, ShowReport, Skip
from handlers.slack.render.catalog import render
from storage.models import Project, SlackUser
from storage.models_rhythm import DayOff, Delivery, Standup, StandupAnswer, StandupMember, SummarySubscriber
from tests.bot.people import MANAGER, MEMBER, OTHER, TEAM
from tests.bot.units import Db
from tests.slack_requests import all_text

NOW = datetime(2030, 1, 7, 12, 0, tzinfo=UTC)  # Monday noon in London
TODAY = date(2030, 1, 7)
LONDON_MGR = Actor(TEAM, "UMGR", is_manager=True, tz="Europe/London")
ANN = Actor(TEAM, "UANN", tz="Europe/London")
BOB = Actor(TEAM, "UBOB", tz="Pacific/Auckland")  # already Tuesday 8 January, 01:00, there


def shown(view: object) -> str:
    """What Slack shows of a view."""
    return all_text(render(view))


def set_up(db: Db, members: list[str] | None = None, channel: str = "CSTAND", **kw: object) -> Outcome:
    return db.run(standups.setup, actor=LONDON_MGR, channel_id=channel,
                  members=["UANN", "UBOB"] if members is None else members, now=NOW, **kw)


def standup_id(db: Db, channel: str = "CSTAND") -> int:
    with db.session() as s:
        sid = s.exec(select(Standup.id).where(Standup.channel_id == channel)).one()
    assert sid is not None
    return sid


def channel_of(db: Db, fn: object, **kw: object) -> str:
    """The channel of the stand-up a lookup finds (read inside its unit of work)."""
    return db.run(lambda session, **k: fn(session=session, **k).channel_id, write=False, **kw)  # type: ignore


def members(db: Db) -> list[str]:
    with db.session() as s:
        return list(s.exec(select(StandupMember.user_id).order_by(StandupMember.id)))


def zones(db: Db, **tz: str) -> None:
    with db.session() as s:
        for uid, z in tz.items():
            s.merge(SlackUser(team_id=TEAM, user_id=uid, tz=z))
        s.commit()


# ---- setup ---------------------------------------------------------------------------------------

def test_setup_creates_bumps_the_schedule_and_subscribes_the_manager(db: Db) -> None:
    zones(db, UANN="Europe/London", UBOB="Pacific/Auckland")
    before = db.run(schedule_version, write=False)
    out = set_up(db, time="09:30", days="mon,tue,wed,thu,fri")
    assert out.reschedule and db.run(schedule_version, write=False) == before + 1
    assert members(db) == ["UANN", "UBOB"]
    with db.session() as s:
        st = s.exec(select(Standup)).one()
        sub = s.exec(select(SummarySubscriber)).one()
    assert (st.team_id, st.channel_id, st.time, st.days, st.post_mode, st.created_by) == (
        TEAM, "CSTAND", "09:30", "mon,tue,wed,thu,fri", "each", "UMGR")
    assert (sub.user_id, sub.tz) == ("UMGR", "Europe/London")
    assert isinstance(out.reply, views.SetupDone) and out.reply.created
    assert list(out.reply.members) == ["UANN", "UBOB"]
    assert out.reply.zones == {"UANN": "Europe/London", "UBOB": "Pacific/Auckland"}
    text = shown(out.reply)
    assert "Set up" in text and "Tue 8 Jan 2030 09:30 Europe/London (<@UANN>)" in text
    assert "Tue 8 Jan 2030 09:30 Pacific/Auckland (<@UBOB>)" in text


def test_setup_again_changes_what_is_given_and_replaces_members(db: Db) -> None:
    set_up(db, time="09:30")
    out = set_up(db, members=["UCAT"], post_mode="digest", tz="Asia/Kolkata")
    assert isinstance(out.reply, views.SetupDone) and not out.reply.created
    assert "Updated" in shown(out.reply) and members(db) == ["UCAT"]
    db.run(standups.setup, actor=LONDON_MGR, channel_id="CSTAND", time="10:00", now=NOW)
    with db.session() as s:
        st = s.exec(select(Standup)).one()
    assert (st.time, st.post_mode, st.tz) == ("10:00", "digest", "Asia/Kolkata")
    assert members(db) == ["UCAT"]  # not given: kept


def test_only_managers_set_up(db: Db) -> None:
    with pytest.raises(Refused, match="only managers"):
        db.run(standups.setup, actor=MEMBER, channel_id="CSTAND", members=["UANN"], now=NOW)
    with db.session() as s:
        assert s.exec(select(Standup)).all() == [] and s.exec(select(SummarySubscriber)).all() == []


@pytest.mark.parametrize("kw,match", [
    ({"members": []}, "Who is in the stand-up"),
    ({"members": [f"U{n}" for n in range(51)]}, "at most 50"),
    ({"post_mode": "weekly"}, "post="),
])
def test_setup_refuses_bad_definitions(db: Db, kw: dict, match: str) -> None:
    with pytest.raises(UsageError, match=match):
        db.run(standups.setup, actor=LONDON_MGR, channel_id="CSTAND", now=NOW, **kw)
    with db.session() as s:
        assert s.exec(select(Standup)).all() == []


# ---- which stand-up ------------------------------------------------------------------------------

def test_resolve_by_channel_current_channel_or_the_only_one(db: Db) -> None:
    with pytest.raises(NotFound, match="no stand-up yet"):
        db.run(standups.resolve, write=False, team_id=TEAM, channel_id=None, current_channel="CX")
    set_up(db)
    assert channel_of(db, standups.resolve, team_id=TEAM, channel_id=None, current_channel="CX") == "CSTAND"
    set_up(db, channel="CTWO")
    with pytest.raises(UsageError, match="channel="):
        db.run(standups.resolve, write=False, team_id=TEAM, channel_id=None, current_channel="CX")
    assert channel_of(db, standups.resolve, team_id=TEAM, channel_id=None, current_channel="CTWO") == "CTWO"
    with pytest.raises(NotFound, match=f"no stand-up in {core_text.place('CX')}"):
        db.run(standups.resolve, write=False, team_id=TEAM, channel_id="CX", current_channel=None)
    with pytest.raises(NotFound):
        db.run(standups.resolve, write=False, team_id="T2", channel_id="CSTAND", current_channel=None)


def test_now_is_for_managers_and_members(db: Db) -> None:
    set_up(db)
    assert channel_of(db, standups.for_now, actor=ANN) == "CSTAND"
    assert channel_of(db, standups.for_now, actor=MANAGER) == "CSTAND"
    with pytest.raises(Refused, match="only managers and members"):
        db.run(standups.for_now, write=False, actor=OTHER)


# ---- skipping ----------------------------------------------------------------------------------

def days_off(db: Db, user: str) -> list[date]:
    with db.session() as s:
        return list(s.exec(select(DayOff.day).where(DayOff.user_id == user).order_by(DayOff.day)))


def test_skip_today_in_the_persons_own_zone(db: Db) -> None:
    set_up(db)
    db.run(standups.skip, actor=ANN, now=NOW)
    db.run(standups.skip, actor=BOB, now=NOW)
    db.run(standups.skip, actor=BOB, now=NOW)  # twice is fine
    assert days_off(db, "UANN") == [TODAY] and days_off(db, "UBOB") == [date(2030, 1, 8)]


def test_days_off_until_a_date(db: Db) -> None:
    out = db.run(standups.skip, actor=ANN, until=date(2030, 1, 11), now=NOW)
    assert days_off(db, "UANN") == [date(2030, 1, d) for d in range(7, 12)]
    assert out.reply == views.DaysOff(date(2030, 1, 7), date(2030, 1, 11), in_standup=False)
    assert "Mon 7 Jan 2030 to Fri 11 Jan 2030" in shown(out.reply)
    assert "aren't in a stand-up" in shown(out.reply)


@pytest.mark.parametrize("until,match", [(date(2030, 1, 6), "in the past"), (date(2031, 1, 8), "at most 366")])
def test_days_off_refused(db: Db, until: date, match: str) -> None:
    with pytest.raises(UsageError, match=match):
        db.run(standups.skip, actor=ANN, until=until, now=NOW)
    assert days_off(db, "UANN") == []


# ---- answering --------------------------------------------------------------------------------------

def save(db: Db, actor: Actor = ANN, day: date = TODAY, today: str | None = "Call Acme",
         blockers: str | None = None, now: datetime = NOW) -> standups.Saved:
    return db.run(standups.save_answer, actor=actor, standup_id=standup_id(db), day=day, yesterday="Proposal",
                  today=today, blockers=blockers, now=now)


def test_one_answer_a_day_changed_in_place(db: Db) -> None:
    set_up(db)
    first = save(db, blockers="Legal")
    again = save(db, today="Call Acme and Beta", blockers=None)
    assert first.created and not again.created and first.answer.id == again.answer.id
    with db.session() as s:
        a = s.exec(select(StandupAnswer)).one()
    assert (a.user_id, a.day, a.today, a.blockers, a.team_id) == ("UANN", TODAY, "Call Acme and Beta", None, TEAM)
    _, earlier = db.run(standups.open_answer, actor=ANN, standup_id=standup_id(db), day=TODAY, now=NOW)
    assert earlier is not None and earlier.today == "Call Acme and Beta"


def test_answers_belong_to_their_own_day(db: Db) -> None:
    set_up(db)
    with pytest.raises(Refused, match="only on its own day"):
        save(db, day=date(2030, 1, 4))
    save(db, actor=BOB, day=date(2030, 1, 8))  # Tuesday already in Auckland
    with db.session() as s:
        assert [a.day for a in s.exec(select(StandupAnswer))] == [date(2030, 1, 8)]


def test_only_members_answer(db: Db) -> None:
    set_up(db)
    with pytest.raises(Refused, match="aren't one of them"):
        save(db, actor=OTHER)
    with pytest.raises(NotFound):
        db.run(standups.save_answer, actor=Actor("T2", "UANN"), standup_id=standup_id(db), day=TODAY,
               yesterday=None, today="x", blockers=None, now=NOW)


@pytest.mark.parametrize("today,match", [(None, "today"), ("  ", "today"), ("x" * 2001, "at most 2000")])
def test_answer_needs_today_within_limits(db: Db, today: str | None, match: str) -> None:
    set_up(db)
    with pytest.raises(UsageError, match=match):
        save(db, today=today)
    with db.session() as s:
        assert s.exec(select(StandupAnswer)).all() == []


def test_a_late_answer_in_digest_mode_knows_the_posted_digest(db: Db) -> None:
    set_up(db, post_mode="digest")
    assert save(db).digest_post is None
    with db.session() as s:
        s.add(Delivery(team_id=TEAM, what=standups.digest_what(standup_id(db)), recipient="CSTAND",
                       occurrence=TODAY.isoformat(), status="sent", channel="CSTAND", ts="123.456"))
        s.commit()
    late = save(db, actor=Actor(TEAM, "UBOB", tz="Europe/London"))
    assert late.digest_post == ("CSTAND", "123.456") and late.digest_status is not None
    assert sorted(a.user_id for a in late.digest_status.answers) == ["UANN", "UBOB"]


def test_post_is_remembered(db: Db) -> None:
    set_up(db)
    saved = save(db)
    db.run(standups.record_post, team_id=TEAM, answer_id=saved.answer.id, channel="CSTAND", ts="1.2")
    assert save(db).answer.post_ts == "1.2"


# ---- who did what ----------------------------------------------------------------------------------

def test_report_on_each_members_own_today(db: Db) -> None:
    set_up(db, members=["UANN", "UBOB", "UCAT", "UDAN"], days="mon,tue,wed,thu,fri")
    zones(db, UANN="Europe/London", UBOB="Pacific/Auckland", UCAT="Europe/London", UDAN="America/Los_Angeles")
    sunday_la = datetime(2030, 1, 7, 7, 0, tzinfo=UTC)  # Monday in London and Auckland, Sunday in Los Angeles
    save(db, blockers="Legal review", now=sunday_la)
    db.run(standups.skip, actor=BOB, now=sunday_la)
    out = db.run(standups.report, write=False, actor=MEMBER, current_channel="CSTAND", now=sunday_la)
    assert isinstance(out.reply, views.TodayReport) and not out.more
    status = out.reply.status
    assert ([a.user_id for a in status.answers], status.skipped, status.missing, status.not_today) == (
        ["UANN"], ["UBOB"], ["UCAT"], ["UDAN"])
    text = shown(out.reply)
    assert "Answered (1)*: <@UANN>" in text and "Skipped (1)*: <@UBOB>" in text
    assert "Not yet (1)*: <@UCAT>" in text and "No stand-up today (1)*: <@UDAN>" in text
    assert "Legal review" in text


def test_blocker_prefill_for_the_risk_form(db: Db) -> None:
    set_up(db)
    with db.session() as s:
        s.add(Project(team_id=TEAM, name="Apollo", name_key="apollo", channel_id="CSTAND", created_by="UMGR"))
        s.merge(SlackUser(team_id=TEAM, user_id="UANN", name="ann"))
        s.commit()
        project_id = s.exec(select(Project.id)).one()
    saved = save(db, blockers="Legal hasn't signed\nsince Friday")
    prefill, channel = db.run(standups.blocker_prefill, write=False, actor=BOB, answer_id=saved.answer.id)
    assert channel == "CSTAND"
    assert prefill["title"] == "Legal hasn't signed" and prefill["project_id"] == project_id
    assert "ann" in prefill["description"] and "since Friday" in prefill["description"]
    with db.session() as s:  # someone whose name is not known is referred to by their id
        s.merge(SlackUser(team_id=TEAM, user_id="UANN", name=None))
        s.commit()
    prefill, _ = db.run(standups.blocker_prefill, write=False, actor=BOB, answer_id=saved.answer.id)
    assert f"Blocker raised by {core_text.person('UANN')} in the stand-up of Mon 7 Jan 2030" in prefill["description"]
    assert db.run(standups.blocker_prefill, write=False, actor=LONDON_MGR, answer_id=saved.answer.id)[1] == "CSTAND"
    with pytest.raises(Refused):
        db.run(standups.blocker_prefill, write=False, actor=Actor(TEAM, "UOTHER"), answer_id=saved.answer.id)
    with pytest.raises(NotFound):
        db.run(standups.blocker_prefill, write=False, actor=Actor("T2", "UANN", is_manager=True),
               answer_id=saved.answer.id)


# ---- the command ------------------------------------------------------------------------------------------

def test_perform_carries_out_each_request(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(standups.clock, "now", lambda: NOW)
    out = db.run(standups.perform, actor=LONDON_MGR, fallback_tz="UTC",
                 request=Setup(channel_id="CSTAND", members=("UANN", "UBOB"), time="09:30", post_mode="digest"))
    assert isinstance(out.reply, views.SetupDone) and out.reschedule and members(db) == ["UANN", "UBOB"]
    with db.session() as s:
        assert (s.exec(select(Standup)).one().time, s.exec(select(Standup)).one().post_mode) == ("09:30", "digest")
    out = db.run(standups.perform, actor=ANN, fallback_tz="UTC", request=Skip(until=date(2030, 1, 8)))
    assert out.reply == views.DaysOff(TODAY, date(2030, 1, 8), in_standup=True)
    assert days_off(db, "UANN") == [TODAY, date(2030, 1, 8)]
    out = db.run(standups.perform, write=False, actor=ANN, fallback_tz="UTC",
                 request=ShowReport(channel_id=None, current_channel="CSTAND"))
    assert isinstance(out.reply, views.TodayReport) and out.reply.status.skipped == ["UANN"]


def test_perform_uses_the_fallback_zone_for_people_without_one(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    late = datetime(2030, 1, 7, 23, 30, tzinfo=UTC)  # Monday in London, already Tuesday in Kolkata
    monkeypatch.setattr(standups.clock, "now", lambda: late)
    out = db.run(standups.perform, actor=Actor(TEAM, "UZED"), fallback_tz="Asia/Kolkata", request=Skip())
    assert out.reply == views.DaysOff(date(2030, 1, 8), date(2030, 1, 8), in_standup=False)
