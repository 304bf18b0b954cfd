"""Check-in services on the real database: managers configure, only the person asked answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from bot.checkins import grammar as req
from bot.checkins import service as checkins
from bot.checkins import views
from bot.errors import NotFound, Refused, UsageError
from bot.people import Actor
from bot.schedules import SCHEDULE_COUNTER
from handlers.slack.render.catalog import render
from storage.models import Counter, Project
from storage.models_rhythm import CheckinAnswer, CheckinConfig, Delivery, Stakeholder, SummarySubscriber
from storage.repositories import checkins as repo
from storage.repositories import deliveries as ledger
from tests.bot.checkins.polls import T0, project, sent_poll
from tests.bot.people import MANAGER, MEMBER, TEAM
from tests.bot.units import Db
from tests.slack_requests import all_text


def shown(view: object) -> str:
    """Every visible string of a view as Slack shows it."""
    return all_text(render(view))

LONDON_MGR = Actor(TEAM, "UMGR", is_manager=True, tz="Europe/London")
ADMIN = Actor(TEAM, "UADMIN", is_manager=True, tz="Asia/Kolkata")


def counter(db: Db) -> int:
    with db.session() as s:
        row = s.get(Counter, SCHEDULE_COUNTER)
        return row.value if row else 0


def rows(db: Db, model: type) -> list:
    with db.session() as s:
        return list(s.exec(select(model)).all())


# ---- configuring ---------------------------------------------------------------------------------------

def test_add_creates_stakeholders_and_a_friday_schedule_in_the_managers_zone(db: Db) -> None:
    pid = project(db)
    before = counter(db)
    out = db.run(checkins.add, actor=LONDON_MGR, user_ids=["UANN", "UBO"], project_name="apollo", now=T0)
    assert out.reschedule
    assert sorted(s.user_id for s in rows(db, Stakeholder)) == ["UANN", "UBO"]
    cfg = rows(db, CheckinConfig)[0]
    assert (cfg.project_id, cfg.day, cfg.time, cfg.tz, cfg.reminder_hours, cfg.created_by) == (
        pid, 4, "15:00", "Europe/London", 24, "UMGR")
    assert counter(db) > before
    assert [(s.user_id, s.tz) for s in rows(db, SummarySubscriber)] == [("UMGR", "Europe/London")]
    assert out.reply == views.StakeholdersAdded("Apollo", ["UANN", "UBO"], [], views.Schedule(
        4, "15:00", "Europe/London", 24), datetime(2024, 4, 12, 14, 0, tzinfo=UTC))  # T0 itself is not "next"
    text = shown(out.reply)
    assert "<@UANN> and <@UBO>" in text and "Fridays at 15:00 (Europe/London)" in text
    assert "Fri 12 Apr 15:00" in text


def test_add_without_a_known_zone_uses_the_fallback(db: Db) -> None:
    project(db)
    db.run(checkins.add, actor=MANAGER, user_ids=["UANN"], project_name="Apollo", fallback_tz="America/Chicago")
    assert rows(db, CheckinConfig)[0].tz == "America/Chicago"


def test_adding_again_changes_nothing_and_keeps_the_schedule(db: Db) -> None:
    project(db)
    db.run(checkins.add, actor=LONDON_MGR, user_ids=["UANN"], project_name="Apollo")
    db.run(checkins.schedule, actor=LONDON_MGR, project_name="Apollo", day=0, time="09:00")
    before = counter(db)
    out = db.run(checkins.add, actor=ADMIN, user_ids=["UANN"], project_name="Apollo")
    assert not out.reschedule and "already a stakeholder" in shown(out.reply)
    assert (out.reply.added, out.reply.already) == ([], ["UANN"])
    cfg = rows(db, CheckinConfig)[0]
    assert (cfg.day, cfg.time, cfg.tz, cfg.created_by) == (0, "09:00", "Europe/London", "UMGR")
    assert len(rows(db, Stakeholder)) == 1
    assert counter(db) == before + 1  # only the admin's new summary subscription


def test_members_are_refused_and_nothing_is_written(db: Db) -> None:
    project(db)
    for fn, kwargs in ((checkins.add, {"user_ids": ["UANN"]}), (checkins.remove, {"user_ids": ["UANN"]}),
                       (checkins.schedule, {"day": 1}), (checkins.prepare_send, {}), (checkins.results, {})):
        with pytest.raises(Refused, match="only managers"):
            db.run(fn, actor=MEMBER, project_name="Apollo", **kwargs)
    assert rows(db, Stakeholder) == [] and rows(db, CheckinConfig) == [] and rows(db, SummarySubscriber) == []
    assert counter(db) == 0


def test_unknown_project_names_the_closest(db: Db) -> None:
    project(db)
    with pytest.raises(NotFound, match=r"\*Apollo\*"):
        db.run(checkins.add, actor=MANAGER, user_ids=["UANN"], project_name="Apolo")
    assert rows(db, Stakeholder) == []


def test_projects_of_another_workspace_are_invisible(db: Db) -> None:
    project(db, team="T2")
    with pytest.raises(NotFound):
        db.run(checkins.add, actor=MANAGER, user_ids=["UANN"], project_name="Apollo")


def test_remove(db: Db) -> None:
    project(db)
    db.run(checkins.add, actor=MANAGER, user_ids=["UANN", "UBO"], project_name="Apollo")
    with pytest.raises(NotFound, match="not a stakeholder"):
        db.run(checkins.remove, actor=MANAGER, user_ids=["UCY"], project_name="Apollo")
    before = counter(db)
    out = db.run(checkins.remove, actor=MANAGER, user_ids=["UANN", "UCY"], project_name="Apollo")
    assert out.reschedule and counter(db) > before
    assert out.reply == views.StakeholdersRemoved("Apollo", ["UANN"], ["UCY"], nobody_left=False)
    assert "<@UCY> was not one" in shown(out.reply)
    out = db.run(checkins.remove, actor=MANAGER, user_ids=["UBO"], project_name="Apollo")
    assert out.reply.nobody_left and "Nobody is left" in shown(out.reply) and rows(db, Stakeholder) == []


def test_perform_carries_out_each_request_with_the_fallback_zone(db: Db) -> None:
    project(db)

    def perform(request: req.Performed, actor: Actor = MANAGER) -> object:
        return db.run(checkins.perform, request=request, actor=actor, fallback_tz="America/Chicago")

    out = perform(req.Add(("UANN", "UBO"), "Apollo"))
    assert isinstance(out.reply, views.StakeholdersAdded) and out.reply.added == ["UANN", "UBO"]
    assert rows(db, CheckinConfig)[0].tz == "America/Chicago"  # the manager's own zone is unknown
    out = perform(req.Schedule("Apollo", day=0, time="09:30", reminder_hours=4))
    assert isinstance(out.reply, views.Scheduled)
    assert out.reply.schedule == views.Schedule(0, "09:30", "America/Chicago", 4)
    out = perform(req.Schedule("Apollo", tz="Asia/Kolkata"), LONDON_MGR)
    assert out.reply.schedule == views.Schedule(0, "09:30", "Asia/Kolkata", 4)
    out = perform(req.Remove(("UBO",), "Apollo"))
    assert out.reply == views.StakeholdersRemoved("Apollo", ["UBO"], [], nobody_left=False)
    out = db.run(checkins.perform, request=req.Results("Apollo"), actor=MANAGER, write=False)
    assert isinstance(out.reply, views.CheckinStats) and out.reply.stakeholders == ["UANN"]
    assert out.reply.latest_at is None and "No check-in has been sent" in shown(out.reply)


def test_errors_name_people_as_references(db: Db) -> None:
    from bot import text

    project(db)
    with pytest.raises(views.NotStakeholders) as e:
        db.run(checkins.remove, actor=MANAGER, user_ids=["UCY", "UDAN"], project_name="Apollo")
    assert (e.value.project_name, e.value.user_ids) == ("Apollo", ["UCY", "UDAN"])
    assert str(e.value) == f"{text.person('UCY')} and {text.person('UDAN')} are not stakeholders of *Apollo*."
    assert "<@UCY> and <@UDAN> are not stakeholders of *Apollo*." in shown(e.value)
    with pytest.raises(views.NoStakeholders) as no:
        db.run(checkins.prepare_send, actor=MANAGER, project_name="apollo", write=False)
    assert no.value.project_name == "Apollo"


def test_schedule_changes_only_what_is_given_and_reads_times_in_the_managers_zone(db: Db) -> None:
    project(db)
    db.run(checkins.add, actor=LONDON_MGR, user_ids=["UANN"], project_name="Apollo")
    before = counter(db)
    out = db.run(checkins.schedule, actor=ADMIN, project_name="Apollo", time="10:30", reminder_hours=6, now=T0)
    assert out.reschedule and counter(db) > before
    cfg = rows(db, CheckinConfig)[0]
    assert (cfg.day, cfg.time, cfg.tz, cfg.reminder_hours) == (4, "10:30", "Asia/Kolkata", 6)
    assert "Fridays at 10:30 (Asia/Kolkata)" in shown(out.reply) and "Fri 12 Apr 10:30" in shown(out.reply)
    db.run(checkins.schedule, actor=ADMIN, project_name="Apollo", day=6, tz="America/New_York")
    cfg = rows(db, CheckinConfig)[0]
    assert (cfg.day, cfg.time, cfg.tz, cfg.reminder_hours) == (6, "10:30", "America/New_York", 6)


def test_schedule_before_any_stakeholder_says_nobody_is_asked(db: Db) -> None:
    project(db)
    out = db.run(checkins.schedule, actor=LONDON_MGR, project_name="Apollo", day=1)
    assert isinstance(out.reply, views.Scheduled) and out.reply.nobody_asked
    assert "Nobody is asked yet" in shown(out.reply)
    assert rows(db, CheckinConfig)[0].day == 1


def test_prepare_send_needs_stakeholders(db: Db) -> None:
    pid = project(db)
    with pytest.raises(UsageError, match="no stakeholders"):
        db.run(checkins.prepare_send, actor=MANAGER, project_name="Apollo", write=False)
    db.run(checkins.add, actor=MANAGER, user_ids=["UANN"], project_name="Apollo")
    target = db.run(checkins.prepare_send, actor=MANAGER, project_name="APOLLO", write=False)
    assert (target.project_id, target.project_name, target.stakeholders) == (pid, "Apollo", 1)


# ---- answering -----------------------------------------------------------------------------------------

def test_only_the_person_asked_can_answer(db: Db) -> None:
    pid = project(db)
    poll = sent_poll(db, pid, ["UANN"])
    with pytest.raises(Refused, match="only the person asked"):
        db.run(checkins.answer, team_id=TEAM, user_id="UBO", poll_id=poll, changes={"score": 5})
    with pytest.raises(NotFound):  # the same poll id seen from another workspace
        db.run(checkins.answer, team_id="T2", user_id="UANN", poll_id=poll, changes={"score": 5})
    assert rows(db, CheckinAnswer) == []
    done = db.run(checkins.answer, team_id=TEAM, user_id="UANN", poll_id=poll, changes={"score": 4})
    assert (done.answer.score, done.project_name, done.low) == (4, "Apollo", False)


def test_a_poll_is_answered_only_in_the_dm_it_was_sent_to(db: Db) -> None:
    poll = sent_poll(db, project(db), ["UANN", "UBO"])
    with db.session() as s:  # where the ledger says each DM went
        for d in s.exec(select(Delivery)):
            d.channel = f"D{d.recipient}"
            s.add(d)
        s.commit()
    with pytest.raises(Refused, match="only the person asked"):  # a co-stakeholder, in a copy of ann's DM
        db.run(checkins.answer, team_id=TEAM, user_id="UBO", poll_id=poll, changes={"score": 1}, channel="DUANN")
    assert rows(db, CheckinAnswer) == []
    db.run(checkins.answer, team_id=TEAM, user_id="UBO", poll_id=poll, changes={"score": 1}, channel="DUBO")
    assert [(a.user_id, a.score) for a in rows(db, CheckinAnswer)] == [("UBO", 1)]


def test_answers_change_until_the_next_poll_then_close(db: Db) -> None:
    pid = project(db)
    first = sent_poll(db, pid, ["UANN"])
    db.run(checkins.answer, team_id=TEAM, user_id="UANN", poll_id=first, changes={"score": 4})
    db.run(checkins.answer, team_id=TEAM, user_id="UANN", poll_id=first, changes={"status": "at_risk"})
    done = db.run(checkins.answer, team_id=TEAM, user_id="UANN", poll_id=first, changes={"comment": "  Fine  "})
    a = done.answer
    assert (a.score, a.status, a.comment) == (4, "at_risk", "Fine")
    done = db.run(checkins.answer, team_id=TEAM, user_id="UANN", poll_id=first, changes={"score": 2, "comment": ""})
    assert (done.answer.score, done.answer.comment, done.low) == (2, None, True)
    assert len(rows(db, CheckinAnswer)) == 1
    sent_poll(db, pid, ["UANN"], at=T0 + timedelta(days=7))
    with pytest.raises(Refused, match="this check-in has closed"):
        db.run(checkins.answer, team_id=TEAM, user_id="UANN", poll_id=first, changes={"score": 5})
    assert rows(db, CheckinAnswer)[0].score == 2


@pytest.mark.parametrize("changes", [{"score": 0}, {"score": 6}, {"status": "sideways"},
                                     {"comment": "x" * 3001}])
def test_bad_answers_are_refused(db: Db, changes: dict) -> None:
    poll = sent_poll(db, project(db), ["UANN"])
    with pytest.raises(UsageError):
        db.run(checkins.answer, team_id=TEAM, user_id="UANN", poll_id=poll, changes=changes)
    assert rows(db, CheckinAnswer) == []


def test_off_track_is_low_whatever_the_score(db: Db) -> None:
    poll = sent_poll(db, project(db), ["UANN"])
    assert not db.run(checkins.answer, team_id=TEAM, user_id="UANN", poll_id=poll, changes={"score": 5}).low
    assert db.run(checkins.answer, team_id=TEAM, user_id="UANN", poll_id=poll,
                  changes={"status": "off_track"}).low


def test_alert_goes_to_the_creator_and_the_configuring_manager_once_each(db: Db) -> None:
    pid = project(db, created_by="UOWNER")
    db.run(checkins.add, actor=LONDON_MGR, user_ids=["UANN", "UOWNER"], project_name="Apollo")
    poll = sent_poll(db, pid, ["UANN", "UOWNER"])
    assert db.run(checkins.alert_plan, team_id=TEAM, poll_id=poll, answerer="UANN") is None  # no answer yet
    db.run(checkins.answer, team_id=TEAM, user_id="UANN", poll_id=poll, changes={"score": 1})
    plan = db.run(checkins.alert_plan, team_id=TEAM, poll_id=poll, answerer="UANN")
    assert plan.managers == ["UOWNER", "UMGR"] and "1/5" in shown(plan.message)
    assert plan.message == views.LowAnswer("Apollo", poll, "UANN", views.Answer(score=1))
    db.run(checkins.answer, team_id=TEAM, user_id="UOWNER", poll_id=poll, changes={"status": "off_track"})
    assert db.run(checkins.alert_plan, team_id=TEAM, poll_id=poll, answerer="UOWNER").managers == ["UMGR"]


def test_risk_prefill_only_for_the_managers_alerted(db: Db) -> None:
    pid = project(db)
    poll = sent_poll(db, pid, ["UANN"])
    db.run(checkins.answer, team_id=TEAM, user_id="UANN", poll_id=poll, changes={"status": "off_track"})
    with pytest.raises(Refused):
        db.run(checkins.risk_prefill, team_id=TEAM, poll_id=poll, answerer="UANN", presser="UMGR")
    db.run(ledger.claim_new, team_id=TEAM, owner="t", lease=timedelta(minutes=1), rows=[
        {"what": repo.alert_what(poll, "UANN"), "recipient": "UMGR", "occurrence": "o", "payload": "{}"}])
    pre = db.run(checkins.risk_prefill, team_id=TEAM, poll_id=poll, answerer="UANN", presser="UMGR",
                 answerer_name="ann")
    assert pre["project_id"] == pid and pre["title"] == "Stakeholder concern on Apollo"
    assert "ann answered" in pre["description"] and "off track" in pre["description"]
    assert (pre["probability"], pre["impact"]) == (3, 4)


# ---- results and reminders ---------------------------------------------------------------------------

def test_stats_average_trend_comments_and_non_responders(db: Db) -> None:
    pid = project(db)
    db.run(checkins.add, actor=LONDON_MGR, user_ids=["UANN", "UBO", "UCY", "UDAN"], project_name="Apollo")
    old = sent_poll(db, pid, ["UANN", "UBO"], at=T0 - timedelta(weeks=2))
    for u, s in (("UANN", 2), ("UBO", 3)):
        db.run(checkins.answer, team_id=TEAM, user_id=u, poll_id=old, changes={"score": s})
    db.run(checkins.answer, team_id=TEAM, user_id="UANN", poll_id=old, changes={"comment": "Late"})
    poll = sent_poll(db, pid, ["UANN", "UBO", "UCY", "UDAN"], at=T0, failed=("UDAN",))
    db.run(checkins.answer, team_id=TEAM, user_id="UANN", poll_id=poll, changes={"score": 4, "status": "on_track"})
    db.run(checkins.answer, team_id=TEAM, user_id="UBO", poll_id=poll, changes={"score": 5, "comment": "Great"})
    with db.session() as s:
        p = s.get(Project, pid)
        stats = checkins.project_stats(session=s, team_id=TEAM, project=p, now=T0 + timedelta(hours=1))
    assert (stats.average, stats.answered, stats.asked) == (4.5, 2, 4)
    assert stats.statuses == {"on_track": 1, "at_risk": 0, "off_track": 0}
    assert stats.not_answered == ["UCY"] and stats.unreachable == ["UDAN"]
    assert [w for w, _, _ in stats.trend] == [f"2024-W{n:02d}" for n in range(7, 15)]
    trend = {w: (v, n) for w, v, n in stats.trend}
    assert trend["2024-W12"] == (2.5, 2) and trend["2024-W14"] == (4.5, 2) and trend["2024-W13"] == (None, 0)
    assert [c for _, _, c in stats.comments] == ["Great", "Late"]
    out = db.run(checkins.results, actor=MANAGER, project_name="Apollo", now=T0 + timedelta(hours=1), write=False)
    assert isinstance(out.reply, views.CheckinStats) and out.reply.average == 4.5
    assert "4.5/5" in shown(out.reply)


def test_reminders_due_after_the_delay_for_the_latest_poll_only(db: Db) -> None:
    pid = project(db)
    db.run(checkins.add, actor=LONDON_MGR, user_ids=["UANN", "UBO", "UCY"], project_name="Apollo")
    db.run(checkins.schedule, actor=LONDON_MGR, project_name="Apollo", reminder_hours=12)
    old = sent_poll(db, pid, ["UANN", "UBO", "UCY"], at=T0 - timedelta(days=2))
    poll = sent_poll(db, pid, ["UANN", "UBO", "UCY"], at=T0, failed=("UCY",))
    db.run(checkins.answer, team_id=TEAM, user_id="UANN", poll_id=poll, changes={"score": 3})
    assert db.run(checkins.reminders_due, now=T0 + timedelta(hours=11, minutes=59), write=False) == []
    due = db.run(checkins.reminders_due, now=T0 + timedelta(hours=12), write=False)
    assert [(r.poll_id, r.users, r.project_name) for r in due] == [(poll, ["UBO"], "Apollo")]
    assert old != poll
    db.run(ledger.claim_new, team_id=TEAM, owner="t", lease=timedelta(minutes=1), rows=[
        {"what": repo.reminder_what(poll), "recipient": "UBO", "occurrence": "o", "payload": "{}"}])
    assert db.run(checkins.reminders_due, now=T0 + timedelta(hours=13), write=False) == []
    assert db.run(checkins.reminders_due, now=T0 + timedelta(days=30), write=False) == []
