"""What stand-ups show: the views their service and flows return, their usage text, and the words
for days and schedules every front end shares.

Each view carries the rows and facts a front end needs (the stand-up, an answer, who did what);
how they look is the front end's business (Slack: `handlers/slack/render/standups.py`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.schedules import DAY_NAMES, parse_days
from storage.models_rhythm import Standup, StandupAnswer

USAGE = (
    "*Usage of /standup*\n"
    "• `/standup setup channel=#c members=@a,@b time=HH:MM days=mon-fri [tz=Area/City] [post=each|digest]` "
    "— managers; run it again to change the stand-up (the members given replace the old ones)\n"
    "• `/standup now [channel=#c]` — send today's prompt now (nobody is asked twice a day)\n"
    "• `/standup skip` — no prompt for me today · `/standup skip until=YYYY-MM-DD` — days off\n"
    "• `/standup report [channel=#c]` — who answered today, who skipped, who has not yet\n"
    "Each member is asked at `time` in their own time zone (from their Slack profile). Answers are posted to "
    "the channel as they come (`post=each`), or as one digest (`post=digest`)."
)

MAX_ANSWER = 2000  # characters per field of an answer
NO_BLOCKER = re.compile(r"^(none|no|nope|nothing|n/?a|-+|no blockers?|nothing blocking|all good)[.!]?$", re.I)


def has_blocker(text: str | None) -> bool:
    """A blocker worth a risk: something written that is not just "none"."""
    return bool(text and text.strip() and not NO_BLOCKER.match(text.strip()))


def fmt_day(d: date) -> str:
    return f"{DAY_NAMES[d.weekday()].title()} {d.day} {d.strftime('%b')} {d.year}"


def days_text(days: str) -> str:
    """`mon,tue,wed,thu,fri` -> `Mon–Fri`; other sets listed."""
    nums = parse_days(days)
    if len(nums) == 7:
        return "every day"
    if len(nums) > 2 and nums == list(range(nums[0], nums[-1] + 1)):
        return f"{DAY_NAMES[nums[0]].title()}–{DAY_NAMES[nums[-1]].title()}"
    return ", ".join(DAY_NAMES[n].title() for n in nums)


def schedule_text(s: Standup) -> str:
    mode = "each answer posted as it comes" if s.post_mode == "each" else "answers posted as one digest"
    zone = f" (`{s.tz}` for anyone whose zone is unknown)" if s.tz else ""
    return f"{s.time} {days_text(s.days)}, in each member's own time zone{zone} · {mode}"


@dataclass
class DayStatus:
    """Who did what for one stand-up day."""

    answers: list[StandupAnswer]
    skipped: list[str]
    missing: list[str]
    not_today: list[str]  # members for whom it is not a stand-up day


# ---- answers to commands -------------------------------------------------------------------------

@dataclass(frozen=True)
class SetupDone:
    """A stand-up was set up (`created`) or changed; when each zone's members are asked next."""

    standup: Standup
    members: Sequence[str]
    zones: dict[str, str]  # member -> the zone they are asked in
    created: bool
    next_prompts: Sequence[tuple[str, datetime]]  # (zone, the next prompt there, in that zone)


@dataclass(frozen=True)
class PromptsSent:
    """`/standup now` ran: how many were asked, already had today's prompt, are off, or were not reached."""

    standup: Standup
    sent: int
    already: int
    off: Sequence[str]
    failed: dict[str, str] = field(default_factory=dict)  # member -> why they could not be reached


@dataclass(frozen=True)
class DaysOff:
    """The person is off from `first` to `last` (both included); `in_standup`: they are in one at all."""

    first: date
    last: date
    in_standup: bool


@dataclass(frozen=True)
class TodayReport:
    """Who did what today in one stand-up, each member on their own local today."""

    standup: Standup
    status: DayStatus


# ---- prompts and answers ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Prompt:
    """The DM asking a member for their stand-up of `day`, with a way to write it."""

    standup: Standup
    day: date


@dataclass(frozen=True)
class PromptAnswered:
    """The prompt once answered: where the answer went, and that it can still be changed today."""

    standup: Standup
    day: date


@dataclass(frozen=True)
class AnswerPost:
    """One answer, posted in the stand-up's channel (with a way to log its blocker as a risk)."""

    answer: StandupAnswer


@dataclass(frozen=True)
class Digest:
    """The day's answers as one digest in the channel (long ones continue in its thread)."""

    standup: Standup
    day: date
    status: DayStatus
