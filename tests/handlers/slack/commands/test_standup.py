"""/standup end to end: signed requests in, the Web API stand-in records what goes out."""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlmodel import Session, select

from handlers.slack import ids
from storage.models_rhythm import DayOff, Standup, StandupAnswer, StandupMember, SummarySubscriber
from tests.handlers.slack.e2e import check_limits, one, rows, table_counts
from tests.handlers.slack.standups import CHANNEL, SETUP, answer, dm_to, setup_standup
from tests.slack_requests import SlackClient, all_text, find_element
from tests.slack_stub import TEAM, SlackStub


def standup_jobs(served: Any, expected: list[str]) -> list[str]:
    """The stand-up jobs of the running scheduler, once they are `expected` (the reply comes before the
    rebuild, so this waits a little for it)."""
    deadline = time.monotonic() + 5
    while True:
        jobs = sorted(j for j in served.runtime.rhythm.specs if j.startswith("standup:"))
        if jobs == expected or time.monotonic() > deadline:
            return jobs
        time.sleep(0.02)


def test_help_and_empty_show_usage(slack: SlackClient) -> None:
    for text in ("", "help"):
        assert "Usage of /standup" in slack.command("/standup", text).text()


def test_setup_stores_it_schedules_each_zone_and_subscribes_the_manager(slack: SlackClient, served, engine) -> None:
    t = setup_standup(slack)
    assert "<@UMEMBER>" in t and "<@UMEMBER2>" in t and "09:30" in t
    s = one(engine, Standup)
    assert (s.channel_id, s.time, s.days, s.post_mode, s.created_by) == (
        CHANNEL, "09:30", "mon,tue,wed,thu,fri,sat,sun", "each", "UMGR")
    assert sorted(m.user_id for m in rows(engine, StandupMember)) == ["UMEMBER", "UMEMBER2"]
    assert [r.user_id for r in rows(engine, SummarySubscriber)] == ["UMGR"]
    expected = [f"standup:T0ACME:{s.id}:America/New_York", f"standup:T0ACME:{s.id}:Europe/London"]
    assert standup_jobs(served, expected) == expected


def test_setup_again_replaces_members_and_reschedules(slack: SlackClient, served, engine) -> None:
    setup_standup(slack)
    t = setup_standup(slack, f"setup channel=<#{CHANNEL}|standup> members=<@UMEMBER|mike> time=10:15 post=digest")
    assert "Updated" in t
    s = one(engine, Standup)
    assert (s.time, s.post_mode, s.days) == ("10:15", "digest", "mon,tue,wed,thu,fri,sat,sun")
    assert [m.user_id for m in rows(engine, StandupMember)] == ["UMEMBER"]
    expected = [f"standup:T0ACME:{s.id}:Europe/London"]
    assert standup_jobs(served, expected) == expected


def test_only_managers_set_up(slack: SlackClient, engine) -> None:
    before = table_counts(engine)
    t = slack.command("/standup", SETUP, user="UMEMBER").text()
    assert "only managers" in t
    assert table_counts(engine) == before


BAD_INPUT = [
    (SETUP.replace("09:30", "25:00"), "not a time"),
    (SETUP.replace("days=daily", "days=someday"), "not a day"),
    (SETUP + " tz=Mars/Olympus", "not a time zone"),
    (SETUP + " post=weekly", "must be one of"),
    (SETUP.replace("<@UMEMBER|mike>", "mike"), "mentioned with @"),
    (f"setup channel=<#{CHANNEL}|standup> time=09:30", "Who is in the stand-up"),
    ("setup channel=general members=<@UMEMBER|mike>", "channel picked with #"),
    (SETUP + " colour=blue", "colour="),
    ("dance", "don't know"),
    ("skip until=tomorrow", "YYYY-MM-DD"),
    ("report extra", "takes only"),
]


def test_bad_input_is_explained_and_nothing_written(slack: SlackClient, engine) -> None:
    before = table_counts(engine)
    for text, expected in BAD_INPUT:
        t = slack.command("/standup", text, user="UMGR").text()
        assert expected in t and "Usage of /standup" in t, (text, t)
    assert table_counts(engine) == before


def test_setup_in_a_dm_needs_a_channel(slack: SlackClient, engine) -> None:
    t = slack.command("/standup", "setup members=<@UMEMBER|mike>", user="UMGR", channel="DUMGR").text()
    assert "channel=" in t
    assert rows(engine, Standup) == []


def test_skip_today_and_days_off(slack: SlackClient, engine) -> None:
    setup_standup(slack)
    assert "no stand-up for you today" in slack.command("/standup", "skip", user="UMEMBER").text()
    assert len(rows(engine, DayOff)) == 1
    t = slack.command("/standup", "skip until=2000-01-01", user="UMEMBER").text()
    assert "in the past" in t and len(rows(engine, DayOff)) == 1


def test_without_channel_the_only_one_is_used_else_asked(slack: SlackClient, engine) -> None:
    setup_standup(slack)
    assert "Stand-up in <#CSTAND>" in slack.command("/standup", "report", channel="COTHER").text()
    setup_standup(slack, SETUP.replace(CHANNEL, "CSECOND"))
    t = slack.command("/standup", "report", channel="COTHER").text()
    assert "channel=" in t and "<#CSTAND>" in t and "<#CSECOND>" in t  # the core's references, drawn by Slack
    assert "Stand-up in <#CSECOND>" in slack.command("/standup", "report", channel="CSECOND").text()
    assert "There is no stand-up in <#CNONE>" in slack.command("/standup", "now channel=<#CNONE|x>",
                                                               user="UMGR").text()


def test_now_is_for_managers_and_members(slack: SlackClient, stub: SlackStub) -> None:
    setup_standup(slack)
    assert "only managers and members" in slack.command("/standup", "now", user="UOTHER", channel=CHANNEL).text()
    assert "Sorry, guest accounts" in slack.command("/standup", "now", user="UGUEST", channel=CHANNEL).text()
    assert "Sent the stand-up prompt" in slack.command("/standup", "now", user="UMEMBER2", channel=CHANNEL).text()


def test_setup_now_answer_edit_report(slack: SlackClient, stub: SlackStub, engine) -> None:
    """The whole round: setup -> now -> DM with a button -> modal -> channel post -> edit -> report."""
    setup_standup(slack)
    assert "no stand-up for you today" in slack.command("/standup", "skip", user="UMEMBER2").text()
    t = slack.command("/standup", "now", user="UMGR", channel=CHANNEL).text()
    assert "to 1 member" in t and "Off today: <@UMEMBER2>" in t

    prompt = dm_to(stub, "UMEMBER")[0]
    check_limits(prompt)
    element, _ = find_element(prompt["blocks"], ids.STANDUP_OPEN)
    assert element["value"].startswith(f"{one(engine, Standup).id}:")
    assert stub.find("chat.postMessage", channel="UMEMBER2") == []

    answer(slack, stub, prompt, "UMEMBER", today="Call Acme", blockers="Waiting on legal review")
    post = stub.wait_for("chat.postMessage", channel=CHANNEL)[0]
    check_limits(post)
    assert "Call Acme" in all_text(post) and "Waiting on legal review" in all_text(post)
    find_element(post["blocks"], ids.STANDUP_BLOCKER_RISK)
    updated_prompt = stub.wait_for("chat.update", channel="DUMEMBER")[0]
    assert "Thanks" in all_text(updated_prompt)
    saved = one(engine, StandupAnswer)
    assert (saved.user_id, saved.today, saved.blockers, saved.post_channel) == (
        "UMEMBER", "Call Acme", "Waiting on legal review", CHANNEL)

    view = answer(slack, stub, prompt, "UMEMBER", today="Call Acme and Beta", blockers="none")
    today_input = next(b for b in view["blocks"] if b.get("block_id") == ids.B_TODAY)
    assert today_input["element"]["initial_value"] == "Call Acme"  # the form showed the earlier answer
    edit = stub.wait_for("chat.update", channel=CHANNEL)[0]
    assert edit["ts"] == saved.post_ts and "Call Acme and Beta" in all_text(edit)
    with pytest.raises(AssertionError):  # "none" is no blocker: no risk button any more
        find_element(edit["blocks"], ids.STANDUP_BLOCKER_RISK)
    assert len(stub.find("chat.postMessage", channel=CHANNEL)) == 1
    assert len(rows(engine, StandupAnswer)) == 1

    report = slack.command("/standup", "report", user="UMGR", channel=CHANNEL).text()
    assert "Answered (1)*: <@UMEMBER>" in report and "Skipped (1)*: <@UMEMBER2>" in report
    assert "Not yet (0)" in report

    before = len(stub.find("chat.postMessage"))
    again = slack.command("/standup", "now", user="UMGR", channel=CHANNEL).text()
    assert "to 0 members" in again and "1 already had today's prompt" in again
    assert len(stub.find("chat.postMessage")) == before


def test_report_shows_who_has_not_answered(slack: SlackClient) -> None:
    setup_standup(slack)
    report = slack.command("/standup", "report", channel=CHANNEL).text()
    assert "Not yet (2)" in report and "<@UMEMBER>" in report and "<@UMEMBER2>" in report


def test_answer_post_failure_is_told_and_the_answer_kept(slack: SlackClient, stub: SlackStub, engine) -> None:
    setup_standup(slack)
    slack.command("/standup", "now", user="UMGR", channel=CHANNEL).text()
    prompt = dm_to(stub, "UMEMBER")[0]
    stub.fail("chat.postMessage", error="not_in_channel")
    answer(slack, stub, prompt, "UMEMBER", today="Call Acme")
    note = stub.wait_for("chat.postMessage", channel="UMEMBER", count=2)[1]
    assert "couldn't post it" in all_text(note) and "not_in_channel" in all_text(note)
    assert one(engine, StandupAnswer).today == "Call Acme"


def test_rows_are_scoped_by_workspace(slack: SlackClient, engine) -> None:
    setup_standup(slack)
    t = slack.command("/standup", "report", channel=CHANNEL, team="T0OTHER").text()
    assert "no stand-up yet" in t
    with Session(engine) as s:
        assert s.exec(select(Standup.team_id)).all() == ["T0ACME"]


def test_too_many_members_are_refused_before_anyone_is_looked_up(slack: SlackClient, stub: SlackStub) -> None:
    mentions = ",".join(f"<@U{n:05d}|p{n}>" for n in range(500))
    r = slack.command("/standup", f"setup channel=<#{CHANNEL}|standup> members={mentions} time=09:30",
                      user="UMGR")
    assert "at most 50 members" in r.text() and "500" in r.text()
    assert [c for c in stub.find("users.info") if c.get("user") != "UMGR"] == []


def test_members_are_looked_up_a_few_at_a_time(slack: SlackClient, stub: SlackStub) -> None:
    import threading

    lock, busy, most = threading.Lock(), [0], [0]

    def slow(method: str, params: dict[str, Any]) -> None:
        if method != "users.info":
            return
        with lock:
            busy[0] += 1
            most[0] = max(most[0], busy[0])
        time.sleep(0.05)
        with lock:
            busy[0] -= 1

    stub.on_call = slow
    mentions = ",".join(f"<@U{n:05d}|p{n}>" for n in range(40))
    r = slack.command("/standup", f"setup channel=<#{CHANNEL}|standup> members={mentions} time=09:30",
                      user="UMGR")
    assert "Set up the stand-up" in r.text()
    assert 1 <= most[0] <= 8


def test_a_profile_zone_that_does_not_exist_falls_back(slack: SlackClient, stub: SlackStub, engine) -> None:
    from sqlmodel import Session

    from storage.models import SlackUser

    stub.users["UMEMBER"] = {"tz": "Mars/Olympus"}
    t = setup_standup(slack)
    assert "Mars" not in t
    with Session(engine) as s:
        row = s.get(SlackUser, (TEAM, "UMEMBER"))
    assert row is not None and row.tz is None
