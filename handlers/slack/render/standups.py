"""Block Kit for stand-ups: the prompt DM, the answer modal, channel posts, the digest and the report.

The builders draw one thing each; `render` draws each view of `bot.standups.views` with them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from bot.standups import views as v
from bot.standups.views import MAX_ANSWER, DayStatus, days_text, fmt_day, has_blocker, schedule_text
from handlers.slack import ids
from handlers.slack.render import Message, render
from handlers.slack.render.common import (
    MAX_RESPONSES,
    Block,
    actions,
    button,
    context,
    contexts,
    header,
    message,
    messages,
    plain,
    safe,
    section,
    sections,
    truncate,
)
from storage.models_rhythm import Standup, StandupAnswer

POST_FIELD = 2900  # escaped, in a section of its own
DIGEST_FIELD = 900  # per field in a digest, so that one answer fits a section


def _mentions(user_ids: Sequence[str]) -> str:
    return ", ".join(f"<@{u}>" for u in user_ids) or "–"


# ---- commands ----------------------------------------------------------------------------------

def setup_done(s: Standup, members: Sequence[str], zones: dict[str, str], created: bool,
               next_prompts: Sequence[tuple[str, datetime]]) -> dict[str, Any]:
    verb = "Set up" if created else "Updated"
    lines = [f":white_check_mark: {verb} the stand-up in <#{s.channel_id}>: {schedule_text(s)}.",
             f"*Members ({len(members)})*: {_mentions(members)}"]
    if next_prompts:
        lines.append("*Next prompts*: " + "; ".join(
            f"{fmt_day(when.date())} {when:%H:%M} {z} ({_mentions([u for u in members if zones.get(u) == z])})"
            for z, when in next_prompts))
    blocks = [section("\n".join(lines)),
              context("Members can skip a day with `/standup skip`. Make sure I'm in the channel (`/invite`) "
                      "so that I can post the answers.")]
    return message(f"{verb} the stand-up in <#{s.channel_id}>: {s.time} {days_text(s.days)}", blocks)


def now_done(s: Standup, *, sent: int, already: int, off: Sequence[str], failed: dict[str, str]) -> dict[str, Any]:
    bits = [f"Sent the stand-up prompt for <#{s.channel_id}> to {sent} member{'s' if sent != 1 else ''}."]
    if already:
        bits.append(f"{already} already had today's prompt, so I didn't ask again.")
    if off:
        bits.append(f"Off today: {_mentions(off)}.")
    if failed:
        bits.append("I couldn't reach " + ", ".join(f"<@{u}> ({e})" for u, e in failed.items()) + ".")
    text = " ".join(bits)
    return message(text, [section(text)])


def skipped(first: date, last: date, in_standup: bool) -> dict[str, Any]:
    if first == last:
        text = f":palm_tree: OK, no stand-up for you today ({fmt_day(first)})."
    else:
        text = f":palm_tree: OK, no stand-up for you from {fmt_day(first)} to {fmt_day(last)}."
    if not in_standup:
        text += " (You aren't in a stand-up yet, so nothing else changes.)"
    return message(text, [section(text)])


# ---- the prompt DM and the modal ----------------------------------------------------------------

def prompt(s: Standup, day: date) -> dict[str, Any]:
    assert s.id is not None
    text = f"Stand-up time for <#{s.channel_id}> — {fmt_day(day)}"
    return message(text, [
        section(f":wave: Stand-up time for <#{s.channel_id}> — *{fmt_day(day)}*. "
                "What did you do yesterday, what's on today, anything blocking you?"),
        actions(button("Write my stand-up", ids.STANDUP_OPEN, f"{s.id}:{day.isoformat()}", style="primary")),
        context("Not working today? `/standup skip` · days off: `/standup skip until=YYYY-MM-DD`"),
    ])


def prompt_answered(s: Standup, day: date) -> dict[str, Any]:
    """The prompt once answered: says where the answer went, and that it can still be changed today."""
    assert s.id is not None
    where = (f"posted in <#{s.channel_id}>" if s.post_mode == "each"
             else f"in today's digest in <#{s.channel_id}>")
    text = f"Thanks! Your stand-up for {fmt_day(day)} is {where}."
    return message(text, [
        section(f":white_check_mark: Thanks! Your stand-up for *{fmt_day(day)}* is {where}."),
        actions(button("Edit my answer", ids.STANDUP_OPEN, f"{s.id}:{day.isoformat()}")),
        context("You can change it until the end of the day."),
    ])


def _input(block_id: str, label: str, initial: str | None, optional: bool, placeholder: str,
           hint: str | None = None) -> Block:
    element: Block = {"type": "plain_text_input", "action_id": block_id, "multiline": True,
                      "max_length": MAX_ANSWER, "placeholder": plain(placeholder)}
    if initial:
        element["initial_value"] = truncate(initial, MAX_ANSWER)
    b: Block = {"type": "input", "block_id": block_id, "label": plain(label), "element": element,
                "optional": optional}
    if hint:
        b["hint"] = plain(hint)
    return b


def modal(s: Standup, day: date, answer: StandupAnswer | None, metadata: dict[str, Any]) -> Block:
    """The answer form; prefilled with the earlier answer when it is changed the same day."""
    a = answer
    note = "Changing your answer" if a else "Your answer"
    where = "is posted to" if s.post_mode == "each" else "goes into today's digest in"
    return {
        "type": "modal", "callback_id": ids.STANDUP_MODAL, "title": plain("Stand-up"),
        "submit": plain("Update" if a else "Post"), "close": plain("Cancel"),
        "private_metadata": json.dumps(metadata)[:3000],
        "blocks": [
            context(f"{note} for *{fmt_day(day)}* {where} <#{s.channel_id}>."),
            _input(ids.B_YESTERDAY, "What did you do yesterday?", a.yesterday if a else None, True,
                   "Finished the proposal for…"),
            _input(ids.B_TODAY, "What will you do today?", a.today if a else None, False, "Call the client about…"),
            _input(ids.B_BLOCKERS, "Anything blocking you?", a.blockers if a else None, True, "Nothing",
                   hint="A blocker can be logged as a risk with one button."),
        ],
    }


# ---- answers in the channel ---------------------------------------------------------------------

def _field(label: str, value: str | None, limit: int) -> str:
    return f"*{label}*\n{safe(value.strip(), limit)}" if value and value.strip() else ""


def risk_button(a: StandupAnswer) -> Block:
    return button("Log as risk", ids.STANDUP_BLOCKER_RISK, str(a.id))


def change_button(a: StandupAnswer) -> Block:
    """Turn the answer into a change request (the change form, prefilled)."""
    return button("Log as change request", ids.STANDUP_CHANGE, str(a.id))


def answer_post(a: StandupAnswer) -> dict[str, Any]:
    edited = " · edited" if a.updated_at and a.created_at and a.updated_at > a.created_at else ""
    blocks: list[Block] = [section(f"*<@{a.user_id}>*'s stand-up · {fmt_day(a.day)}{edited}")]
    for label, value in (("Yesterday", a.yesterday), ("Today", a.today)):
        if value and value.strip():
            blocks.append(section(_field(label, value, POST_FIELD)))
    if has_blocker(a.blockers):
        blocks.append(section(":warning: " + _field("Blocker", a.blockers, POST_FIELD)))
        blocks.append(actions(risk_button(a), change_button(a)))
    text = f"Stand-up from <@{a.user_id}> for {fmt_day(a.day)}: {safe(a.today, 200)}"
    return message(text, blocks)


def _digest_entry(a: StandupAnswer) -> Block:
    parts = [f"*<@{a.user_id}>*"]
    for label, value in (("Yesterday", a.yesterday), ("Today", a.today)):
        if value and value.strip():
            parts.append(_field(label, value, DIGEST_FIELD))
    if has_blocker(a.blockers):
        parts.append(":warning: " + _field("Blocker", a.blockers, DIGEST_FIELD))
        return section("\n".join(parts), accessory=risk_button(a))
    return section("\n".join(parts))


def digest(s: Standup, day: date, status: DayStatus) -> list[dict[str, Any]]:
    """The day's digest: every answer, in as many messages as Slack's limits need (the first is
    posted in the channel, the others in its thread)."""
    blocks: list[Block] = [
        header(f"Stand-up — {fmt_day(day)}"),
        context(f"<#{s.channel_id}> · {len(status.answers)} answered · {len(status.skipped)} off · "
                f"{len(status.missing)} not yet"),
    ]
    blocks += [_digest_entry(a) for a in status.answers]
    tail = []
    if status.skipped:
        tail.append(f"Off: {_mentions(status.skipped)}")
    if status.missing:
        tail.append(f"Not yet: {_mentions(status.missing)}")
    if tail:
        blocks += contexts(" · ".join(tail))
    text = f"Stand-up for {fmt_day(day)}: {len(status.answers)} answered"
    return messages(text, blocks)


def report(s: Standup, status: DayStatus) -> list[dict[str, Any]]:
    """Who did what today, in as many messages as a large stand-up needs (at most five: a reply)."""
    lines = [f"*Stand-up in <#{s.channel_id}> — today*", schedule_text(s), ""]
    lines.append(f":white_check_mark: *Answered ({len(status.answers)})*: "
                 f"{_mentions([a.user_id for a in status.answers])}")
    lines.append(f":palm_tree: *Skipped ({len(status.skipped)})*: {_mentions(status.skipped)}")
    lines.append(f":hourglass_flowing_sand: *Not yet ({len(status.missing)})*: {_mentions(status.missing)}")
    if status.not_today:
        lines.append(f":zzz: *No stand-up today ({len(status.not_today)})*: {_mentions(status.not_today)}")
    blocks: list[Block] = sections("\n".join(lines))
    blockers = [a for a in status.answers if has_blocker(a.blockers)]
    if blockers:
        lines = ["*Blockers*"]
        for a in blockers:
            line = f"• <@{a.user_id}>: {safe(a.blockers, 300)}"
            if sum(len(x) + 1 for x in lines) + len(line) > 2900:
                lines.append("…")
                break
            lines.append(line)
        blocks.append(section("\n".join(lines)))
    fallback = (f"Stand-up in <#{s.channel_id}>: {len(status.answers)} answered, {len(status.skipped)} skipped, "
                f"{len(status.missing)} not yet")
    return messages(fallback, blocks, max_messages=MAX_RESPONSES)


# ---- the views ----------------------------------------------------------------------------------

@render.register
def _setup_done(view: v.SetupDone) -> list[Message]:
    return [setup_done(view.standup, view.members, view.zones, view.created, view.next_prompts)]


@render.register
def _prompts_sent(view: v.PromptsSent) -> list[Message]:
    return [now_done(view.standup, sent=view.sent, already=view.already, off=view.off, failed=view.failed)]


@render.register
def _days_off(view: v.DaysOff) -> list[Message]:
    return [skipped(view.first, view.last, view.in_standup)]


@render.register
def _today_report(view: v.TodayReport) -> list[Message]:
    return report(view.standup, view.status)


@render.register
def _prompt(view: v.Prompt) -> list[Message]:
    return [prompt(view.standup, view.day)]


@render.register
def _prompt_answered(view: v.PromptAnswered) -> list[Message]:
    return [prompt_answered(view.standup, view.day)]


@render.register
def _answer_post(view: v.AnswerPost) -> list[Message]:
    return [answer_post(view.answer)]


@render.register
def _digest(view: v.Digest) -> list[Message]:
    return digest(view.standup, view.day, view.status)
