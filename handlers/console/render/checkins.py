"""The check-in views as text; a poll's buttons are its scores, statuses and comment."""

from __future__ import annotations

from bot.checkins.views import (
    SCORES,
    STATUSES,
    CheckinStats,
    LowAnswer,
    Poll,
    Scheduled,
    Sent,
    StakeholdersAdded,
    StakeholdersRemoved,
    describe,
)
from handlers.console.render import Choice, choices, render, when
from handlers.console.render.common import cut, people, person
from handlers.console.text import show


@render.register
def _poll(view: Poll) -> list[str]:
    if view.answer is not None:
        return [f"Your check-in on {view.project_name}: {show(describe(view.answer))}. "
                "You can change it until the next check-in."]
    lead = "Reminder: how" if view.reminder else "How"
    return [f"{lead} happy are you with {view.project_name} this week? Press a score, set a status, or comment."]


@choices.register
def _poll_choices(view: Poll) -> list[Choice]:
    poll = {"poll": view.poll_id}
    out = [Choice(f"{n} · {label}", "checkin.score", {**poll, "score": n}) for n, label in SCORES.items()]
    out += [Choice(label, "checkin.status", {**poll, "status": key}) for key, label in STATUSES.items()]
    out.append(Choice("Comment…", "checkin.comment", poll))
    return out


@render.register
def _low(view: LowAnswer) -> list[str]:
    return [f"Heads up: {person(view.answerer)} answered the {view.project_name} check-in with "
            f"{show(describe(view.answer))}."]


@choices.register
def _low_choices(view: LowAnswer) -> list[Choice]:
    return [Choice("Log as risk…", "checkin.log_risk", {"poll": view.poll_id, "answerer": view.answerer}),
            Choice("Log as change request…", "checkin.change", {"poll": view.poll_id, "answerer": view.answerer})]


@render.register
def _added(view: StakeholdersAdded) -> list[str]:
    out = [f"{view.project_name}: asking {people(view.added)} for a weekly check-in, {view.schedule.when()}."]
    if view.already:
        out.append(f"  Already asked: {people(view.already)}.")
    out.append(f"  Next check-in: {when(view.next_at, view.schedule.tz)}.")
    return out


@render.register
def _removed(view: StakeholdersRemoved) -> list[str]:
    out = [f"{view.project_name}: no longer asking {people(view.removed)}."]
    if view.not_there:
        out.append(f"  Not stakeholders: {people(view.not_there)}.")
    if view.nobody_left:
        out.append("  Nobody is asked any more, so check-ins on it stop.")
    return out


@render.register
def _scheduled(view: Scheduled) -> list[str]:
    out = [f"{view.project_name}: check-ins {view.schedule.when()}, reminder after "
           f"{view.schedule.reminder_hours} h. Next: {when(view.next_at, view.schedule.tz)}."]
    if view.nobody_asked:
        out.append(f"  Nobody is asked yet: `/checkin add @user project={view.project_name}`.")
    return out


@render.register
def _sent(view: Sent) -> list[str]:
    out = [f"{view.project_name}: check-in sent to {view.sent}"
           + (f", {view.skipped} had it already" if view.skipped else "")
           + (f", {view.retry} to be retried" if view.retry else "")
           + (f", {view.failed} failed" if view.failed else "") + "."]
    out += [f"  {person(who)}: {why}" for who, why in view.errors.items()]
    return out


@render.register
def _stats(view: CheckinStats) -> list[str]:
    if view.latest_at is None:
        return [f"{view.project_name}: no check-in sent yet. Asked: {people(view.stakeholders)}."]
    avg = f"{view.average:.1f}/5" if view.average is not None else "no scores"
    out = [f"{view.project_name}: latest check-in ({when(view.latest_at, view.tz)}) {avg}, "
           f"{view.answered} of {view.asked} answered."]
    if view.statuses:
        out.append("  " + ", ".join(f"{STATUSES.get(k, k)} {n}" for k, n in view.statuses.items()))
    trend = [f"{week} {avg_:.1f} ({n})" for week, avg_, n in view.trend if avg_ is not None]
    if trend:
        out.append("  Trend: " + " · ".join(trend))
    out += [f"  {person(who)} {at:%Y-%m-%d}: “{cut(comment, 160)}”" for who, at, comment in view.comments]
    if view.not_answered:
        out.append(f"  Not answered: {people(view.not_answered)}.")
    if view.unreachable:
        out.append(f"  Could not be reached: {people(view.unreachable)}.")
    if view.next_at:
        out.append(f"  Next check-in: {when(view.next_at, view.tz)}.")
    return out
