"""Check-in Block Kit builders: pure functions, checked against Slack's limits."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.checkins import views
from bot.checkins.views import CheckinStats
from handlers.slack import ids
from handlers.slack.render import checkins as ui
from handlers.slack.render.catalog import render
from storage.models_rhythm import CheckinAnswer
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
    weeks = [f"2024-W{n:02d}" for n in range(7, 15)]
    stats = CheckinStats(
        "Apollo", views.Schedule(4, "15:00", "Europe/London", 24), "Europe/London", ["UANN", "UBO", "UCY"],
        latest_at=NOW,
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
    [m] = ui.results(_stats(latest_at=None))
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


# ---- the views, through the catalog -------------------------------------------------------------

def test_views_render_as_the_builders_draw_them() -> None:
    a = views.Answer(3, "at_risk", "Slow <sign-off>")
    assert render(views.Poll("Apollo", 7)) == [ui.poll("Apollo", 7)]
    assert render(views.Poll("Apollo", 7, reminder=True)) == [ui.poll("Apollo", 7, reminder=True)]
    assert render(views.Poll("Apollo", 7, a)) == [ui.poll("Apollo", 7, answer(3, "at_risk", "Slow <sign-off>"))]
    assert render(views.LowAnswer("Apollo", 7, "UANN", a)) == [ui.alert("Apollo", 7, "UANN", a)]
    assert render(_stats()) == ui.results(_stats())


def test_answer_summary_is_core_text_escaped_only_for_slack() -> None:
    a = views.Answer(2, "off_track", "R&D <late> " + "x" * 400)
    core = views.describe(a)
    assert core.startswith("*2/5* · off track · “R&D <late> x") and core.endswith("…”")
    assert len(core) < 330
    assert ui.answer_text(a) == core.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert ui.answer_text(a, mrkdwn=False) == core and views.describe(None) == ""


SCHEDULE = views.Schedule(0, "09:00", "Asia/Kolkata", 6)


def test_added_reply() -> None:
    [m] = render(views.StakeholdersAdded("R&D", ["UANN", "UBO", "UCY"], ["UDAN"], SCHEDULE, NOW))
    check_limits(m)
    text = all_text(m)
    assert ":white_check_mark: <@UANN>, <@UBO> and <@UCY> will get check-ins on *R&amp;D*." in text
    assert "<@UDAN> was already a stakeholder of *R&amp;D*." in text
    assert "Check-ins go out Mondays at 09:00 (Asia/Kolkata), with one reminder after 6 h; next: Fri 5 Apr 19:30." \
        in text
    assert '`/checkin send project="R&amp;D"` asks now' in text
    assert m["text"] == "Check-in stakeholders of R&amp;D updated"
    [m] = render(views.StakeholdersAdded("Apollo", [], ["UANN", "UBO"], SCHEDULE, None))
    assert "<@UANN> and <@UBO> were already stakeholders of *Apollo*." in all_text(m)
    assert "will get" not in all_text(m) and "next:" not in all_text(m)


def test_removed_reply() -> None:
    [m] = render(views.StakeholdersRemoved("Apollo", ["UANN"], ["UBO", "UCY"], nobody_left=True))
    text = all_text(m)
    assert ":wave: <@UANN> will no longer get check-ins on *Apollo*." in text
    assert "<@UBO> and <@UCY> were not one." in text and "Nobody is left to ask" in text
    [m] = render(views.StakeholdersRemoved("Apollo", ["UANN"], [], nobody_left=False))
    assert "not one" not in all_text(m) and "Nobody is left" not in all_text(m)


def test_scheduled_reply() -> None:
    [m] = render(views.Scheduled("Apollo", SCHEDULE, NOW, nobody_asked=True))
    assert m["text"] == "Check-ins for Apollo: Mondays at 09:00 (Asia/Kolkata)"
    text = all_text(m)
    assert ":calendar: *Apollo*: Check-ins go out Mondays at 09:00" in text
    assert 'add stakeholders with `/checkin add @user project="Apollo"`' in text
    [m] = render(views.Scheduled("Apollo", SCHEDULE, NOW, nobody_asked=False))
    assert "Nobody is asked" not in all_text(m)


def test_sent_reply() -> None:
    [m] = render(views.Sent("Apollo", sent=1, skipped=2, retry=3, failed=1, errors={"UGONE": "user_not_found"}))
    text = all_text(m)
    assert ":incoming_envelope: Sent the *Apollo* check-in to 1 stakeholder." in text
    assert "2 had already been sent this check-in" in text and "3 could not be confirmed yet" in text
    assert "I couldn't reach <@UGONE> (user_not_found)." in text
    assert '`/checkin results project="Apollo"` shows the answers' in text and m["text"] == "Check-in on Apollo sent"
    [m] = render(views.Sent("Apollo"))
    assert "Nobody to ask on *Apollo*." in all_text(m)


def test_refusals_naming_a_project_escape_it() -> None:
    [m] = render(views.NotStakeholders("R&D <x>", ["UANN"]))
    assert all_text(m).startswith("<@UANN> is not a stakeholder of *R&amp;D &lt;x&gt;*.")
    [m] = render(views.NoStakeholders("R&D <x>"))
    assert all_text(m).startswith("*R&amp;D &lt;x&gt;* has no stakeholders to ask yet: add them with "
                                  '`/checkin add @user project="R&amp;D &lt;x&gt;"`.')
