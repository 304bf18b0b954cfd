"""What lessons learned show: the views `bot.lessons.service` returns, and the usage text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storage.models import Project
from storage.models_lessons import Lesson

USAGE = """*Usage of /lesson*
• `/lesson` — open the form to log a lesson
• `/lesson TEXT [project=NAME] [tags=a,b]` — log what the team learned as `L-N`
• `/lesson list [project=NAME] [tag=T] [q=WORDS] [page=N]` — find lessons, newest first; `q=` finds \
the lessons holding every word"""


def lesson_id(lesson: Lesson) -> str:
    return f"L-{lesson.number}"


def tags_of(lesson: Lesson) -> list[str]:
    return [t for t in lesson.tags.split(",") if t]


@dataclass(frozen=True)
class LessonAdded:
    lesson: Lesson
    project: Project | None


@dataclass(frozen=True)
class LessonList:
    """One page of lessons, newest first, with what the list was limited to."""

    rows: Sequence[Lesson]
    project_names: dict[int, str]
    total: int
    page: int
    pages: int
    project: Project | None = None
    tag: str | None = None
    query: str | None = None  # the words of `q=`, as given


@dataclass(frozen=True)
class EarlierLessons:
    """Lessons to read before committing to a new project: from the same client's earlier projects
    (or carrying the client's name as a tag)."""

    client: str
    rows: Sequence[Lesson]
    project_names: dict[int, str]


@dataclass(frozen=True)
class LessonPrompt:
    """A DM after a project closed: what did you learn? Its button opens the lesson form with the project."""

    project_id: int
    project_name: str
    outcome: str | None  # won | lost | None
    closed_by: str
