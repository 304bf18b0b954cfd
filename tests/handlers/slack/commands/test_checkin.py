"""/checkin end to end: signed requests in, the Web API stand-in records what goes out."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import time_machine

from bot.schedules import next_fire, weekly
from storage.models_rhythm import CheckinConfig, CheckinPoll, Delivery, Stakeholder, SummarySubscriber
from tests.handlers.slack.e2e import check_limits, one, rows, table_counts
from tests.message_limits import wait_all
from tests.slack_requests import SlackClient, all_text
from tests.slack_stub import TEAM, SlackStub

ANN = "<@UMEMBER|mike>"
NINA = "<@UMEMBER2|nina>"


def until(check: Callable[[], Any], timeout: float = 5.0) -> Any:
    """Wait for a condition the bot makes true in the background (e.g. a rebuilt schedule)."""
    deadline = time.monotonic() + timeout
    while True:
        got = check()
        if got or time.monotonic() > deadline:
            return got
        time.sleep(0.02)


def apollo(slack: SlackClient) -> None:
    assert "Created project" in slack.command("/project", "new Apollo", user="UMGR").text()


def test_help_and_empty_show_usage(slack: SlackClient) -> None:
    for text in ("", "help"):
        t = slack.command("/checkin", text).text()
        assert "Usage of /checkin" in t and "/checkin schedule" in t


def test_bad_input_says_what_is_wrong_and_writes_nothing(slack: SlackClient, engine) -> None:
    apollo(slack)
    before = table_counts(engine)
    for text, says in (("add bob project=Apollo", "`bob` is not a person"),
                       ("schedule project=Apollo day=someday", "`day=` must be one of"),
                       ("schedule project=Apollo time=25:99", "`time=`"),
                       ("schedule project=Apollo tz=Nowhere/Town", "not a time zone"),
                       ("frobnicate", "I don't know `/checkin frobnicate`")):
        r = slack.command("/checkin", text, user="UMGR")
        assert r.status == 200
        t = r.text()
        assert says in t and "Usage of /checkin" in t, (text, t)
    t = slack.command("/checkin", f"add {ANN} project=Apolo", user="UMGR").text()
    assert "no project called *Apolo*" in t and "Apollo" in t
    assert table_counts(engine) == before


def test_members_are_refused_politely(slack: SlackClient, engine) -> None:
    apollo(slack)
    before = table_counts(engine)
    for text in (f"add {ANN} project=Apollo", "schedule project=Apollo day=mon", "send project=Apollo",
                 "results project=Apollo", f"remove {ANN} project=Apollo"):
        assert "only managers" in slack.command("/checkin", text, user="UMEMBER").text()
    assert table_counts(engine) == before


def test_add_sets_friday_15_in_the_managers_zone_and_subscribes_them(slack: SlackClient, engine) -> None:
    apollo(slack)
    r = slack.command("/checkin", f"add {ANN} {NINA} project=apollo", user="UMGR")
    t = r.text()
    assert "<@UMEMBER> and <@UMEMBER2>" in t and "Fridays at 15:00 (Europe/London)" in t
    check_limits(r.messages()[0])
    assert sorted(s.user_id for s in rows(engine, Stakeholder)) == ["UMEMBER", "UMEMBER2"]
    cfg = one(engine, CheckinConfig)
    assert (cfg.day, cfg.time, cfg.tz, cfg.created_by) == (4, "15:00", "Europe/London", "UMGR")
    assert [s.user_id for s in rows(engine, SummarySubscriber)] == ["UMGR"]


def test_schedule_change_applies_without_restart(slack: SlackClient, served, engine) -> None:
    apollo(slack)
    slack.command("/checkin", f"add {ANN} project=Apollo", user="UMGR").text()
    pid = one(engine, CheckinConfig).project_id
    scheduler = served.runtime.scheduler
    job_id = f"checkin:{TEAM}:{pid}"
    friday = next_fire(weekly([4], "15:00", "Europe/London"), datetime.now(UTC))
    job = until(lambda: scheduler.get_job(job_id))
    assert job is not None and job.next_run_time == friday
    t = slack.command("/checkin", "schedule project=Apollo day=mon time=09:00 tz=Asia/Kolkata", user="UMGR").text()
    assert "Mondays at 09:00 (Asia/Kolkata)" in t
    monday = next_fire(weekly([0], "09:00", "Asia/Kolkata"), datetime.now(UTC))
    assert until(lambda: (j := scheduler.get_job(job_id)) is not None and j.next_run_time == monday)
    # Nobody left to ask: the job goes at once.
    slack.command("/checkin", f"remove {ANN} project=Apollo", user="UMGR").text()
    assert until(lambda: scheduler.get_job(job_id) is None)


def test_send_twice_in_the_same_minute_sends_one_poll_per_person(slack: SlackClient, stub: SlackStub,
                                                                 engine) -> None:
    apollo(slack)
    slack.command("/checkin", f"add {ANN} {NINA} project=Apollo", user="UMGR").text()
    with time_machine.travel(datetime.now(UTC).replace(second=0, microsecond=0), tick=True):
        first = slack.command("/checkin", "send project=Apollo", user="UMGR").text()
        second = slack.command("/checkin", "send project=Apollo", user="UADMIN").text()
    assert "Sent the *Apollo* check-in to 2 stakeholders" in first
    assert "2 had already been sent" in second and "Sent the" not in second
    [poll] = rows(engine, CheckinPoll)
    assert poll.sent_by == "UMGR"
    for user in ("UMEMBER", "UMEMBER2"):
        [dm] = stub.find("chat.postMessage", channel=user)
        check_limits(dm)
    assert len([d for d in rows(engine, Delivery) if d.what == f"checkin:{poll.id}"]) == 2


def test_send_without_stakeholders_says_how_to_add_them(slack: SlackClient, engine) -> None:
    apollo(slack)
    t = slack.command("/checkin", "send project=Apollo", user="UMGR").text()
    assert "no stakeholders" in t and "/checkin add" in t
    assert rows(engine, CheckinPoll) == []


def test_results_before_any_poll(slack: SlackClient) -> None:
    apollo(slack)
    slack.command("/checkin", f"add {ANN} project=Apollo", user="UMGR").text()
    t = slack.command("/checkin", "results project=Apollo", user="UADMIN").text()
    assert "No check-in has been sent" in t and "Fridays at 15:00" in t


def test_results_with_230_non_responders_name_every_one_within_slacks_limits(slack: SlackClient, stub: SlackStub,
                                                                             engine) -> None:
    from sqlmodel import Session

    from storage import clock
    from tests import summary_seed as seed
    from tests.message_limits import check_recorded

    silent = [f"U0SILENT{n:04d}" for n in range(230)]
    with Session(engine) as s:
        p = seed.project(s, "Apollo")
        assert p.id is not None
        poll = seed.poll(s, p.id, sent_at=clock.now())
        seed.asked(s, poll, "UHAPPY", *silent)
        seed.answer(s, poll, "UHAPPY", 4, "on_track")
        s.commit()
    r = slack.command("/checkin", "results project=Apollo", user="UADMIN")
    answers = wait_all(stub, r.rid)
    assert len(answers) <= 5
    assert all(a["response_type"] == "ephemeral" and a["replace_original"] is False for a in answers)
    check_recorded(stub)
    text = "\n".join(all_text(a) for a in answers)
    assert "1 of 231 answered" in text
    assert all(text.count(f"<@{u}>") == 1 for u in silent)  # every one named, none cut in two

