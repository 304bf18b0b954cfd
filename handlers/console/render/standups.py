"""The stand-up views as text; a prompt's button opens the answer form."""

from __future__ import annotations

from bot.standups.views import (
    AnswerPost,
    DaysOff,
    DayStatus,
    Digest,
    Prompt,
    PromptAnswered,
    PromptsSent,
    SetupDone,
    TodayReport,
    fmt_day,
    has_blocker,
    schedule_text,
)
from handlers.console.render import Choice, choices, render, when
from handlers.console.render.common import people, person
from handlers.console.text import show
from storage.models_rhythm import StandupAnswer


def answer_lines(a: StandupAnswer) -> list[str]:
    out = [f"{person(a.user_id)}'s stand-up, {fmt_day(a.day)}:"]
    for label, value in (("Yesterday", a.yesterday), ("Today", a.today), ("Blockers", a.blockers)):
        if value:
            out.append(f"  {label}: {show(value)}")
    return out


def status_lines(s: DayStatus) -> list[str]:
    out = [line for a in s.answers for line in answer_lines(a)]
    if s.skipped:
        out.append(f"  Off: {people(s.skipped)}")
    if s.missing:
        out.append(f"  Not answered yet: {people(s.missing)}")
    if s.not_today:
        out.append(f"  Not a stand-up day for: {people(s.not_today)}")
    return out or ["  Nobody to ask."]


@render.register
def _setup(view: SetupDone) -> list[str]:
    verb = "Set up" if view.created else "Changed"
    out = [f"{verb} the stand-up in #{view.standup.channel_id}: {show(schedule_text(view.standup))}.",
           f"  Members: {people(list(view.members))}"]
    out += [f"  Next prompt ({zone}): {when(at, zone)}" for zone, at in view.next_prompts]
    return out


@render.register
def _sent(view: PromptsSent) -> list[str]:
    out = [f"Stand-up prompts for #{view.standup.channel_id}: {view.sent} sent"
           + (f", {view.already} had today's already" if view.already else "") + "."]
    if view.off:
        out.append(f"  Off today: {people(list(view.off))}")
    out += [f"  {person(who)}: {why}" for who, why in view.failed.items()]
    return out


@render.register
def _off(view: DaysOff) -> list[str]:
    span = fmt_day(view.first) if view.first == view.last else f"{fmt_day(view.first)} to {fmt_day(view.last)}"
    note = "" if view.in_standup else " (you are in no stand-up yet)"
    return [f"No stand-up prompt for you {span}.{note}"]


@render.register
def _report(view: TodayReport) -> list[str]:
    return [f"Today's stand-up in #{view.standup.channel_id}:", *status_lines(view.status)]


@render.register
def _prompt(view: Prompt) -> list[str]:
    return [f"Time for your stand-up for #{view.standup.channel_id} ({fmt_day(view.day)})."]


@choices.register
def _prompt_choices(view: Prompt) -> list[Choice]:
    return [Choice("Write my stand-up…", "standup.answer", {"s": view.standup.id, "d": view.day.isoformat()})]


@render.register
def _answered(view: PromptAnswered) -> list[str]:
    return [f"Thanks: your stand-up of {fmt_day(view.day)} is in #{view.standup.channel_id}. "
            "You can change it today."]


@choices.register
def _answered_choices(view: PromptAnswered) -> list[Choice]:
    return [Choice("Change my stand-up…", "standup.answer", {"s": view.standup.id, "d": view.day.isoformat()})]


@render.register
def _post(view: AnswerPost) -> list[str]:
    return answer_lines(view.answer)


@choices.register
def _post_choices(view: AnswerPost) -> list[Choice]:
    if not has_blocker(view.answer.blockers) or view.answer.id is None:
        return []
    return [Choice("Log blocker as risk…", "standup.blocker_risk", {"answer": view.answer.id}),
            Choice("Log as change request…", "standup.change", {"answer": view.answer.id})]


@render.register
def _digest(view: Digest) -> list[str]:
    return [f"Stand-up of {fmt_day(view.day)}:", *status_lines(view.status)]
