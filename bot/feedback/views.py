"""What the feedback feature shows: data, not layout. Every front end lays these out its own way."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storage.models import Feedback, Project


@dataclass
class Recorded:
    """Feedback was recorded (as F-`item.number`); `guessed`: its sentiment was guessed from the text."""

    item: Feedback
    project: Project | None
    guessed: bool


@dataclass
class FeedbackPage:
    """One page of the feedback the viewer may see, newest first; `total` counts only those items."""

    rows: Sequence[Feedback]
    project_names: dict[int, str]  # project id -> name, for the rows that have a project
    total: int
    page: int
    pages: int
    project: Project | None  # the list is of this project's feedback only


@dataclass
class Acted:
    """A manager closed the loop on `item`; the author is told unless it was anonymous."""

    item: Feedback


@dataclass
class ActedNotice:
    """To the author: their feedback `item` was acted on (what was done is in `item.action_text`)."""

    item: Feedback
