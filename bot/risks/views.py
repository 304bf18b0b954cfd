"""What the risk register shows: the views its service returns, and its usage text.

Each view carries the rows and facts a front end needs (the risk, its project, its history, what
changed); how they look is the front end's business (Slack: `handlers/slack/render/risks.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from storage.models import Project, Risk, RiskEvent

USAGE = """*Usage of /risk*
• `/risk` — open the form to log a risk
• `/risk add TITLE [p=1-5] [i=1-5] [owner=@user] [project=NAME] [review=YYYY-MM-DD]`
• `/risk list [project=NAME] [all] [page=N]` — open risks by score, highest first; `all` adds closed ones
• `/risk show R-N` — details and history
• `/risk update R-N [p=] [i=] [owner=@user] [status=open|mitigating|monitoring|closed] [review=YYYY-MM-DD] \
[mitigation="…"] [project=NAME] [title="…"]`
• `/risk close R-N [NOTE]`
Score = probability × impact: Low 1–4, Medium 5–9, High 10–15, Critical 16–25."""


@dataclass(frozen=True)
class RiskAdded:
    """A risk was logged. `assumed` names the levels not given (`p`, `i`), which were taken as 3.
    Each of `similar` comes with a button that closes the new risk as a duplicate of it."""

    risk: Risk
    project: Project | None
    assumed: tuple[str, ...] = ()
    similar: tuple[Risk, ...] = ()  # open risks of the same project with a title much like it (`bot.risks.similar`)


@dataclass(frozen=True)
class RiskAnnouncement:
    """For the project's channel: a risk is new at, or was raised to, a band worth telling the team."""

    risk: Risk
    project: Project
    actor_id: str  # who logged or raised it
    reason: str  # core text: "New risk", "Risk raised from Medium"


@dataclass(frozen=True)
class RiskList:
    """One page of the register, by score, highest first."""

    rows: Sequence[Risk]
    project_names: dict[int, str]  # project id -> name, for the rows that have one
    total: int
    page: int
    pages: int
    project: Project | None  # the project the list is limited to
    include_closed: bool


@dataclass(frozen=True)
class RiskDetail:
    """One risk with its whole history, oldest first."""

    risk: Risk
    project: Project | None
    events: Sequence[RiskEvent] = ()


@dataclass(frozen=True)
class RiskUpdated:
    """A risk was changed: `changes` maps each label changed to its [old, new] values."""

    risk: Risk
    changes: dict[str, list[Any]] = field(default_factory=dict)


@dataclass(frozen=True)
class RiskClosed:
    risk: Risk
    note: str | None = None


@dataclass(frozen=True)
class ClosedAsDuplicate:
    """`risk` was closed as a duplicate of `original` (both histories say so)."""

    risk: Risk
    original: Risk
