"""What a risk review reminder shows: the reminder itself, the answer to "still valid", and the
update form with the values it starts from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from storage.models import Risk


@dataclass
class Reminder:
    """Time to review `risk` (its review date has come): still valid, update, or close it."""

    risk: Risk
    project_name: str | None


@dataclass
class Reviewed:
    """`risk` was reviewed and stands as it is; its next review date is set."""

    risk: Risk


@dataclass
class UpdateForm:
    """The form that updates `risk` at its review, its next review proposed as `next_review`."""

    risk: Risk
    next_review: date
