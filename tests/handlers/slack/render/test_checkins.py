"""Check-in Block Kit builders: pure functions, checked against Slack's limits."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.checkins.service import CheckinStats
from handlers.slack import ids
from handlers.slack.render import checkins as ui
from storage.models_rhythm import CheckinAnswer, CheckinConfig, CheckinPoll
from tests.handlers.slack.e2e import check_limits
from tests.message_limits import check_whole_message
from tests.slack_requests import all_text, find_element

NOW = datetime(2024, 4, 5, 14, 0, tzinfo=UTC)


def answer(score: int | None = None, status: str | None = None, comment: str | None = None) -> CheckinAnswer:
    return CheckinAnswer(team_id="T1", poll_id=7, project_id=1, user_id="UANN", score=score, status=status,
                         comment=comment)


def buttons(message: dict) -> list[dict]:
    return [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]


def test_poll_has_scores_status_and_comment() -> None:
    m = ui.poll("Apollo", 7)
    check_limits(m)
    scores = [b for b in buttons(m) if b["action_id"].startswith(ids.CHECKIN_SCORE)]
    assert [b["action_id"] for b in scores] == [f"{ids.CHECKIN_SCORE}_{n}" for n in range(1, 6)]
    assert [b["text"]["text"][0] for b in scores] == list("12345")
    assert all(b["value"] == "7" and "style" not in b for b in scores)
    select, _ = find_element(m["blocks"], ids.CHECKIN_STATUS)
    assert select["type"] == "static_select" and "initial_option" not in select
    assert [o["text"]["text"] for o in select["options"]] == ["On track", "At risk", "Off track"]
    assert [o["value"] for o in select["options"]] == ["7:on_track", "7:at_risk", "7:off_track"]
    comment, _ = find_element(m["blocks"], ids.CHECKIN_COMMENT)
    assert comment["value"] == "7" and comment["text"]["text"] == "Add a comment"
    assert "Apollo" in m["text"] and "Only you can answer" in all_text(m)


def test_answered_poll_shows_the_answer_and_keeps_the_buttons() -> None:
    m = ui.poll("Apollo", 7, answer(3, "at_risk", "Slow <sign-off>"))
    check_limits(m)
    text = all_text(m)
    assert "3/5" in text and "at risk" in text and "can still change it until the next check-in" in text
    assert "Slow &lt;sign-off&gt;" in text
    chosen = [b for b in buttons(m) if b.get("style") == "primary"]
    assert [b["action_id"] for b in chosen] == [f"{ids.CHECKIN_SCORE}_3"]
    assert len([b for b in buttons(m) if b["action_id"].startswith(ids.CHECKIN_SCORE)]) == 5
    select, _ = find_element(m["blocks"], ids.CHECKIN_STATUS)
    assert select["initial_option"]["value"] == "7:at_risk"
    assert find_element(m["blocks"], ids.CHECKIN_COMMENT)[0]["text"]["text"] == "Edit your comment"
    assert m["text"].startswith("Your check-in answer on Apollo: 3/5")


def test_reminder_is_the_same_poll_with_a_nudge() -> None:
    m = ui.poll("Apollo", 7, reminder=True)
    assert "Reminder" in m["text"] and "Reminder" in all_text(m)
    assert find_element(m["blocks"], f"{ids.CHECKIN_SCORE}_5")[0]["value"] == "7"


def test_project_names_are_escaped() -> None:
    m = ui.poll("R&D <internal>", 1)
    assert "R&amp;D &lt;internal&gt;" in m["blocks"][0]["text"]["text"]


def test_comment_modal_carries_the_poll_and_the_message() -> None:
    v = ui.comment_modal(7, "Apollo", "earlier words", "DUANN", "1.2")
    assert v["callback_id"] == ids.CHECKIN_COMMENT_MODAL
    assert json.loads(v["private_metadata"]) == {"poll": 7, "channel": "DUANN", "ts": "1.2"}
    field = next(b for b in v["blocks"] if b.get("block_id") == ids.B_COMMENT)
    assert field["element"]["initial_value"] == "earlier words" and field["optional"] is True
    assert "initial_value" not in ui.comment_modal(7, "Apollo", None, None, None)["blocks"][1]["element"]


def test_alert_offers_to_log_a_risk() -> None:
    m = ui.alert("Apollo", 7, "UANN", answer(2, "off_track", "Worried"))
    check_limits(m)
    b, _ = find_element(m["blocks"], ids.CHECKIN_LOG_RISK)
    assert json.loads(b["value"]) == {"poll": 7, "u": "UANN"}
    assert "<@UANN>" in all_text(m) and "2/5" in all_text(m) and "off track" in all_text(m)


def _stats(**over: object) -> CheckinStats:
    cfg = CheckinConfig(team_id="T1", project_id=1, day=4, time="15:00", tz="Europe/London", created_by="UMGR")
    weeks = [f"2024-W{n:02d}" for n in range(7, 15)]
    stats = CheckinStats(
        "Apollo", cfg, "Europe/London", ["UANN", "UBO", "UCY"],
        latest=CheckinPoll(id=7, team_id="T1", project_id=1, occurrence="x", sent_at=NOW), latest_at=NOW,
        average=3.5, answered=2, asked=3, statuses={"on_track": 1, "at_risk": 0, "off_track": 1},
        trend=[(w, None if n % 3 == 0 else 2 + n / 4, 0 if n % 3 == 0 else 2) for n, w in enumerate(weeks)],
        comments=[("UANN", NOW, "Good progress"), ("UBO", NOW - timedelta(days=7), "Late & over")],
        not_answered=["UCY"], next_at=NOW + timedelta(days=7))
    for k, v in over.items():
        setattr(stats, k, v)
    return stats


def test_results_show_average_trend_comments_and_who_has_not_answered() -> None:
    [m] = ui.results(_stats())
    check_limits(m)
    text = all_text(m)
    assert "3.5/5" in text and "2 of 3 answered" in text and "1 on track" in text and "1 off track" in text
    assert all(f"2024-W{n:02d}" in text for n in range(7, 15))
    assert "no answers" in text  # a week without answers is shown as such
    assert "Good progress" in text and "Late &amp; over" in text
    assert "Not answered yet:* <@UCY>" in text
    assert "Fridays at 15:00 (Europe/London)" in text and "Fri 12 Apr 15:00" in text
    assert m["text"].startswith("Check-ins for Apollo: average 3.5/5")


def test_results_before_any_poll() -> None:
    [m] = ui.results(_stats(latest=None, latest_at=None))
    assert "No check-in has been sent" in all_text(m)


def test_results_with_everyone_answered_and_some_unreachable() -> None:
    text = all_text(ui.results(_stats(not_answered=[], unreachable=["UGONE"])))
    assert "everyone has answered" in text and "Couldn't reach: <@UGONE>" in text


def test_results_stay_within_limits_with_many_long_comments() -> None:
    many = [(f"U{n:04d}", NOW, "x" * 600) for n in range(200)]
    msgs = ui.results(_stats(comments=many, not_answered=[f"U{n:04d}" for n in range(300)]))
    for m in msgs:
        check_whole_message(m)
    assert "more" in all_text(msgs)
    assert all(all_text(msgs).count(f"<@U{n:04d}>") >= 1 for n in range(300))  # every one named
