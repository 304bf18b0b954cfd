"""Adaptive Cards for stakeholder check-ins: the poll (a 1:1 card answered in place), the
comment form, the managers' alert on a low answer, the results and the replies to managers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.checkins.views import (
    SCORES,
    STATUSES,
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
    describe,
)
from bot.schedules import DAY_NAMES, zone
from handlers.teams import ids
from handlers.teams.render import Activity, render
from handlers.teams.render.cards import (
    MAX_ACTIVITY,
    Element,
    action_set,
    block,
    card_message,
    choice_set,
    cut,
    execute,
    heading,
    note,
    people,
    person,
    take,
    text_input,
    text_message,
)
from handlers.teams.text import core_plain, markdown, person_name, plain, raw

MAX_COMMENT = 3000
SCORE_ICON = {1: "😞", 2: "🙁", 3: "😐", 4: "🙂", 5: "🤩"}
STATUS_ICON = {"on_track": "🟢", "at_risk": "🟡", "off_track": "🔴"}


def local(moment: datetime, tz: str) -> str:
    """A moment as a person in `tz` reads it: `Fri 5 Apr 15:00`."""
    t = moment.astimezone(zone(tz))
    return f"{DAY_NAMES[t.weekday()].title()} {t.day} {t.strftime('%b')} {t:%H:%M}"


def answer_text(answer: AnswerLike | None) -> str:
    """`**3/5** · on track · “comment”` for a card, or an empty string when nothing is answered yet."""
    return core_plain(describe(answer))


# ---- the poll -------------------------------------------------------------------------------------

def poll_card(project_name: str, poll_id: int, answer: AnswerLike | None = None, *, reminder: bool = False
              ) -> list[Activity]:
    """The check-in card; after an answer the same card shows it, every input kept, so it can be changed.

    Each score button answers at once (with the status and comment as they stand in the card);
    the save button sends the status and comment alone."""
    name = plain(cut(project_name, 120))
    intro = (f"🔔 **Reminder:** we'd still love your view on **{name}** — it takes ten seconds."
             if reminder else f"👋 Time for the weekly check-in on **{name}**.")
    chosen = answer.score if answer else None
    scores = [execute(f"{n} {SCORE_ICON[n]} {SCORES[n]}" + (" ✓" if n == chosen else ""), ids.CHECKIN_ANSWER,
                      {ids.D_POLL: poll_id, ids.D_SCORE: n}, style="positive" if n == chosen else None)
              for n in range(1, 6)]
    body: list[Element] = [
        block(intro),
        block("How satisfied are you with how the project is going? (1 = very unhappy, 5 = very happy)"),
        action_set(*scores),
        choice_set(ids.I_CHECKIN_STATUS, "Is the project on track?",
                   [(f"{STATUS_ICON[k]} {label}", k) for k, label in STATUSES.items()],
                   value=answer.status if answer else None, expanded=True),
        text_input(ids.I_COMMENT, "Comment (goes to the project's managers)",
                   value=raw(answer.comment) if answer else None, multiline=True, max_length=MAX_COMMENT,
                   placeholder="What is going well, what worries you?"),
        action_set(execute("Save", ids.CHECKIN_ANSWER, {ids.D_POLL: poll_id})),
    ]
    shown = answer_text(answer)
    if shown:
        body.append(note(f"✅ Your answer: {shown}. Thank you! You can still change it until the next check-in."))
    else:
        body.append(note("Only you can answer this. You can change your answer until the next check-in."))
    summary = (f"Your check-in answer on {raw(cut(project_name, 80))}" if shown
               else f"{'Reminder' if reminder else 'Check-in'}: how is {raw(cut(project_name, 80))} going?")
    return card_message(body, summary=summary)


def comment_form(poll_id: int, project_name: str, current: str | None) -> list[Activity]:
    """The form that sets a check-in answer's comment alone (empty: the comment is removed)."""
    body: list[Element] = [
        heading("Check-in comment"),
        block(f"Your comment on **{plain(cut(project_name, 200))}** goes to the project's managers."),
        text_input(ids.I_COMMENT, "Comment", value=raw(current), multiline=True, max_length=MAX_COMMENT,
                   placeholder="What is going well, what worries you?"),
        note("Leave it empty to remove your comment."),
    ]
    return card_message(body, [execute("Save", ids.CHECKIN_COMMENT_SAVE, {ids.D_POLL: poll_id},
                                       style="positive")], summary="Check-in comment")


@render.register
def _poll(view: Poll) -> list[Activity]:
    return poll_card(view.project_name, view.poll_id, view.answer, reminder=view.reminder)


# ---- managers -------------------------------------------------------------------------------------

@render.register
def _low_answer(view: LowAnswer) -> list[Activity]:
    name = plain(cut(view.project_name, 120))
    body: list[Element] = [
        block(f"🚨 {person(view.answerer)} answered the **{name}** check-in: {answer_text(view.answer)}"),
        action_set(execute("Log as risk", ids.CHECKIN_LOG_RISK,
                           {ids.D_POLL: view.poll_id, ids.D_ANSWERER: view.answerer},
                           style="destructive", inputs="none"),
                   execute("Log as change request", ids.CHECKIN_CHANGE,
                           {ids.D_POLL: view.poll_id, ids.D_ANSWERER: view.answerer}, inputs="none")),
        note(f"checkin results project=\"{name}\" shows every answer."),
    ]
    return card_message(body, summary=f"Low check-in answer on {raw(cut(view.project_name, 80))}")


def bar(avg: float | None) -> str:
    if avg is None:
        return "no answers"
    full = round(avg * 2)
    return "▇" * full + "▁" * (10 - full) + f" {avg:.1f}"


def when(schedule: Schedule) -> str:
    return schedule.when()


@render.register
def _results(view: CheckinStats) -> list[Activity]:
    name = plain(cut(view.project_name, 120))
    body: list[Element] = [heading(f"Check-ins: {name}")]
    if view.schedule is not None:
        sched = f"Asked {plain(when(view.schedule))}; reminder after {view.schedule.reminder_hours} h"
        if view.next_at and view.stakeholders:
            sched += f" · next: {local(view.next_at, view.schedule.tz)}"
        n = len(view.stakeholders)
        body.append(note(sched + f" · {n} stakeholder{'' if n == 1 else 's'}"))
    if view.latest_at is None:
        body.append(block(f"No check-in has been sent for **{name}** yet. "
                          f"checkin send project=\"{name}\" sends one now."))
        return card_message(body, summary=f"Check-ins for {raw(cut(view.project_name, 80))}: none sent yet")
    avg = f"**{view.average:.1f}/5**" if view.average is not None else "no scores yet"
    statuses = ", ".join(f"{n} {STATUSES.get(s, s).lower()}" for s, n in view.statuses.items() if n)
    body.append(block(f"**Latest check-in** ({local(view.latest_at, view.tz)}): {avg} — "
                      f"{view.answered} of {view.asked} answered" + (f"\n\n{statuses}" if statuses else "")))
    trend = [f"{week} {bar(v)}" + (f" ({n})" if n else "") for week, v, n in view.trend]
    body.append(block("**Trend** (weekly average, last 8 weeks)\n\n" + "\n\n".join(trend) if trend
                      else "**Trend**: no answers yet"))
    body.append(block("**Comments**", separator=True))
    comments = [block(f"• {person(u)} ({local(at, view.tz)}): {plain(cut(c, 500))}", spacing="Small")
                for u, at, c in view.comments]
    body += take(comments, MAX_ACTIVITY // 2, lambda n: f"…and {n} more") or [block("–")]
    waiting = view.not_answered
    body.append(block("**Not answered yet:** " + (people(waiting, 100) if waiting else "everyone has answered"),
                      separator=True))
    if view.unreachable:
        body.append(note("Couldn't reach: " + people(view.unreachable, 100)))
    return card_message(body, summary=f"Check-ins for {raw(cut(view.project_name, 80))}: "
                                      f"{view.answered} of {view.asked} answered")


# ---- replies to managers --------------------------------------------------------------------------

def _names(users: Sequence[str]) -> str:
    """`ann`, `ann and bo`, `ann, bo and cy`, escaped for a message."""
    names = [markdown(person_name(u)) for u in users]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"


def schedule_line(cfg: Schedule, next_at: datetime | None) -> str:
    line = f"Check-ins go out {plain(cfg.when())}, with one reminder after {cfg.reminder_hours} h"
    if next_at:
        line += f"; next: {local(next_at, cfg.tz)}"
    return line + "."


@render.register
def _added(view: StakeholdersAdded) -> list[Activity]:
    name = plain(cut(view.project_name, 120))
    body: list[Element] = []
    if view.added:
        body.append(block(f"✅ {people(view.added)} will get check-ins on **{name}**."))
    if view.already:
        one = len(view.already) == 1
        what = "was already a stakeholder" if one else "were already stakeholders"
        body.append(block(f"{people(view.already)} {what} of **{name}**."))
    body.append(block(schedule_line(view.schedule, view.next_at)))
    body.append(note(f"checkin send project=\"{name}\" asks now · checkin results project=\"{name}\" shows answers"))
    return card_message(body, summary=f"Check-in stakeholders of {raw(cut(view.project_name, 80))} updated")


@render.register
def _removed(view: StakeholdersRemoved) -> list[Activity]:
    name = plain(cut(view.project_name, 120))
    body = [block(f"👋 {people(view.removed)} will no longer get check-ins on **{name}**.")]
    if view.not_there:
        body.append(block(f"{people(view.not_there)} {'was' if len(view.not_there) == 1 else 'were'} not one."))
    if view.nobody_left:
        body.append(block("Nobody is left to ask, so check-ins on this project stop until you checkin add someone."))
    return card_message(body, summary=f"Removed check-in stakeholders of {raw(cut(view.project_name, 80))}")


@render.register
def _scheduled(view: Scheduled) -> list[Activity]:
    name = plain(cut(view.project_name, 120))
    body = [block(f"📅 **{name}**: {schedule_line(view.schedule, view.next_at)}")]
    if view.nobody_asked:
        body.append(block(f"Nobody is asked yet: add stakeholders with checkin add @user project=\"{name}\"."))
    return card_message(body, summary=f"Check-ins for {raw(cut(view.project_name, 80))}: {view.schedule.when()}")


@render.register
def _sent(view: Sent) -> list[Activity]:
    name = plain(cut(view.project_name, 120))
    body: list[Element] = []
    if view.sent:
        plural = "" if view.sent == 1 else "s"
        body.append(block(f"📨 Sent the **{name}** check-in to {view.sent} stakeholder{plural}."))
    if view.skipped:
        body.append(block(f"{view.skipped} had already been sent this check-in: nobody gets it twice."))
    if view.retry:
        body.append(block(f"{view.retry} could not be confirmed yet; I'll keep trying."))
    if view.failed:
        failed = [block(f"• {person(u)} ({plain(cut(e, 200))})", spacing="None") for u, e in view.errors.items()]
        body.append(block("I couldn't reach:"))
        body += take(failed, MAX_ACTIVITY // 2, lambda n: f"…and {n} more")
    if not body:
        body.append(block(f"Nobody to ask on **{name}**."))
    body.append(note(f"checkin results project=\"{name}\" shows the answers as they come."))
    return card_message(body, summary=f"Check-in on {raw(cut(view.project_name, 80))} sent")


@render.register
def _not_stakeholders(error: NotStakeholders) -> list[Activity]:
    what = "is not a stakeholder" if len(error.user_ids) == 1 else "are not stakeholders"
    return text_message(f"{_names(error.user_ids)} {what} of **{markdown(error.project_name)}**.")


@render.register
def _no_stakeholders(error: NoStakeholders) -> list[Activity]:
    return text_message(f"**{markdown(error.project_name)}** has no stakeholders to ask yet: add them with "
                        "`checkin add @user project=NAME`.")
