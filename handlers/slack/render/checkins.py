"""Block Kit for stakeholder check-ins: the poll DM, the comment modal, the managers'
alert on a low answer, the results and the replies to managers (`bot.checkins.views`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.checkins import views
from bot.checkins.grammar import USAGE as USAGE  # what `/checkin help` shows, from the core
from bot.checkins.views import (
    AnswerLike,
    CheckinStats,
    LowAnswer,
    NoStakeholders,
    NotStakeholders,
    Poll,
    Schedule,
    Scheduled,
    Sent,
    StakeholdersAdded,
    StakeholdersRemoved,
)
from bot.schedules import DAY_NAMES, zone
from handlers.slack import ids
from handlers.slack.render import Message, render
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
    plain_message,
    safe,
    section,
    sections,
    truncate,
)

SCORES = views.SCORES
SCORE_ICON = {1: ":disappointed:", 2: ":slightly_frowning_face:", 3: ":neutral_face:", 4: ":slightly_smiling_face:",
              5: ":star-struck:"}
STATUSES = views.STATUSES
STATUS_ICON = {"on_track": ":large_green_circle:", "at_risk": ":large_yellow_circle:",
               "off_track": ":red_circle:"}


def when(schedule: Schedule) -> str:
    return schedule.when()


def local(moment: datetime, tz: str) -> str:
    """A moment as a person in `tz` reads it: `Fri 5 Apr 15:00`."""
    t = moment.astimezone(zone(tz))
    return f"{DAY_NAMES[t.weekday()].title()} {t.day} {t.strftime('%b')} {t:%H:%M}"


def answer_text(answer: AnswerLike | None, *, mrkdwn: bool = True) -> str:
    """`3/5 · on track · “comment”`, or an empty string when nothing is answered yet.

    As mrkdwn (the comment escaped) unless `mrkdwn` is False: then plain text, for a form's field.
    """
    shown = views.describe(answer)
    return safe(shown) if mrkdwn else shown


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


def poll(project_name: str, poll_id: int, answer: AnswerLike | None = None, *, reminder: bool = False
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

def alert(project_name: str, poll_id: int, answerer: str, answer: AnswerLike) -> dict[str, Any]:
    """To the project's managers at once when a stakeholder answers 2 or less, or off track."""
    shown = answer_text(answer)
    value = json.dumps({"poll": poll_id, "u": answerer})
    blocks: list[Block] = [
        section(f":rotating_light: <@{answerer}> answered the *{safe(project_name)}* check-in: {shown}"),
        actions(button("Log as risk", ids.CHECKIN_LOG_RISK, value, style="danger"),
                button("Log as change request", ids.CHECKIN_CHANGE, value), block_id=ids.CHECKIN_LOG_RISK),
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
    if stats.schedule is not None:
        sched = f"Asked {when(stats.schedule)}; reminder after {stats.schedule.reminder_hours} h"
        if stats.next_at and stats.stakeholders:
            sched += f" · next: {local(stats.next_at, stats.schedule.tz)}"
        blocks.append(context(sched + f" · {len(stats.stakeholders)} stakeholder"
                              f"{'' if len(stats.stakeholders) == 1 else 's'}"))
    if stats.latest_at is None:
        blocks.append(section(f"No check-in has been sent for *{safe(name)}* yet. "
                              f"`/checkin send project=\"{safe(name)}\"` sends one now."))
        return [message(f"Check-ins for {safe(name)}: none sent yet", blocks)]
    avg = f"*{stats.average:.1f}/5*" if stats.average is not None else "no scores yet"
    statuses = ", ".join(f"{n} {STATUSES[s].lower()}" for s, n in stats.statuses.items() if n)
    latest = (f"*Latest check-in* ({local(stats.latest_at, stats.tz)}): {avg} — "
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


def schedule_line(cfg: Schedule, next_at: datetime | None) -> str:
    line = f"Check-ins go out {when(cfg)}, with one reminder after {cfg.reminder_hours} h"
    if next_at:
        line += f"; next: {local(next_at, cfg.tz)}"
    return line + "."


def hint(project_name: str) -> str:
    name = safe(project_name)
    return f"`/checkin send project=\"{name}\"` asks now · `/checkin results project=\"{name}\"` shows answers"


# ---- the views, registered ------------------------------------------------------------------------

@render.register
def _poll(view: Poll) -> list[Message]:
    return [poll(view.project_name, view.poll_id, view.answer, reminder=view.reminder)]


@render.register
def _low_answer(view: LowAnswer) -> list[Message]:
    return [alert(view.project_name, view.poll_id, view.answerer, view.answer)]


@render.register
def _results(view: CheckinStats) -> list[Message]:
    return results(view)


@render.register
def _added(view: StakeholdersAdded) -> list[Message]:
    name = safe(view.project_name)
    lines = []
    if view.added:
        lines.append(f":white_check_mark: {mentions(view.added)} will get check-ins on *{name}*.")
    if view.already:
        one = len(view.already) == 1
        lines.append(f"{mentions(view.already)} {'was already a stakeholder' if one else 'were already stakeholders'}"
                     f" of *{name}*.")
    lines.append(schedule_line(view.schedule, view.next_at))
    return [message(f"Check-in stakeholders of {name} updated",
                    [section("\n".join(lines)), context(hint(view.project_name))])]


@render.register
def _removed(view: StakeholdersRemoved) -> list[Message]:
    name = safe(view.project_name)
    lines = [f":wave: {mentions(view.removed)} will no longer get check-ins on *{name}*."]
    if view.not_there:
        lines.append(f"{mentions(view.not_there)} {'was' if len(view.not_there) == 1 else 'were'} not one.")
    if view.nobody_left:
        lines.append("Nobody is left to ask, so check-ins on this project stop until you `/checkin add` someone.")
    return [message(f"Removed check-in stakeholders of {name}", [section("\n".join(lines))])]


@render.register
def _scheduled(view: Scheduled) -> list[Message]:
    name = safe(view.project_name)
    lines = [f":calendar: *{name}*: {schedule_line(view.schedule, view.next_at)}"]
    if view.nobody_asked:
        lines.append(f"Nobody is asked yet: add stakeholders with `/checkin add @user project=\"{name}\"`.")
    return [message(f"Check-ins for {name}: {when(view.schedule)}", [section("\n".join(lines))])]


@render.register
def _sent(view: Sent) -> list[Message]:
    name = safe(view.project_name)
    lines = []
    if view.sent:
        lines.append(f":incoming_envelope: Sent the *{name}* check-in to {view.sent} "
                     f"stakeholder{'' if view.sent == 1 else 's'}.")
    if view.skipped:
        lines.append(f"{view.skipped} had already been sent this check-in: nobody gets it twice.")
    if view.retry:
        lines.append(f"{view.retry} could not be confirmed yet; I'll keep trying.")
    if view.failed:
        lines.append("I couldn't reach " + ", ".join(f"<@{u}> ({e})" for u, e in view.errors.items()) + ".")
    if not lines:
        lines.append(f"Nobody to ask on *{name}*.")
    lines.append(f"`/checkin results project=\"{name}\"` shows the answers as they come.")
    return [message(f"Check-in on {name} sent", [section("\n".join(lines))])]


@render.register
def _not_stakeholders(error: NotStakeholders) -> list[Message]:
    what = "is not a stakeholder" if len(error.user_ids) == 1 else "are not stakeholders"
    return [plain_message(f"{mentions(error.user_ids)} {what} of *{safe(error.project_name)}*.")]


@render.register
def _no_stakeholders(error: NoStakeholders) -> list[Message]:
    name = safe(error.project_name)
    return [plain_message(f"*{name}* has no stakeholders to ask yet: add them with "
                          f"`/checkin add @user project=\"{name}\"`.")]
