"""Stand-up prompts at each member's local time (daylight saving included), days off, stand-up days,
nobody asked twice, and the daily digest. The scheduler's runtime is built directly against the Web API
stand-in; the clock is moved with time-machine."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from sqlmodel import Session, select

from bot.app import build_deps
from bot.people import Actor
from bot.schedules import local_date, next_fire, weekly
from bot.standups import flows as flow
from bot.standups import service
from handlers.slack import ids
from scheduler import build_scheduler, jobs
from scheduler.runtime import Rhythm, collect_specs
from storage.models import SlackUser
from storage.models_rhythm import DayOff, Delivery, JobRun, Standup, StandupAnswer, StandupMember
from storage.repositories import deliveries as repo_deliveries
from storage.repositories import standups as repo
from tests.handlers.slack.e2e import check_limits
from tests.message_limits import check_recorded
from tests.slack_requests import all_text, find_element
from tests.slack_stub import SlackStub
from tests.support.served import make_settings

TEAM = "T1"
ZONES = {"ULON": "Europe/London", "UNYC": "America/New_York", "UKOL": "Asia/Kolkata", "USYD": "Australia/Sydney"}
DAILY = "mon,tue,wed,thu,fri,sat,sun"

# The 09:30 local prompt, in UTC, the day before and the day after each daylight-saving change of 2025
# (spring and autumn of each hemisphere); Kolkata keeps +05:30 all year.
DST_CASES = [
    ("Europe/London", date(2025, 3, 29), datetime(2025, 3, 29, 9, 30)),  # GMT
    ("Europe/London", date(2025, 3, 31), datetime(2025, 3, 31, 8, 30)),  # BST from 30 March
    ("Europe/London", date(2025, 10, 25), datetime(2025, 10, 25, 8, 30)),  # BST
    ("Europe/London", date(2025, 10, 27), datetime(2025, 10, 27, 9, 30)),  # GMT from 26 October
    ("America/New_York", date(2025, 3, 8), datetime(2025, 3, 8, 14, 30)),  # EST
    ("America/New_York", date(2025, 3, 10), datetime(2025, 3, 10, 13, 30)),  # EDT from 9 March
    ("America/New_York", date(2025, 11, 1), datetime(2025, 11, 1, 13, 30)),  # EDT
    ("America/New_York", date(2025, 11, 3), datetime(2025, 11, 3, 14, 30)),  # EST from 2 November
    ("Australia/Sydney", date(2025, 4, 5), datetime(2025, 4, 4, 22, 30)),  # AEDT (+11)
    ("Australia/Sydney", date(2025, 4, 7), datetime(2025, 4, 6, 23, 30)),  # AEST (+10) from 6 April
    ("Australia/Sydney", date(2025, 10, 4), datetime(2025, 10, 3, 23, 30)),  # AEST
    ("Australia/Sydney", date(2025, 10, 6), datetime(2025, 10, 5, 22, 30)),  # AEDT from 5 October
    ("Asia/Kolkata", date(2025, 3, 29), datetime(2025, 3, 29, 4, 0)),
    ("Asia/Kolkata", date(2025, 3, 31), datetime(2025, 3, 31, 4, 0)),
    ("Asia/Kolkata", date(2025, 10, 25), datetime(2025, 10, 25, 4, 0)),
    ("Asia/Kolkata", date(2025, 10, 27), datetime(2025, 10, 27, 4, 0)),
]


def utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC)


@pytest.fixture
def rhythm(db_url: str, stub: SlackStub) -> Iterator[Rhythm]:
    settings = make_settings(db_url, stub.api_url)
    deps = build_deps(settings)
    r = Rhythm(deps, build_scheduler("UTC"))
    yield r
    r.close()
    deps.engine.dispose()


def seed(r: Rhythm, members: dict[str, str | None], *, days: str = DAILY, time: str = "09:30",
         post_mode: str = "each", tz: str | None = None, channel: str = "CSTAND") -> int:
    """A stand-up whose members' zones are already cached (as users.info said them)."""
    with Session(r.deps.engine) as s:
        st = Standup(team_id=TEAM, channel_id=channel, time=time, days=days, tz=tz, post_mode=post_mode,
                     created_by="UMGR")
        s.add(st)
        s.flush()
        assert st.id is not None
        for uid, zone in members.items():
            s.add(StandupMember(team_id=TEAM, standup_id=st.id, user_id=uid))
            if zone:
                s.merge(SlackUser(team_id=TEAM, user_id=uid, tz=zone))
        s.commit()
        return st.id


def prompted(stub: SlackStub) -> dict[str, str]:
    """user -> the day their prompt's button is for."""
    out = {}
    for p in stub.find("chat.postMessage"):
        if str(p.get("channel", "")).startswith("U"):
            element, _ = find_element(p["blocks"], ids.STANDUP_OPEN)
            out[str(p["channel"])] = element["value"].split(":", 1)[1]
    return out


def run(coro: Any) -> Any:
    return asyncio.run(coro)


# ---- triggers ----------------------------------------------------------------------------------

@pytest.mark.parametrize("zone,local_day,expected", DST_CASES)
def test_local_prompt_time_across_daylight_saving(zone: str, local_day: date, expected: datetime) -> None:
    trigger = weekly(list(range(7)), "09:30", zone)
    assert next_fire(trigger, utc(expected) - timedelta(hours=20)) == utc(expected)


def test_weekdays_only_skip_the_weekend() -> None:
    trigger = weekly([0, 1, 2, 3, 4], "09:30", "Europe/London")
    friday_after = utc(datetime(2025, 3, 28, 10, 0))
    assert next_fire(trigger, friday_after) == utc(datetime(2025, 3, 31, 8, 30))  # Monday, in BST


def test_the_schedule_groups_members_by_zone(rhythm: Rhythm) -> None:
    sid = seed(rhythm, dict(ZONES))
    with Session(rhythm.deps.engine) as s:
        specs = {sp.job_id: sp for sp in collect_specs(session=s, fallback_tz="UTC")}
    assert sorted(specs) == sorted(f"standup:{TEAM}:{sid}:{z}" for z in ZONES.values())
    for zone, local_day, expected in DST_CASES:
        spec = specs[f"standup:{TEAM}:{sid}:{zone}"]
        assert next_fire(spec.trigger, utc(expected) - timedelta(hours=20)) == utc(expected), zone
        assert spec.occurrence(utc(expected)) == local_day.isoformat()


def test_members_without_a_known_zone_follow_the_standup_then_the_bot(rhythm: Rhythm) -> None:
    sid = seed(rhythm, {"UNONE": None, "ULON": "Europe/London"}, tz="Asia/Kolkata")
    with Session(rhythm.deps.engine) as s:
        jobs_ = sorted(sp.job_id for sp in collect_specs(session=s, fallback_tz="UTC"))
        assert jobs_ == [f"standup:{TEAM}:{sid}:Asia/Kolkata", f"standup:{TEAM}:{sid}:Europe/London"]
        st = s.get(Standup, sid)
        assert st is not None
        st.tz = None
        s.add(st)
        s.commit()
        assert f"standup:{TEAM}:{sid}:America/Chicago" in [
            sp.job_id for sp in collect_specs(session=s, fallback_tz="America/Chicago")]


# ---- the scheduled job, with the clock moved ---------------------------------------------------------

def test_each_member_is_prompted_at_their_own_0930(rhythm: Rhythm, stub: SlackStub) -> None:
    sid = seed(rhythm, dict(ZONES))
    run(rhythm.rebuild())
    for zone, local_day, expected in DST_CASES:
        stub.clear()
        with time_machine.travel(utc(expected) + timedelta(seconds=5), tick=False):
            for z in ZONES.values():  # every zone's job wakes; only the one whose 09:30 it is sends
                run(jobs.standup_job(rhythm, TEAM, sid, z))
        member = next(u for u, z in ZONES.items() if z == zone)
        assert prompted(stub) == {member: local_day.isoformat()}, (zone, local_day)
    with Session(rhythm.deps.engine) as s:
        claimed = s.exec(select(JobRun.job_key, JobRun.occurrence)).all()
    assert sorted(claimed) == sorted((f"standup:{sid}:{z}", d.isoformat()) for z, d, _ in DST_CASES)


def test_an_hour_early_nobody_is_prompted(rhythm: Rhythm, stub: SlackStub) -> None:
    sid = seed(rhythm, dict(ZONES))
    run(rhythm.rebuild())
    with time_machine.travel(utc(datetime(2025, 3, 31, 7, 30)), tick=False):  # 08:30 in London (BST)
        run(jobs.standup_job(rhythm, TEAM, sid, "Europe/London"))
    assert prompted(stub) == {}


def test_no_prompt_on_saturday_for_a_weekday_standup(rhythm: Rhythm, stub: SlackStub) -> None:
    sid = seed(rhythm, {"ULON": "Europe/London"}, days="mon,tue,wed,thu,fri")
    run(rhythm.rebuild())
    with time_machine.travel(utc(datetime(2025, 3, 29, 9, 30, 5)), tick=False):  # Saturday 09:30 GMT
        run(jobs.standup_job(rhythm, TEAM, sid, "Europe/London"))
    run(flow.prompt(rhythm, TEAM, sid, tz="Europe/London", day=date(2025, 3, 29)))
    assert prompted(stub) == {}
    with time_machine.travel(utc(datetime(2025, 3, 31, 8, 30, 5)), tick=False):  # Monday 09:30 BST
        run(jobs.standup_job(rhythm, TEAM, sid, "Europe/London"))
    assert prompted(stub) == {"ULON": "2025-03-31"}


def test_skip_and_days_off_are_respected(rhythm: Rhythm, stub: SlackStub) -> None:
    sid = seed(rhythm, {"ULON": "Europe/London", "ULON2": "Europe/London", "ULON3": "Europe/London"})
    day = date(2025, 3, 31)
    with Session(rhythm.deps.engine) as s:
        s.add(DayOff(team_id=TEAM, user_id="ULON", day=day))
        s.add(DayOff(team_id=TEAM, user_id="ULON2", day=day - timedelta(days=1)))
        s.commit()
    report = run(flow.prompt(rhythm, TEAM, sid, tz="Europe/London", day=day))
    assert report.sent == 2 and prompted(stub) == {"ULON2": day.isoformat(), "ULON3": day.isoformat()}


def test_a_second_run_the_same_day_prompts_nobody_again(rhythm: Rhythm, stub: SlackStub) -> None:
    sid = seed(rhythm, {"ULON": "Europe/London", "UNYC": "America/New_York"})
    day = date(2025, 3, 31)
    first = run(flow.prompt(rhythm, TEAM, sid, tz="Europe/London", day=day))
    second = run(flow.prompt(rhythm, TEAM, sid, tz="Europe/London", day=day))
    assert (first.sent, second.sent, second.skipped) == (1, 0, 1)
    assert len(stub.find("chat.postMessage", channel="ULON")) == 1
    with Session(rhythm.deps.engine) as s:
        keys = s.exec(select(Delivery.what, Delivery.recipient, Delivery.occurrence)).all()
    assert keys == [(f"standup:{sid}", "ULON", "2025-03-31")]


def test_prompt_now_asks_everyone_for_their_own_local_today(rhythm: Rhythm, stub: SlackStub) -> None:
    sid = seed(rhythm, dict(ZONES), days="mon,tue,wed,thu,fri")
    with Session(rhythm.deps.engine) as s:
        st = s.get(Standup, sid)
    assert st is not None
    with time_machine.travel(utc(datetime(2025, 4, 6, 22, 0)), tick=False):  # Sunday in London, Monday in Sydney
        result = run(flow.prompt_now(rhythm, TEAM, st))
        again = run(flow.prompt_now(rhythm, TEAM, st))
    assert prompted(stub) == {"ULON": "2025-04-06", "UNYC": "2025-04-06", "UKOL": "2025-04-07",
                              "USYD": "2025-04-07"}
    assert (result.report.sent, again.report.sent, again.report.skipped) == (4, 0, 4)


def test_a_member_whose_zone_changed_gets_a_job_in_the_new_zone(rhythm: Rhythm, stub: SlackStub) -> None:
    sid = seed(rhythm, {"ULON": "Europe/London", "UMOVE": "Europe/London"})
    run(rhythm.rebuild())
    with Session(rhythm.deps.engine) as s:
        s.merge(SlackUser(team_id=TEAM, user_id="UMOVE", tz="Asia/Kolkata"))  # users.info said so since
        s.commit()
    run(flow.prompt(rhythm, TEAM, sid, tz="Europe/London", day=date(2025, 3, 31)))
    assert prompted(stub) == {"ULON": "2025-03-31"}
    assert f"standup:{TEAM}:{sid}:Asia/Kolkata" in rhythm.specs


def test_the_prompt_is_a_dm_with_the_button(rhythm: Rhythm, stub: SlackStub) -> None:
    sid = seed(rhythm, {"ULON": "Europe/London"})
    run(flow.prompt(rhythm, TEAM, sid, tz="Europe/London", day=date(2025, 3, 31)))
    dm = stub.find("chat.postMessage", channel="ULON")[0]
    check_limits(dm)
    element, _ = find_element(dm["blocks"], ids.STANDUP_OPEN)
    assert element["value"] == f"{sid}:2025-03-31"
    assert "<#CSTAND>" in all_text(dm) and "Mon 31 Mar 2025" in all_text(dm)


# ---- digests -------------------------------------------------------------------------------------------

def _answer(r: Rhythm, sid: int, user: str, day: date, blockers: str | None = None) -> None:
    with Session(r.deps.engine) as s:
        repo.upsert_answer(session=s, team_id=TEAM, standup_id=sid, user_id=user, day=day, yesterday="Calls",
                           today=f"{user} works", blockers=blockers)
        s.commit()


def digests(stub: SlackStub) -> list[dict[str, Any]]:
    return stub.find("chat.postMessage", channel="CSTAND")


DAY = date(2025, 3, 31)  # stand-up at 09:30 BST = 08:30Z


def test_digest_waits_for_everyone_then_posts_once(rhythm: Rhythm, stub: SlackStub) -> None:
    sid = seed(rhythm, {"ULON": "Europe/London", "ULON2": "Europe/London", "UOFF": "Europe/London"},
               post_mode="digest", tz="Europe/London")
    with Session(rhythm.deps.engine) as s:
        s.add(DayOff(team_id=TEAM, user_id="UOFF", day=DAY))
        s.commit()
    at = utc(datetime(2025, 3, 31, 9, 0))
    run(flow.post_due_digests(rhythm, at))
    _answer(rhythm, sid, "ULON", DAY, blockers="Legal review")
    run(flow.post_due_digests(rhythm, at))
    assert digests(stub) == []  # ULON2 has not answered yet
    _answer(rhythm, sid, "ULON2", DAY)
    run(flow.post_due_digests(rhythm, at))
    run(flow.post_due_digests(rhythm, at + timedelta(minutes=1)))
    [post] = digests(stub)
    check_limits(post)
    text = all_text(post)
    assert "ULON works" in text and "ULON2 works" in text and "Off: <@UOFF>" in text
    find_element(post["blocks"], ids.STANDUP_BLOCKER_RISK)


def test_digest_posts_three_hours_after_the_standup_time(rhythm: Rhythm, stub: SlackStub) -> None:
    sid = seed(rhythm, {"ULON": "Europe/London", "UNYC": "America/New_York"}, post_mode="digest",
               tz="Europe/London")
    _answer(rhythm, sid, "ULON", DAY)
    run(flow.post_due_digests(rhythm, utc(datetime(2025, 3, 31, 11, 29))))
    assert digests(stub) == []
    run(flow.post_due_digests(rhythm, utc(datetime(2025, 3, 31, 11, 30))))
    [post] = digests(stub)
    assert "Not yet: <@UNYC>" in all_text(post)


def test_no_digest_without_answers_nor_in_each_mode(rhythm: Rhythm, stub: SlackStub) -> None:
    seed(rhythm, {"ULON": "Europe/London"}, post_mode="digest", tz="Europe/London")
    each = seed(rhythm, {"ULON": "Europe/London"}, channel="CEACH", tz="Europe/London")
    _answer(rhythm, each, "ULON", DAY)
    run(flow.post_due_digests(rhythm, utc(datetime(2025, 3, 31, 20, 0))))
    assert stub.find("chat.postMessage") == []


def test_a_late_standup_gets_its_digest_after_midnight(rhythm: Rhythm, stub: SlackStub) -> None:
    sid = seed(rhythm, {"ULON": "Europe/London", "UNYC": "America/New_York"}, post_mode="digest",
               tz="Europe/London", time="22:30")
    _answer(rhythm, sid, "ULON", DAY)
    run(flow.post_due_digests(rhythm, utc(datetime(2025, 4, 1, 0, 30))))  # 01:30 BST the next day
    [post] = digests(stub)
    assert "Mon 31 Mar 2025" in all_text(post)


# ---- answers shown in the channel ----------------------------------------------------------------

def _save(r: Rhythm, sid: int, user: str, today: str, now: datetime) -> service.Saved:
    return run(r.deps.db.write(service.save_answer, actor=Actor(TEAM, user, tz="Europe/London"), standup_id=sid,
                               day=local_date(now, "Europe/London"), yesterday=None, today=today, blockers=None,
                               now=now))


def test_a_deleted_post_is_posted_again_when_the_answer_changes(rhythm: Rhythm, stub: SlackStub) -> None:
    sid = seed(rhythm, {"ULON": "Europe/London"})
    now = utc(datetime(2025, 3, 31, 9, 0))
    saved = _save(rhythm, sid, "ULON", "First", now)
    assert run(flow.publish_answer(rhythm.deps, rhythm.platform.messenger, saved)) is None
    stub.fail("chat.update", error="message_not_found")
    saved = _save(rhythm, sid, "ULON", "Second", now)
    assert run(flow.publish_answer(rhythm.deps, rhythm.platform.messenger, saved)) is None
    posts = stub.find("chat.postMessage", channel="CSTAND")
    assert [("Second" in all_text(p)) for p in posts] == [False, True]
    with Session(rhythm.deps.engine) as s:
        assert s.exec(select(StandupAnswer.post_ts)).one() == stub.history["CSTAND"][-1]["ts"]


def test_a_late_answer_redraws_the_posted_digest(rhythm: Rhythm, stub: SlackStub) -> None:
    sid = seed(rhythm, {"ULON": "Europe/London", "ULON2": "Europe/London"}, post_mode="digest",
               tz="Europe/London")
    now = utc(datetime(2025, 3, 31, 9, 0))
    run(flow.publish_answer(rhythm.deps, rhythm.platform.messenger, _save(rhythm, sid, "ULON", "First", now)))
    run(flow.post_due_digests(rhythm, now + timedelta(hours=3)))
    [digest] = digests(stub)
    assert "Not yet: <@ULON2>" in all_text(digest)
    run(flow.publish_answer(rhythm.deps, rhythm.platform.messenger, _save(rhythm, sid, "ULON2", "Late", now)))
    [update] = stub.find("chat.update", channel="CSTAND")
    assert update["ts"] == stub.history["CSTAND"][0]["ts"] and "Late" in all_text(update)
    assert "Not yet" not in all_text(update) and len(digests(stub)) == 1


# ---- digests too long for one message ----------------------------------------------------------------

LONG_ANSWER = " ".join(f"Called *client {n}* about <https://example.com/deal/{n}|deal {n}> & the <renewal>"
                       for n in range(40))[:2000]


def _long_day(r: Rhythm, members: int) -> int:
    sid = seed(r, {f"U{n:03d}": "Europe/London" for n in range(members)}, post_mode="digest", tz="Europe/London")
    with Session(r.deps.engine) as s:
        for n in range(members):
            repo.upsert_answer(session=s, team_id=TEAM, standup_id=sid, user_id=f"U{n:03d}", day=DAY,
                               yesterday=LONG_ANSWER, today=LONG_ANSWER, blockers=LONG_ANSWER)
        s.commit()
    return sid


def test_a_digest_of_fifty_long_answers_is_split_over_a_thread_within_slacks_limits(rhythm: Rhythm,
                                                                                   stub: SlackStub) -> None:
    _long_day(rhythm, 50)
    run(flow.post_due_digests(rhythm, utc(datetime(2025, 3, 31, 9, 0))))
    run(flow.post_due_digests(rhythm, utc(datetime(2025, 3, 31, 9, 5))))  # posted once
    posts = digests(stub)
    assert len(posts) > 1
    for p in check_recorded(stub):
        assert p["blocks"]
    first, *rest = stub.history["CSTAND"]
    assert "thread_ts" not in posts[0] and all(p["thread_ts"] == first["ts"] for p in posts[1:])
    text = "\n".join(all_text(p) for p in posts)
    assert all(f"*<@U{n:03d}>*" in text for n in range(50))  # every answer is there, none left out
    assert "Stand-up — Mon 31 Mar 2025" in all_text(posts[0])
    assert len(buttons_in(posts, ids.STANDUP_BLOCKER_RISK)) == 50
    with Session(rhythm.deps.engine) as s:
        [row] = s.exec(select(Delivery).where(Delivery.what == service.digest_what(1))).all()
        assert row.status == "sent" and row.ts == first["ts"]


def test_a_late_answer_redraws_every_part_of_a_split_digest(rhythm: Rhythm, stub: SlackStub) -> None:
    sid = _long_day(rhythm, 21)
    with Session(rhythm.deps.engine) as s:
        s.add(StandupMember(team_id=TEAM, standup_id=sid, user_id="ULATE"))
        s.commit()
    now = utc(datetime(2025, 3, 31, 9, 0))
    run(flow.post_due_digests(rhythm, now + timedelta(hours=3)))
    posted = digests(stub)
    assert len(posted) > 1
    saved = run(rhythm.deps.db.write(service.save_answer, actor=Actor(TEAM, "ULATE", tz="Europe/London"),
                                     standup_id=sid, day=DAY, yesterday=LONG_ANSWER,
                                     today=("Late " + LONG_ANSWER)[:2000], blockers=LONG_ANSWER,
                                     now=now + timedelta(hours=4)))
    run(flow.publish_answer(rhythm.deps, rhythm.platform.messenger, saved))
    updates = stub.find("chat.update", channel="CSTAND")
    new = digests(stub)[len(posted):]
    history = [m["ts"] for m in stub.history["CSTAND"]]
    assert [u["ts"] for u in updates] == history[:len(posted)]  # each part edited in place
    assert len(new) == 1 and new[0]["thread_ts"] == history[0]  # what no longer fits: a new reply
    check_recorded(stub)
    text = "\n".join(all_text(p) for p in updates + new)
    assert "*<@ULATE>*" in text and all(f"*<@U{n:03d}>*" in text for n in range(21))
    assert "Not yet" not in text
    with Session(rhythm.deps.engine) as s:  # the new reply is known, for the next redraw
        [row] = s.exec(select(Delivery).where(Delivery.what == service.digest_what(sid))).all()
        assert [ts for _, ts in repo_deliveries.posted_parts(row)] == history


def buttons_in(posts: list[dict[str, Any]], action_id: str) -> list[dict[str, Any]]:
    return [e for p in posts for b in p["blocks"] if b.get("accessory", {}).get("action_id") == action_id
            for e in [b["accessory"]]]
