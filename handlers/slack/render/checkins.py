"""Block Kit for stakeholder check-ins: the poll DM, the comment modal, the managers'
alert on a low answer, and the results view."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from handlers.slack import ids
from handlers.slack.render.common import (
    MAX_RESPONSES,
    MAX_SECTION,
    Block,
    actions,
    button,
    context,
    contexts,
    divider,
    header,
    message,
    messages,
    option,
    plain,
    safe,
    section,
    sections,
    truncate,
)
from scheduler.triggers import DAY_NAMES, zone

if TYPE_CHECKING:
    from bot.checkins.service import CheckinStats
    from storage.models_rhythm import CheckinAnswer, CheckinConfig

USAGE = """*Usage of /checkin* (managers)
• `/checkin add @user [@user…] project=NAME` — ask them for a weekly check-in (first one: Fridays 15:00 in your zone)
• `/checkin remove @user project=NAME`
• `/checkin schedule project=NAME day=mon..sun time=HH:MM [tz=Area/City] [reminder=HOURS]`
• `/checkin send project=NAME` — send the check-in now
• `/checkin results project=NAME` — latest average, weekly trend, comments and who has not answered"""

SCORES = {1: "Very unhappy", 2: "Unhappy", 3: "OK", 4: "Happy", 5: "Very happy"}
SCORE_ICON = {1: ":disappointed:", 2: ":slightly_frowning_face:", 3: ":neutral_face:", 4: ":slightly_smiling_face:",
              5: ":star-struck:"}
STATUSES = {"on_track": "On track", "at_risk": "At risk", "off_track": "Off track"}
STATUS_ICON = {"on_track": ":large_green_circle:", "at_risk": ":large_yellow_circle:",
               "off_track": ":red_circle:"}
DAY_LONG = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def when(cfg: CheckinConfig) -> str:
    return f"{DAY_LONG[cfg.day]}s at {cfg.time} ({cfg.tz})"


def local(moment: datetime, tz: str) -> str:
    """A moment as a person in `tz` reads it: `Fri 5 Apr 15:00`."""
    t = moment.astimezone(zone(tz))
    return f"{DAY_NAMES[t.weekday()].title()} {t.day} {t.strftime('%b')} {t:%H:%M}"


def answer_text(answer: CheckinAnswer | None, *, mrkdwn: bool = True) -> str:
    """`3/5 · on track · “comment”`, or an empty string when nothing is answered yet.

    As mrkdwn (the comment escaped) unless `mrkdwn` is False: then plain text, for a form's field.
    """
    if answer is None:
        return ""
    bits = []
    if answer.score is not None:
        bits.append(f"*{answer.score}/5*")
    if answer.status:
        bits.append(STATUSES.get(answer.status, answer.status).lower())
    if answer.comment:
        comment = truncate(answer.comment, 300)
        bits.append(f"“{safe(comment) if mrkdwn else comment}”")
    return " · ".join(bits)


# ---- the poll -------------------------------------------------------------------------------------

def score_buttons(poll_id: int, chosen: int | None = None) -> Block:
    return actions(*(button(f"{n} {SCORE_ICON[n]} {SCORES[n]}", f"{ids.CHECKIN_SCORE}_{n}", str(poll_id),
                            style="primary" if n == chosen else None) for n in range(1, 6)),
                   block_id=ids.CHECKIN_SCORE)


def status_select(poll_id: int, chosen: str | None = None) -> Block:
    opts = [option(f"{STATUSES[s]}", f"{poll_id}:{s}") for s in STATUSES]
    element: Block = {"type": "static_select", "action_id": ids.CHECKIN_STATUS, "options": opts,
                      "placeholder": plain("Choose…")}
    if chosen in STATUSES:
        element["initial_option"] = opts[list(STATUSES).index(chosen)]  # type: ignore[arg-type]
    return section("*Is the project on track?*", accessory=element, block_id=ids.CHECKIN_STATUS)


def poll(project_name: str, poll_id: int, answer: CheckinAnswer | None = None, *, reminder: bool = False
         ) -> dict[str, Any]:
    """The check-in DM; after an answer the same message shows it, buttons kept, so it can be changed."""
    intro = (f":bell: *Reminder:* we'd still love your view on *{safe(project_name)}* — it takes ten seconds."
             if reminder else f":wave: Time for the weekly check-in on *{safe(project_name)}*.")
    blocks: list[Block] = [
        section(f"{intro}\nHow satisfied are you with how the project is going? "
                "(1 = very unhappy, 5 = very happy)"),
        score_buttons(poll_id, answer.score if answer else None),
        status_select(poll_id, answer.status if answer else None),
        actions(button("Edit your comment" if answer is not None and answer.comment else "Add a comment",
                       ids.CHECKIN_COMMENT, str(poll_id)), block_id=ids.CHECKIN_COMMENT),
    ]
    shown = answer_text(answer)
    if shown:
        blocks.append(context(f":white_check_mark: Your answer: {shown}. Thank you! You can still change it "
                              "until the next check-in."))
    else:
        blocks.append(context("Only you can answer this. You can change your answer until the next check-in."))
    name = safe(project_name)
    text = f"Reminder: how is {name} going?" if reminder else f"Check-in: how is {name} going?"
    if shown:
        text = f"Your check-in answer on {name}: {shown.replace('*', '')}"
    return message(text, blocks)


def comment_modal(poll_id: int, project_name: str, current: str | None, channel: str | None,
                  ts: str | None) -> Block:
    element: Block = {"type": "plain_text_input", "action_id": ids.B_COMMENT, "multiline": True,
                      "max_length": MAX_SECTION, "placeholder": plain("What is going well, what worries you?")}
    if current:
        element["initial_value"] = truncate(current, MAX_SECTION)
    meta = {"poll": poll_id, "channel": channel, "ts": ts}
    return {
        "type": "modal", "callback_id": ids.CHECKIN_COMMENT_MODAL, "title": plain("Check-in comment"),
        "submit": plain("Save"), "close": plain("Cancel"), "private_metadata": json.dumps(meta),
        "blocks": [
            section(f"Your comment on *{safe(truncate(project_name, 200))}* goes to the project's managers."),
            {"type": "input", "block_id": ids.B_COMMENT, "label": plain("Comment"), "element": element,
             "optional": True, "hint": plain("Leave it empty to remove your comment.")},
        ],
    }


# ---- managers -------------------------------------------------------------------------------------

def alert(project_name: str, poll_id: int, answerer: str, answer: CheckinAnswer) -> dict[str, Any]:
    """To the project's managers at once when a stakeholder answers 2 or less, or off track."""
    shown = answer_text(answer)
    value = json.dumps({"poll": poll_id, "u": answerer})
    blocks: list[Block] = [
        section(f":rotating_light: <@{answerer}> answered the *{safe(project_name)}* check-in: {shown}"),
        actions(button("Log as risk", ids.CHECKIN_LOG_RISK, value, style="danger"), block_id=ids.CHECKIN_LOG_RISK),
        context(f"`/checkin results project=\"{safe(project_name)}\"` shows every answer."),
    ]
    return message(f"Low check-in answer on {safe(project_name)}: {shown.replace('*', '')}", blocks)


def _lines_section(title: str, lines: Sequence[str], more_hint: str = "") -> Block:
    body: list[str] = []
    size = len(title) + 40
    for ln in lines:
        if size + len(ln) + 1 > MAX_SECTION - 100:
            break
        body.append(ln)
        size += len(ln) + 1
    rest = len(lines) - len(body)
    text = f"*{title}*\n" + ("\n".join(body) or "–")
    if rest:
        text += f"\n_…and {rest} more{more_hint}_"
    return section(text)


def bar(avg: float | None) -> str:
    if avg is None:
        return "no answers"
    full = round(avg * 2)
    return "▇" * full + "▁" * (10 - full) + f" {avg:.1f}"


def results(stats: CheckinStats) -> list[dict[str, Any]]:
    """The results as one or more messages (a reply through a response_url: at most five)."""
    name = stats.project_name
    blocks: list[Block] = [header(f"Check-ins: {name}")]
    if stats.config is not None:
        sched = f"Asked {when(stats.config)}; reminder after {stats.config.reminder_hours} h"
        if stats.next_at and stats.stakeholders:
            sched += f" · next: {local(stats.next_at, stats.config.tz)}"
        blocks.append(context(sched + f" · {len(stats.stakeholders)} stakeholder"
                              f"{'' if len(stats.stakeholders) == 1 else 's'}"))
    if stats.latest is None:
        blocks.append(section(f"No check-in has been sent for *{safe(name)}* yet. "
                              f"`/checkin send project=\"{safe(name)}\"` sends one now."))
        return [message(f"Check-ins for {safe(name)}: none sent yet", blocks)]
    avg = f"*{stats.average:.1f}/5*" if stats.average is not None else "no scores yet"
    statuses = ", ".join(f"{n} {STATUSES[s].lower()}" for s, n in stats.statuses.items() if n)
    latest = (f"*Latest check-in* ({local(stats.latest_at or stats.latest.sent_at, stats.tz)}): {avg} — "
              f"{stats.answered} of {stats.asked} answered" + (f"\n{statuses}" if statuses else ""))
    blocks.append(section(latest))
    trend = [f"`{week}` {bar(v)}" + (f" ({n})" if n else "") for week, v, n in stats.trend]
    blocks.append(section("*Trend* (weekly average, last 8 weeks)\n" + "\n".join(trend)))
    comments = [f"• <@{u}> ({local(at, stats.tz)}): {safe(truncate(c, 500))}" for u, at, c in stats.comments]
    blocks.append(_lines_section("Comments", comments))
    waiting = [f"<@{u}>" for u in stats.not_answered]
    blocks.append(divider())
    blocks += sections("*Not answered yet:* " + (", ".join(waiting) if waiting else "everyone has answered"))
    if stats.unreachable:
        blocks += contexts("Couldn't reach: " + ", ".join(f"<@{u}>" for u in stats.unreachable))
    text = (f"Check-ins for {safe(name)}: average {stats.average:.1f}/5" if stats.average is not None
            else f"Check-ins for {safe(name)}: no scores yet") + f", {stats.answered} of {stats.asked} answered"
    return messages(text, blocks, max_messages=MAX_RESPONSES, more=f"{len(waiting)} have not answered")


# ---- replies to managers --------------------------------------------------------------------------

def mentions(users: Sequence[str]) -> str:
    names = [f"<@{u}>" for u in users]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"


def schedule_line(cfg: CheckinConfig, next_at: datetime | None) -> str:
    line = f"Check-ins go out {when(cfg)}, with one reminder after {cfg.reminder_hours} h"
    if next_at:
        line += f"; next: {local(next_at, cfg.tz)}"
    return line + "."


def hint(project_name: str) -> str:
    name = safe(project_name)
    return f"`/checkin send project=\"{name}\"` asks now · `/checkin results project=\"{name}\"` shows answers"
