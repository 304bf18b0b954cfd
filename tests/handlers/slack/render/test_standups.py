"""Stand-up builders: Block Kit Slack accepts, within its limits, with the identifiers the handlers listen for."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.standups import views
from handlers.slack import ids
from handlers.slack.render import standups as ui
from handlers.slack.render.catalog import render
from storage.models_rhythm import Standup, StandupAnswer
from tests.handlers.slack.render.builders import check_message, check_modal
from tests.message_limits import check_whole_message
from tests.slack_requests import all_text, find_element

DAY = date(2030, 1, 7)  # a Monday
NOW = datetime(2030, 1, 7, 9, 41, tzinfo=UTC)
LONG = "Long & <risky> *text* " * 200  # grows when escaped, far past every limit


def standup(**kw: Any) -> Standup:
    values: dict[str, Any] = {"id": 7, "team_id": "T1", "channel_id": "CSTAND", "time": "09:30",
                              "days": "mon,tue,wed,thu,fri", "post_mode": "each", "created_by": "UMGR"}
    values.update(kw)
    return Standup(**values)


def answer(user: str = "U1", n: int = 1, **kw: Any) -> StandupAnswer:
    values: dict[str, Any] = {"id": n, "team_id": "T1", "standup_id": 7, "user_id": user, "day": DAY,
                              "yesterday": "Sent the proposal", "today": "Call Acme", "blockers": None,
                              "created_at": NOW, "updated_at": NOW}
    values.update(kw)
    return StandupAnswer(**values)


def buttons(msg: dict[str, Any], action_id: str) -> list[dict[str, Any]]:
    out = []
    for b in msg.get("blocks", []):
        for e in (b.get("elements", []) if b["type"] == "actions" else []) + [b.get("accessory") or {}]:
            if e.get("action_id") == action_id:
                out.append(e)
    return out


@pytest.mark.parametrize("text,expected", [("Waiting on legal", True), ("none", False), ("None.", False),
                                           ("-", False), ("n/a", False), ("No blockers", False), ("", False),
                                           (None, False), ("  ", False), ("no budget sign-off", True)])
def test_what_counts_as_a_blocker(text: str | None, expected: bool) -> None:
    assert ui.has_blocker(text) is expected


def test_days_and_dates_read_naturally() -> None:
    assert ui.fmt_day(DAY) == "Mon 7 Jan 2030"
    assert ui.days_text("mon,tue,wed,thu,fri") == "Mon–Fri"
    assert ui.days_text("mon,tue,wed,thu,fri,sat,sun") == "every day"
    assert ui.days_text("mon,wed,fri") == "Mon, Wed, Fri"


def test_prompt_has_the_button_for_that_standup_and_day() -> None:
    msg = check_message(ui.prompt(standup(), DAY))
    [b] = buttons(msg, ids.STANDUP_OPEN)
    assert b["value"] == "7:2030-01-07"
    assert "<#CSTAND>" in all_text(msg) and "/standup skip" in all_text(msg)


@pytest.mark.parametrize("mode,where", [("each", "posted in <#CSTAND>"), ("digest", "digest")])
def test_answered_prompt_says_where_and_can_still_be_changed(mode: str, where: str) -> None:
    msg = check_message(ui.prompt_answered(standup(post_mode=mode), DAY))
    assert where in all_text(msg) and "until the end of the day" in all_text(msg)
    assert buttons(msg, ids.STANDUP_OPEN)[0]["value"] == "7:2030-01-07"


def test_modal_is_empty_the_first_time_and_prefilled_when_changed() -> None:
    meta = {"s": 7, "d": DAY.isoformat(), "c": "D1", "ts": "1.2"}
    view = check_modal(ui.modal(standup(), DAY, None, meta), ids.STANDUP_MODAL)
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}
    assert list(inputs) == [ids.B_YESTERDAY, ids.B_TODAY, ids.B_BLOCKERS]
    assert not inputs[ids.B_TODAY]["optional"] and inputs[ids.B_BLOCKERS]["optional"]
    assert all("initial_value" not in b["element"] for b in inputs.values())
    assert json.loads(view["private_metadata"]) == meta
    again = check_modal(ui.modal(standup(), DAY, answer(blockers="Legal"), meta), ids.STANDUP_MODAL)
    initial = {b["block_id"]: b["element"].get("initial_value") for b in again["blocks"] if b["type"] == "input"}
    assert initial == {ids.B_YESTERDAY: "Sent the proposal", ids.B_TODAY: "Call Acme", ids.B_BLOCKERS: "Legal"}
    assert again["submit"]["text"] == "Update"


def test_answer_post_offers_log_as_risk_only_for_a_blocker() -> None:
    plain_post = check_message(ui.answer_post(answer(blockers="none")))
    assert buttons(plain_post, ids.STANDUP_BLOCKER_RISK) == []
    assert "Call Acme" in all_text(plain_post) and "<@U1>" in all_text(plain_post)
    blocked = check_message(ui.answer_post(answer(n=12, blockers="Waiting on legal")))
    [b] = buttons(blocked, ids.STANDUP_BLOCKER_RISK)
    assert b["value"] == "12" and "Waiting on legal" in all_text(blocked)


def test_edited_answers_say_so() -> None:
    later = answer(updated_at=NOW + timedelta(minutes=5))
    assert "edited" in all_text(ui.answer_post(later)) and "edited" not in all_text(ui.answer_post(answer()))


def test_long_answers_stay_within_limits_and_escape_what_people_typed() -> None:
    msg = check_message(ui.answer_post(answer(yesterday=LONG, today=LONG, blockers=LONG)))
    text = all_text(msg)
    assert "<risky>" not in text and "&lt;risky&gt;" in text


def test_digest_of_sixty_answers_is_split_into_messages_slack_accepts() -> None:
    answers = [answer(f"U{n}", n, yesterday=LONG, today=LONG, blockers=LONG if n % 2 else None)
               for n in range(60)]
    status = ui.DayStatus(answers=answers, skipped=["UOFF"], missing=["ULATE"], not_today=[])
    msgs = ui.digest(standup(post_mode="digest"), DAY, status)
    assert len(msgs) > 1
    for m in msgs:
        check_whole_message(m)
    text = all_text(msgs)
    assert all(f"*<@U{n}>*" in text for n in range(60))  # every answer, none left out
    assert "Off: <@UOFF>" in text and "Not yet: <@ULATE>" in text
    assert sum(len(buttons(m, ids.STANDUP_BLOCKER_RISK)) for m in msgs) == 30  # the odd ones
    find_element(msgs[0]["blocks"], ids.STANDUP_BLOCKER_RISK)


def test_report_lists_who_answered_skipped_and_not_yet() -> None:
    status = ui.DayStatus(answers=[answer("U1", blockers="Legal & <review>")], skipped=["U2"], missing=["U3"],
                          not_today=["U4"])
    [msg] = ui.report(standup(), status)
    check_whole_message(msg)
    text = all_text(msg)
    assert "Answered (1)*: <@U1>" in text and "Skipped (1)*: <@U2>" in text and "Not yet (1)*: <@U3>" in text
    assert "No stand-up today (1)*: <@U4>" in text and "Legal &amp; &lt;review&gt;" in text


def test_report_with_many_long_blockers_stays_within_limits() -> None:
    answers = [answer(f"U{n}", n, blockers=LONG) for n in range(50)]
    for m in ui.report(standup(), ui.DayStatus(answers=answers, skipped=[], missing=[], not_today=[])):
        check_whole_message(m)


def test_report_of_a_standup_with_230_members_names_every_one() -> None:
    missing = [f"U0MEMBER{n:04d}" for n in range(230)]
    answers = [answer(f"U0ANSWER{n:04d}", n) for n in range(230)]
    msgs = ui.report(standup(), ui.DayStatus(answers=answers, skipped=missing, missing=missing, not_today=[]))
    assert len(msgs) <= 5
    for m in msgs:
        check_whole_message(m)
    text = all_text(msgs)
    assert all(text.count(f"<@{u}>") == 2 for u in missing) and all(f"<@{a.user_id}>" in text for a in answers)


def test_command_replies() -> None:
    s = standup(tz="Europe/London", post_mode="digest")
    first = datetime(2030, 1, 8, 9, 30, tzinfo=UTC)
    msg = check_message(ui.setup_done(s, ["U1", "U2"], {"U1": "Europe/London", "U2": "Asia/Kolkata"}, True,
                                      [("Europe/London", first)]))
    assert "Set up" in all_text(msg) and "Tue 8 Jan 2030 09:30 Europe/London (<@U1>)" in all_text(msg)
    assert "digest" in all_text(msg)
    now = check_message(ui.now_done(s, sent=2, already=1, off=["U3"], failed={"U4": "user_not_found"}))
    assert all(t in all_text(now) for t in ("to 2 members", "1 already", "Off today: <@U3>", "user_not_found"))
    assert "today" in all_text(check_message(ui.skipped(DAY, DAY, True)))
    assert "to Fri 11 Jan 2030" in all_text(check_message(ui.skipped(DAY, DAY + timedelta(days=4), False)))


def test_every_view_renders_as_its_builder_draws_it() -> None:
    """Each view of `bot.standups.views`, through the catalog, is exactly what its builder makes."""
    s = standup(tz="Europe/London", post_mode="digest")
    first = datetime(2030, 1, 8, 9, 30, tzinfo=UTC)
    zones = {"U1": "Europe/London", "U2": "Asia/Kolkata"}
    many = [answer(f"U{n:03d}", n, today=LONG) for n in range(30)]
    status = views.DayStatus(answers=many, skipped=["UOFF"], missing=["ULATE"], not_today=["UZZZ"])
    cases: list[tuple[object, list[dict[str, Any]]]] = [
        (views.SetupDone(s, ["U1", "U2"], zones, True, [("Europe/London", first)]),
         [ui.setup_done(s, ["U1", "U2"], zones, True, [("Europe/London", first)])]),
        (views.PromptsSent(s, sent=2, already=1, off=["U3"], failed={"U4": "user_not_found"}),
         [ui.now_done(s, sent=2, already=1, off=["U3"], failed={"U4": "user_not_found"})]),
        (views.DaysOff(DAY, DAY + timedelta(days=4), False), [ui.skipped(DAY, DAY + timedelta(days=4), False)]),
        (views.TodayReport(s, status), ui.report(s, status)),
        (views.Prompt(s, DAY), [ui.prompt(s, DAY)]),
        (views.PromptAnswered(s, DAY), [ui.prompt_answered(s, DAY)]),
        (views.AnswerPost(answer(blockers="Waiting on legal")), [ui.answer_post(answer(blockers="Waiting on legal"))]),
        (views.Digest(s, DAY, status), ui.digest(s, DAY, status)),
    ]
    for view, expected in cases:
        assert render(view) == expected, type(view).__name__
    assert len(render(views.Digest(s, DAY, status))) > 1  # a long digest is several messages
