"""What the check-in feature shows: the poll, the managers' alert, results and the replies to
managers, as data each front end renders (Slack's Block Kit in `handlers/slack/render/checkins.py`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from bot import text
from bot.errors import NotFound, UsageError

SCORES = {1: "Very unhappy", 2: "Unhappy", 3: "OK", 4: "Happy", 5: "Very happy"}
STATUSES = {"on_track": "On track", "at_risk": "At risk", "off_track": "Off track"}
DAY_LONG = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAX_COMMENT_SHOWN = 300  # characters of a comment quoted in an answer's summary


class AnswerLike(Protocol):
    """An answer's figures: a stored row, or `Answer`."""

    @property
    def score(self) -> int | None: ...
    @property
    def status(self) -> str | None: ...
    @property
    def comment(self) -> str | None: ...


@dataclass(frozen=True)
class Answer:
    """A stakeholder's answer so far: a score of 1–5, a status (`STATUSES`) and a comment."""

    score: int | None = None
    status: str | None = None
    comment: str | None = None

    @classmethod
    def of(cls, row: AnswerLike | None) -> Answer | None:
        return None if row is None else cls(row.score, row.status, row.comment)


def describe(answer: AnswerLike | None) -> str:
    """`*3/5* · on track · “comment”` (core text), or an empty string when nothing is answered yet."""
    if answer is None:
        return ""
    bits = []
    if answer.score is not None:
        bits.append(f"*{answer.score}/5*")
    if answer.status:
        bits.append(STATUSES.get(answer.status, answer.status).lower())
    if answer.comment:
        comment = answer.comment
        if len(comment) > MAX_COMMENT_SHOWN:
            comment = comment[:MAX_COMMENT_SHOWN - 1] + "…"
        bits.append(f"“{comment}”")
    return " · ".join(bits)


@dataclass(frozen=True)
class Schedule:
    """When a project's check-ins go out: weekday (0 = Monday), HH:MM in `tz`, and the reminder's delay."""

    day: int
    time: str
    tz: str
    reminder_hours: int

    def when(self) -> str:
        return f"{DAY_LONG[self.day]}s at {self.time} ({self.tz})"


# ---- to stakeholders ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Poll:
    """The check-in a stakeholder answers; after an answer the same poll shows it, still changeable."""

    project_name: str
    poll_id: int
    answer: Answer | None = None
    reminder: bool = False  # the one nudge to those who have not answered


# ---- to managers -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LowAnswer:
    """To the project's managers at once when a stakeholder answers 2 or less, or off track."""

    project_name: str
    poll_id: int
    answerer: str  # a person's id
    answer: Answer


@dataclass(frozen=True)
class StakeholdersAdded:
    project_name: str
    added: list[str]  # people's ids
    already: list[str]  # already stakeholders
    schedule: Schedule
    next_at: datetime | None


@dataclass(frozen=True)
class StakeholdersRemoved:
    project_name: str
    removed: list[str]
    not_there: list[str]  # named but not stakeholders
    nobody_left: bool  # check-ins on the project stop


@dataclass(frozen=True)
class Scheduled:
    project_name: str
    schedule: Schedule
    next_at: datetime | None
    nobody_asked: bool  # no stakeholders yet


@dataclass(frozen=True)
class Sent:
    """`/checkin send`: how the poll went out."""

    project_name: str
    sent: int = 0
    skipped: int = 0  # had been sent this check-in already
    retry: int = 0  # not confirmed yet, tried again later
    failed: int = 0
    errors: dict[str, str] = field(default_factory=dict)  # person's id -> why they could not be reached


@dataclass
class CheckinStats:
    """A project's check-in results: latest average, weekly trend, comments, who has not answered."""

    project_name: str
    schedule: Schedule | None
    tz: str
    stakeholders: list[str]
    average: float | None = None
    answered: int = 0
    asked: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    trend: list[tuple[str, float | None, int]] = field(default_factory=list)  # week, average, answers
    comments: list[tuple[str, datetime, str]] = field(default_factory=list)  # newest first
    not_answered: list[str] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)
    next_at: datetime | None = None
    latest_at: datetime | None = None  # when the latest poll was sent; None: none sent yet


# ---- refusals that name a project (front ends that escape what people typed draw them from the fields) ----

def people(users: list[str]) -> str:
    """`ann`, `ann and bo`, `ann, bo and cy`, as references (core text)."""
    names = [text.person(u) for u in users]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + f" and {names[-1]}"


class NotStakeholders(NotFound):
    """None of the people named is a stakeholder of the project: nothing was removed."""

    def __init__(self, project_name: str, user_ids: list[str]) -> None:
        self.project_name, self.user_ids = project_name, list(user_ids)
        what = "is not a stakeholder" if len(user_ids) == 1 else "are not stakeholders"
        super().__init__(f"{people(user_ids)} {what} of *{project_name}*.")


class NoStakeholders(UsageError):
    """`/checkin send` on a project nobody is asked on yet."""

    def __init__(self, project_name: str) -> None:
        self.project_name = project_name
        super().__init__(f"*{project_name}* has no stakeholders to ask yet: add them with "
                         f"`/checkin add @user project=\"{project_name}\"`.")
