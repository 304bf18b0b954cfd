"""Adaptive Cards for stand-ups: the prompt (a 1:1 card holding the three questions), the channel
posts, the digest, the report and the replies to commands (`bot.standups.views`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.standups import views as v
from bot.standups.views import MAX_ANSWER, DayStatus, fmt_day, has_blocker, schedule_text
from handlers.teams import ids
from handlers.teams.render import Activity, render
from handlers.teams.render.cards import (
    MAX_ACTIVITY,
    Element,
    action_set,
    block,
    card_message,
    cut,
    execute,
    heading,
    note,
    people,
    person,
    place,
    take,
    text_input,
)
from handlers.teams.text import core_plain, person_name, plain, raw
from storage.models_rhythm import Standup, StandupAnswer

POST_FIELD = 2000  # characters of one answer's field in its own post
DIGEST_FIELD = 600  # per field in a digest


def prompt_data(s: Standup, day: date) -> dict[str, Any]:
    return {ids.D_STANDUP: s.id, ids.D_DAY: day.isoformat()}


def prompt_card(s: Standup, day: date, answer: StandupAnswer | None = None) -> list[Activity]:
    """The three questions for `day`, prefilled with the earlier answer when it is changed the same day."""
    where = "is posted to" if s.post_mode == "each" else "goes into today's digest in"
    body: list[Element] = [
        block(f"👋 Stand-up time for {place(s.channel_id)} — **{fmt_day(day)}**"),
        note(f"{'Changing your answer' if answer else 'Your answer'} {where} {place(s.channel_id)}."),
        text_input(ids.I_YESTERDAY, "What did you do yesterday?", value=raw(answer.yesterday) if answer else None,
                   multiline=True, max_length=MAX_ANSWER, placeholder="Finished the proposal for…"),
        text_input(ids.I_TODAY, "What will you do today?", value=raw(answer.today) if answer else None,
                   multiline=True, max_length=MAX_ANSWER, placeholder="Call the client about…", required=True),
        text_input(ids.I_BLOCKERS, "Anything blocking you?", value=raw(answer.blockers) if answer else None,
                   multiline=True, max_length=MAX_ANSWER, placeholder="Nothing"),
        note("Not working today? standup skip · days off: standup skip until=YYYY-MM-DD"),
    ]
    return card_message(body, [execute("Update" if answer else "Post", ids.STANDUP_ANSWER, prompt_data(s, day),
                                       style="positive")],
                        summary=f"Stand-up time — {fmt_day(day)}")


@render.register
def _prompt(view: v.Prompt) -> list[Activity]:
    return prompt_card(view.standup, view.day)


@render.register
def _prompt_answered(view: v.PromptAnswered) -> list[Activity]:
    s = view.standup
    where = ("posted in " if s.post_mode == "each" else "in today's digest in ") + place(s.channel_id)
    return card_message([block(f"✅ Thanks! Your stand-up for **{fmt_day(view.day)}** is {where}."),
                         note("You can change it until the end of the day.")],
                        [execute("Edit my answer", ids.STANDUP_EDIT, prompt_data(s, view.day), inputs="none")],
                        summary=f"Thanks! Your stand-up for {fmt_day(view.day)} is in.")


# ---- answers in the channel ---------------------------------------------------------------------

def _field(label: str, value: str | None, limit: int) -> str:
    return f"**{label}**\n\n{plain(cut(value.strip(), limit))}" if value and value.strip() else ""


def risk_button(a: StandupAnswer) -> Element:
    return execute("Log as risk", ids.STANDUP_BLOCKER_RISK, {ids.D_ANSWER: a.id}, inputs="none")


def _entry(a: StandupAnswer, limit: int) -> list[Element]:
    parts = [block(f"**{person(a.user_id)}**", separator=True)]
    for label, value in (("Yesterday", a.yesterday), ("Today", a.today)):
        if value and value.strip():
            parts.append(block(_field(label, value, limit), spacing="Small"))
    if has_blocker(a.blockers):
        parts.append(block("⚠️ " + _field("Blocker", a.blockers, limit), spacing="Small"))
        parts.append(action_set(risk_button(a), execute("Log as change request", ids.STANDUP_CHANGE,
                                                        {ids.D_ANSWER: a.id}, inputs="none")))
    return parts


@render.register
def _answer_post(view: v.AnswerPost) -> list[Activity]:
    a = view.answer
    edited = " · edited" if a.updated_at and a.created_at and a.updated_at > a.created_at else ""
    body = [block(f"**{person(a.user_id)}**'s stand-up · {fmt_day(a.day)}{edited}"), *_entry(a, POST_FIELD)[1:]]
    return card_message(body, summary=f"Stand-up from {person_name(a.user_id)} for {fmt_day(a.day)}")


def _status_tail(status: DayStatus) -> list[Element]:
    tail = []
    if status.skipped:
        tail.append(f"Off: {people(status.skipped)}")
    if status.missing:
        tail.append(f"Not yet: {people(status.missing)}")
    return [note(" · ".join(tail))] if tail else []


@render.register
def _digest(view: v.Digest) -> list[Activity]:
    s, status = view.standup, view.status
    body: list[Element] = [
        heading(f"Stand-up — {fmt_day(view.day)}"),
        note(f"{place(s.channel_id)} · {len(status.answers)} answered · {len(status.skipped)} off · "
             f"{len(status.missing)} not yet"),
    ]
    entries = [{"type": "Container", "items": _entry(a, DIGEST_FIELD)} for a in status.answers]
    tail = _status_tail(status)
    body += take(entries, MAX_ACTIVITY - 4000, lambda n: f"…and {n} more answers: standup report shows who")
    return card_message(body + tail, summary=f"Stand-up for {fmt_day(view.day)}: {len(status.answers)} answered")


@render.register
def _today_report(view: v.TodayReport) -> list[Activity]:
    s, status = view.standup, view.status
    body: list[Element] = [
        heading(f"Stand-up in {place(s.channel_id)} — today"),
        note(core_plain(schedule_text(s))),
        block(f"✅ **Answered ({len(status.answers)})**: {people([a.user_id for a in status.answers])}"),
        block(f"🌴 **Skipped ({len(status.skipped)})**: {people(status.skipped)}"),
        block(f"⏳ **Not yet ({len(status.missing)})**: {people(status.missing)}"),
    ]
    if status.not_today:
        body.append(block(f"💤 **No stand-up today ({len(status.not_today)})**: {people(status.not_today)}"))
    blockers = [block(f"• {person(a.user_id)}: {plain(cut(a.blockers, 300))}", spacing="None")
                for a in status.answers if has_blocker(a.blockers)]
    if blockers:
        body.append(block("**Blockers**", separator=True))
        body += take(blockers, MAX_ACTIVITY // 2, lambda n: f"…and {n} more")
    return card_message(body, summary=f"Stand-up: {len(status.answers)} answered, {len(status.skipped)} skipped, "
                                      f"{len(status.missing)} not yet")


# ---- replies to commands ------------------------------------------------------------------------

@render.register
def _setup_done(view: v.SetupDone) -> list[Activity]:
    s = view.standup
    verb = "Set up" if view.created else "Updated"
    body: list[Element] = [
        block(f"✅ {verb} the stand-up in {place(s.channel_id)}: {core_plain(schedule_text(s))}."),
        block(f"**Members ({len(view.members)})**: {people(list(view.members))}"),
    ]
    if view.next_prompts:
        body.append(block("**Next prompts**: " + "; ".join(
            f"{fmt_day(when.date())} {when:%H:%M} {plain(z)}" for z, when in view.next_prompts[:20])))
    body.append(note("Members can skip a day with standup skip."))
    return card_message(body, summary=f"{verb} the stand-up: {s.time}")


@render.register
def _prompts_sent(view: v.PromptsSent) -> list[Activity]:
    s = view.standup
    body = [block(f"Sent the stand-up prompt for {place(s.channel_id)} to {view.sent} "
                  f"member{'s' if view.sent != 1 else ''}.")]
    if view.already:
        body.append(block(f"{view.already} already had today's prompt, so I didn't ask again."))
    if view.off:
        body.append(block(f"Off today: {people(list(view.off))}."))
    if view.failed:
        failed = [block(f"• {person(u)} ({plain(cut(e, 200))})", spacing="None") for u, e in view.failed.items()]
        body.append(block("I couldn't reach:"))
        body += take(failed, MAX_ACTIVITY // 2, lambda n: f"…and {n} more")
    return card_message(body, summary=f"Sent the stand-up prompt to {view.sent}")


@render.register
def _days_off(view: v.DaysOff) -> list[Activity]:
    if view.first == view.last:
        md = f"🌴 OK, no stand-up for you today ({fmt_day(view.first)})."
    else:
        md = f"🌴 OK, no stand-up for you from {fmt_day(view.first)} to {fmt_day(view.last)}."
    if not view.in_standup:
        md += " (You aren't in a stand-up yet, so nothing else changes.)"
    return card_message([block(md)], summary="No stand-up for you")
