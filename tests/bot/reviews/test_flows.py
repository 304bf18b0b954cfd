"""Risk review reminders: on the review date from 09:00 in the owner's own zone (the cached zone,
else BOT_TIMEZONE), one DM per review date however often the sweep runs, to the owner or else the
person who logged the risk."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

import time_machine
from sqlmodel import Session, select

from bot.app import build_deps
from bot.people import Actor
from bot.reviews import flows as flow
from bot.reviews import service as reviews
from handlers.slack import ids
from scheduler import build_scheduler
from scheduler.runtime import Rhythm
from storage.db import session_scope
from storage.models import Risk
from storage.models_rhythm import Delivery
from tests import summary_seed as seed
from tests.handlers.slack.e2e import check_limits
from tests.slack_requests import all_text, find_element
from tests.slack_stub import TEAM, SlackStub
from tests.summary_seed import at
from tests.support.served import make_settings

REVIEW = date(2026, 12, 1)


@contextmanager
def rhythm_for(db_url: str, stub: SlackStub, **settings: Any) -> Iterator[Rhythm]:
    s = make_settings(db_url, stub.api_url, **settings)
    deps = build_deps(s)
    r = Rhythm(deps, build_scheduler("UTC"))
    try:
        yield r
    finally:
        r.close()
        deps.engine.dispose()


def sweep(r: Rhythm, now: datetime) -> Any:
    with time_machine.travel(now, tick=False):
        return asyncio.run(flow.send_due_reviews(r, now))


def reminders(stub: SlackStub, user: str) -> list[dict[str, Any]]:
    return [m for m in stub.find("chat.postMessage", channel=user) if m.get("text", "").startswith("Time to review")]


def test_due_at_0900_in_the_owners_zone_and_sent_once(db_url: str, stub: SlackStub) -> None:
    with rhythm_for(db_url, stub) as r:
        with Session(r.deps.engine) as s:
            apollo = seed.project(s, "Apollo")
            seed.risk(s, 7, project_id=apollo.id, p=4, i=5, title="Vendor may slip", owner="UMEMBER2",
                      review=REVIEW, mitigation="Second supplier lined up")
            seed.person(s, "UMEMBER2", "America/New_York")
            s.commit()
        assert sweep(r, at(2026, 12, 1, 13, 59)).sent == 0  # 08:59 in New York
        assert sweep(r, at(2026, 11, 30, 23, 0)).sent == 0  # the day before
        report = sweep(r, at(2026, 12, 1, 14, 0))  # 09:00 in New York
        assert report.sent == 1
        for minutes in (1, 30, 600):  # the sweep runs every half minute; nobody is asked twice
            assert sweep(r, at(2026, 12, 1, 14, 0) + timedelta(minutes=minutes)).sent == 0
        got = reminders(stub, "UMEMBER2")
        assert len(got) == 1
        msg = got[0]
        check_limits(msg)
        t = all_text(msg)
        assert "*Time to review R-7*" in t and "Vendor may slip" in t and "Apollo" in t
        assert "Second supplier lined up" in t and "2026-12-01" in t
        for action in (ids.REVIEW_VALID, ids.REVIEW_UPDATE, ids.REVIEW_CLOSE):
            element, _ = find_element(msg["blocks"], action)
            assert element["value"] == '{"n": 7}'
        with Session(r.deps.engine) as s:
            row = s.exec(select(Delivery)).one()
        assert (row.what.startswith("risk_review:"), row.recipient, row.occurrence, row.status) == (
            True, "UMEMBER2", "2026-12-01", "sent")


def test_the_person_who_logged_it_when_nobody_owns_it_in_bot_timezone(db_url: str, stub: SlackStub) -> None:
    with rhythm_for(db_url, stub, bot_timezone="Asia/Kolkata") as r:
        with Session(r.deps.engine) as s:
            seed.risk(s, 1, created_by="UMEMBER", review=REVIEW)  # UMEMBER's zone is not cached
            seed.risk(s, 2, owner="UOWNER", review=REVIEW, status="closed")
            seed.risk(s, 3, owner="UOWNER", review=REVIEW + timedelta(days=1))
            s.commit()
        assert sweep(r, at(2026, 12, 1, 3, 29)).sent == 0  # 08:59 in Kolkata
        assert sweep(r, at(2026, 12, 1, 3, 30)).sent == 1
        assert len(reminders(stub, "UMEMBER")) == 1 and reminders(stub, "UOWNER") == []


def test_a_late_review_waits_for_0900_then_goes_once(db_url: str, stub: SlackStub) -> None:
    with rhythm_for(db_url, stub) as r:
        with Session(r.deps.engine) as s:
            seed.risk(s, 1, owner="UOWNER", review=REVIEW)
            s.commit()
        assert sweep(r, at(2026, 12, 3, 8, 0)).sent == 0  # the bot was away on the day; 08:00 now
        assert sweep(r, at(2026, 12, 3, 9, 0)).sent == 1
        assert sweep(r, at(2026, 12, 4, 9, 0)).sent == 0


def test_still_valid_moves_the_review_a_week_on_and_that_date_is_reminded_again(db_url: str, stub: SlackStub
                                                                                 ) -> None:
    with rhythm_for(db_url, stub) as r:
        with Session(r.deps.engine) as s:
            seed.risk(s, 1, owner="UOWNER", review=REVIEW)
            s.commit()
        assert sweep(r, at(2026, 12, 1, 9, 0)).sent == 1
        with session_scope(r.deps.engine) as s:
            reviews.still_valid(session=s, actor=Actor(TEAM, "UOWNER"), number=1, today=REVIEW)
        with Session(r.deps.engine) as s:
            assert s.exec(select(Risk)).one().review_date == REVIEW + timedelta(days=7)
        assert sweep(r, at(2026, 12, 7, 9, 0)).sent == 0
        assert sweep(r, at(2026, 12, 8, 9, 0)).sent == 1
        assert [m["text"][:20] for m in reminders(stub, "UOWNER")] == ["Time to review R-1: "] * 2


def test_one_failing_recipient_does_not_stop_the_others(db_url: str, stub: SlackStub) -> None:
    with rhythm_for(db_url, stub) as r:
        with Session(r.deps.engine) as s:
            seed.risk(s, 1, owner="UGONE", review=REVIEW)
            seed.risk(s, 2, owner="UOWNER", review=REVIEW)
            seed.risk(s, 1, owner="UOTHER", review=REVIEW, team="T0OTHER")
            s.commit()
        stub.fail("chat.postMessage", error="user_not_found")
        report = sweep(r, at(2026, 12, 1, 9, 0))
        assert (report.sent, report.failed) == (2, 1)
        with Session(r.deps.engine) as s:
            rows = {(d.team_id, d.recipient, d.status) for d in s.exec(select(Delivery))}
        assert len(rows) == 3 and sum(1 for row in rows if row[2] == "failed") == 1
        assert sweep(r, at(2026, 12, 1, 10, 0)).sent == 0  # a failed one is not retried every half minute
