"""Web API storms: runs of 429s (with Retry-After) and 5xx answers while the bot fans out check-ins,
prompts a stand-up and announces a risk. Nothing is lost and nothing is doubled; a failure that
persists ends `failed` in the ledger and shows in the managers' summary.

The stand-in refuses before it takes the message (as Slack does for 429 and most 5xx), so every
message Slack took counts once. 500/503 are retried by the Web API client; 502 is not, so those
are left to the ledger's own retry (the next sweep), which checks the DM's history first.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.database import Database
from bot.delivery import MAX_ATTEMPTS, Deliverer, Envelope
from handlers.slack.sender import MAX_RATE_LIMITED, SlackSender
from storage.models import Project, Risk, SlackUser
from storage.models_rhythm import Delivery, Standup, StandupMember
from tests.faults.helpers import dms, fire, ledger, seed_checkins, until
from tests.handlers.slack.e2e import rows, wait_responses
from tests.slack_requests import SlackClient, all_text
from tests.slack_stub import TEAM, SlackStub
from tests.support.served import ServedBot


def storm(stub: SlackStub, *, per_s: int = 30, r429: int = 6, r503: int = 3, r502: int = 6, r500: int = 2) -> None:
    """Slack's rate limit on chat.*, and runs of failures on chat.postMessage one after another."""
    stub.rate_limit_per_s = per_s
    for status, times in ((429, r429), (503, r503), (502, r502), (500, r500)):
        if times:
            stub.fail("chat.postMessage", status=status, times=times)


def refuse_always(stub: SlackStub, refusals: dict[str, tuple[str, Any]]) -> Counter[str]:
    """chat.postMessage to these recipients always fails (("error", name), ("status", code), or ("drop", None)
    for a connection closed unanswered); returns how many times each was tried."""
    tried: Counter[str] = Counter()
    handle = stub.handle

    def refusing(path: str, params: dict[str, Any]) -> tuple[int, Any, dict[str, str]]:
        channel = str(params.get("channel"))
        if path.endswith("/chat.postMessage") and channel in refusals:
            tried[channel] += 1
            kind, value = refusals[channel]
            if kind == "drop":  # the connection closes with no answer at all
                raise ConnectionResetError("dropped")
            if kind == "status":
                return int(value), {"ok": False, "error": "server_error"}, {}
            return 200, {"ok": False, "error": value}, {}
        return handle(path, params)

    stub.handle = refusing  # type: ignore[method-assign]
    assert stub.server is not None
    stub.server.handle_error = lambda *_: None  # type: ignore[method-assign]  # a dropped one is no news
    return tried


def settle(bot: ServedBot, engine: Engine, passes: int = MAX_ATTEMPTS + 1) -> dict[str, int]:
    """Sweep until nothing is pending (what a storm left for later goes out at the next sweeps)."""
    for _ in range(passes):
        counts = ledger(engine)
        if not counts.get("pending"):
            return counts
        fire(bot, "sweep")
    return ledger(engine)


def statuses(engine: Engine) -> dict[str, tuple[str, str | None]]:
    with Session(engine) as s:
        return {d.recipient: (d.status, d.error) for d in s.exec(select(Delivery))}


def test_checkin_fanout_through_a_storm_reaches_each_once(slack: SlackClient, served: ServedBot, stub: SlackStub,
                                                          engine: Engine) -> None:
    people = [f"UCLIENT{i:02d}" for i in range(60)]
    seed_checkins(engine, people)
    storm(stub)
    told = slack.command("/checkin", 'send project="Apollo"', user="UMGR").text(timeout=30)
    assert "check-in to" in told and "Traceback" not in told, told
    assert settle(served, engine) == {"sent": len(people)}
    assert dms(stub, people) == {u: 1 for u in people}
    assert stub.throttled > 0 and not stub.failures["chat.postMessage"]  # the whole storm was gone through


def test_standup_prompts_through_a_storm_reach_each_once(slack: SlackClient, served: ServedBot, stub: SlackStub,
                                                         engine: Engine) -> None:
    members = [f"UDEV{i:02d}" for i in range(24)]
    with Session(engine) as s:
        st = Standup(team_id=TEAM, channel_id="CTEAM", time="09:30", days="mon,tue,wed,thu,fri,sat,sun",
                     created_by="UMGR")
        s.add(st)
        s.flush()
        assert st.id is not None
        for n, uid in enumerate(members):
            s.add(StandupMember(team_id=TEAM, standup_id=st.id, user_id=uid))
            s.add(SlackUser(team_id=TEAM, user_id=uid, tz=("Europe/London", "Asia/Kolkata")[n % 2]))
        s.commit()
    storm(stub, per_s=20)
    told = slack.command("/standup", "now", user="UMGR", channel="CTEAM").text(timeout=30)
    assert "stand-up prompt" in told and "Traceback" not in told, told
    assert settle(served, engine) == {"sent": len(members)}
    assert dms(stub, members) == {u: 1 for u in members}


def test_announcement_through_a_storm_is_posted_once(slack: SlackClient, stub: SlackStub, engine: Engine) -> None:
    with Session(engine) as s:
        s.add(Project(team_id=TEAM, name="Apollo", name_key="apollo", channel_id="CAPOLLO", created_by="UMGR"))
        s.commit()
    # Three 429s use up what slack_sdk's own handlers would allow a 5xx afterwards (their count is shared).
    storm(stub, r429=3, r503=1, r502=0, r500=0)
    assert "R-1" in slack.command("/risk", "add Supplier insolvency project=Apollo p=5 i=5").text(timeout=30)
    # Slack retried through the whole run (429s, then 5xx: each kind with its own retries).
    until(lambda: stub.find("chat.postMessage", channel="CAPOLLO"), 15, "the announcement")
    assert len(stub.find("chat.postMessage", channel="CAPOLLO")) == 1 and not stub.failures["chat.postMessage"]


def test_announcement_slack_keeps_refusing_is_told_and_the_risk_kept(slack: SlackClient, stub: SlackStub,
                                                                     engine: Engine) -> None:
    with Session(engine) as s:
        s.add(Project(team_id=TEAM, name="Apollo", name_key="apollo", channel_id="CAPOLLO", created_by="UMGR"))
        s.commit()
    tried = refuse_always(stub, {"CAPOLLO": ("status", 502)})
    reply = slack.command("/risk", "add Supplier insolvency project=Apollo p=5 i=5")
    told = "\n".join(all_text(m) for m in wait_responses(stub, reply.rid, 2, timeout=15))
    assert "R-1" in told and "couldn't announce" in told, told
    assert [r.title for r in rows(engine, Risk)] == ["Supplier insolvency"]
    assert tried["CAPOLLO"] == 1 and not stub.find("chat.postMessage", channel="CAPOLLO")


def test_announcement_whose_connection_keeps_dropping_is_told_not_retried(slack: SlackClient, stub: SlackStub,
                                                                           engine: Engine) -> None:
    """The risk is saved and said so; the person must not be asked to try again (that would log it twice)."""
    with Session(engine) as s:
        s.add(Project(team_id=TEAM, name="Apollo", name_key="apollo", channel_id="CAPOLLO", created_by="UMGR"))
        s.commit()
    refuse_always(stub, {"CAPOLLO": ("drop", None)})
    reply = slack.command("/risk", "add Supplier insolvency project=Apollo p=5 i=5")
    told = "\n".join(all_text(m) for m in wait_responses(stub, reply.rid, 2, timeout=15))
    assert "R-1" in told and "couldn't announce" in told and "try again" not in told, told
    assert [r.title for r in rows(engine, Risk)] == ["Supplier insolvency"]


def test_a_rate_limit_the_client_gave_up_on_is_tried_again_later(engine: Engine, stub: SlackStub) -> None:
    """However Slack words it, an HTTP 429 means "not now": the sender waits it out, and after too many in a
    row the row waits for the next pass, never `failed`."""
    client = AsyncWebClient(token="xoxb-test-token-000", base_url=stub.api_url, retry_handlers=[])
    deliverer = Deliverer(Database(engine), SlackSender(client))
    stub.fail("chat.postMessage", status=429, times=MAX_RATE_LIMITED + 1)
    first = asyncio.run(deliverer.send_all(TEAM, [Envelope("summary", "UMGR", "2026-W48", {"text": "Summary"})]))
    assert (first.sent, first.failed, first.retry) == (0, 0, 1) and ledger(engine) == {"pending": 1}
    assert asyncio.run(deliverer.recover()).sent == 1
    assert dms(stub, ["UMGR"]) == {"UMGR": 1} and ledger(engine) == {"sent": 1}


def test_failures_that_persist_end_failed_and_show_in_the_summary(slack: SlackClient, served: ServedBot,
                                                                  stub: SlackStub, engine: Engine) -> None:
    people = ["UCLIENT1", "UCLIENT2", "UGONE", "UDOWN"]
    seed_checkins(engine, people)
    tried = refuse_always(stub, {"UGONE": ("error", "user_not_found"), "UDOWN": ("status", 502)})
    told = slack.command("/checkin", 'send project="Apollo"', user="UMGR").text(timeout=30)
    assert "<@UGONE> (user_not_found)" in told, told
    assert settle(served, engine) == {"sent": 2, "failed": 2}
    st = statuses(engine)
    assert st["UGONE"] == ("failed", "user_not_found") and st["UDOWN"][0] == "failed"
    assert tried == {"UGONE": 1, "UDOWN": MAX_ATTEMPTS}  # a refusal is not retried; a 5xx is, a bounded number of times
    assert dms(stub, people) == {"UCLIENT1": 1, "UCLIENT2": 1}

    summary = slack.command("/summary", "", user="UMGR").text(timeout=15)
    assert "could not be delivered* (2)" in summary, summary
    assert "check-in poll to <@UGONE>: `user_not_found`" in summary and "check-in poll to <@UDOWN>" in summary
