"""What scope before commitment shows: the views its service returns, and its usage text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from storage.models import Project
from storage.models_scope import ScopeBaseline, ScopeChange, ScopeEvent

USAGE = """*Usage of /scope*
• `/scope NAME` — the project's baseline and its change requests
• `/scope set project=NAME [days=N] [in="…"] [out="…"] [assumptions="…"]` — record the baseline \
(estimate in person-days, in scope, out of scope, assumptions); managers. \
`/scope set project=NAME` alone opens the form
• `/scope change project=NAME TITLE [days=N] [cost=N]` — log a change request C-N; \
`/scope change` alone opens the form
• `/scope approve C-N [NOTE]` · `/scope reject C-N [NOTE]` — decide a change request; managers"""


@dataclass(frozen=True)
class ProjectScope:
    """A project's scope and commercial figures, for `/project show` and the summaries.

    `creep` is the core's text ("40 d baseline, +6 d approved (+15%)") or None without a baseline;
    `no_baseline` flags a project with a deadline and no baseline; `target` and `booked` are the
    sales figures, beside the stakeholder satisfaction (`latest` average, `change` on the week before);
    `flag` is the rule of `bot.scope.figures.satisfaction_flag`."""

    project_id: int
    name: str
    creep: str | None = None
    no_baseline: bool = False
    target: float | None = None
    booked: float | None = None
    latest: float | None = None
    change: float | None = None
    flag: bool = False

    @property
    def worth_showing(self) -> bool:
        return bool(self.creep or self.no_baseline or self.target is not None or self.booked is not None)


@dataclass(frozen=True)
class ScopeCard:
    """`/scope NAME`: the baseline, its creep figure, the change requests (newest first, `total` in
    all) and the latest history."""

    project: Project
    baseline: ScopeBaseline | None
    creep: str | None
    changes: Sequence[ScopeChange] = ()
    total: int = 0
    pending: int = 0
    events: Sequence[ScopeEvent] = ()


@dataclass(frozen=True)
class BaselineSet:
    """The baseline was recorded (`created`) or changed: `changes` maps each field to [old, new]."""

    project: Project
    baseline: ScopeBaseline
    changes: dict[str, list[Any]] = field(default_factory=dict)
    created: bool = False
    creep: str | None = None


@dataclass(frozen=True)
class ChangeLogged:
    """A change request was logged; `managers` are told by DM (`ChangeAlert`)."""

    change: ScopeChange
    project: Project
    managers: Sequence[str] = ()


@dataclass(frozen=True)
class ChangeAlert:
    """For each of the project's managers: a change request to decide, with Approve / Reject."""

    change: ScopeChange
    project: Project


@dataclass(frozen=True)
class ChangeDecided:
    """A manager approved or rejected a change request; `creep` is the figure after it."""

    change: ScopeChange
    project: Project
    creep: str | None = None


@dataclass(frozen=True)
class DecisionNotice:
    """For the requester: their change request was decided."""

    change: ScopeChange
    project: Project
