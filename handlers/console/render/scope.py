"""Scope before commitment as text: the scope card, the answers, the managers' DM with its Approve /
Reject buttons, the requester's notice, and the scope and target lines of projects and summaries."""

from __future__ import annotations

from bot.projects.targets import ProjectUpdated
from bot.scope import figures
from bot.scope.views import (
    BaselineSet,
    ChangeAlert,
    ChangeDecided,
    ChangeLogged,
    DecisionNotice,
    ProjectScope,
    ScopeCard,
)
from handlers.console.render import Choice, choices, render
from handlers.console.render.common import cut, people, person
from handlers.console.text import show
from storage.models_scope import ScopeChange

SHOWN = 20  # change requests listed on a card


def change_line(c: ScopeChange) -> str:
    amounts = [f"{figures.signed(c.days)} d"] if c.days is not None else []
    if c.cost is not None:
        amounts.append(f"cost {c.cost:,.0f}")
    extra = f" ({', '.join(amounts)})" if amounts else ""
    return f"C-{c.number} {cut(c.title)}{extra} — {c.status}, asked by {person(c.requested_by)}"


def scope_lines(ps: ProjectScope) -> list[str]:
    """A project's scope and target lines (project card, summaries)."""
    scope = ps.creep or (figures.NO_BASELINE if ps.no_baseline else "no baseline yet")
    sales = figures.target_text(ps.target, ps.booked) or "no target set"
    satisfaction = (f"satisfaction {ps.latest:.1f}/5" + (f" ({ps.change:+})" if ps.change is not None else "")
                    if ps.latest is not None else "no satisfaction scores yet")
    out = [f"  Scope: {show(scope)}", f"  Target: {sales} · {satisfaction}"]
    if ps.flag:
        out.append(f"  ! {figures.SATISFACTION_FLAG}")
    return out


def summary_lines(rows: list[ProjectScope]) -> list[str]:
    out = ["  Scope and targets:"] if rows else []
    for ps in rows:
        out.append(f"    {show(ps.name)}:")
        out.extend(f"    {line}" for line in scope_lines(ps))
    return out


@render.register
def _card(view: ScopeCard) -> list[str]:
    p = view.project
    out = [f"Scope of {show(p.name)}"]
    if view.baseline is None:
        out.append("  " + (figures.NO_BASELINE if p.deadline else "No scope baseline yet.")
                   + f" Managers set it with `/scope set project={show(p.name)} days=N`.")
    else:
        b = view.baseline
        out.append(f"  {show(view.creep or '')}")
        for label, value in (("In scope", b.in_scope), ("Out of scope", b.out_scope), ("Assumptions", b.assumptions)):
            if value:
                out.append(f"  {label}: {cut(value, 500)}")
    out.append(f"  Change requests: {view.total} ({view.pending} pending)")
    out.extend(f"    {change_line(c)}" for c in view.changes[:SHOWN])
    if view.total > min(len(view.changes), SHOWN):
        out.append(f"    …and {view.total - min(len(view.changes), SHOWN)} older")
    if view.events:
        out.append("  History (newest first):")
        out.extend(f"    {e.at:%Y-%m-%d %H:%M} {person(e.actor_id)} {e.action}"
                   + (f" — {cut(e.note)}" if e.note else "") for e in view.events)
    return out


@render.register
def _baseline_set(view: BaselineSet) -> list[str]:
    what = "Set" if view.created else "Changed"
    return [f"{what} the scope baseline of {show(view.project.name)} ({', '.join(view.changes)}).",
            *([f"  {show(view.creep)}"] if view.creep else [])]


@render.register
def _logged(view: ChangeLogged) -> list[str]:
    told = (f"Sent to {people(tuple(view.managers))} to approve or reject." if view.managers
            else f"No manager of this project to send it to: ask one to run `/scope approve C-{view.change.number}`.")
    return [f"Logged change request on {show(view.project.name)}: {change_line(view.change)}", f"  {told}"]


@render.register
def _alert(view: ChangeAlert) -> list[str]:
    return [f"Change request on {show(view.project.name)} to decide: {change_line(view.change)}"]


@choices.register
def _alert_choices(view: ChangeAlert) -> list[Choice]:
    n = view.change.number
    return [Choice("Approve", "scope.approve", {"c": n}), Choice("Reject", "scope.reject", {"c": n})]


@render.register
def _decided(view: ChangeDecided) -> list[str]:
    c = view.change
    out = [f"{c.status.capitalize()} C-{c.number} on {show(view.project.name)}: {cut(c.title)} "
           f"(by {person(c.decided_by)})"]
    if c.decision_note:
        out.append(f"  Note: {cut(c.decision_note, 500)}")
    if view.creep:
        out.append(f"  {show(view.creep)}")
    return out


@render.register
def _notice(view: DecisionNotice) -> list[str]:
    c = view.change
    out = [f"Your change request C-{c.number} on {show(view.project.name)} was {c.status} by "
           f"{person(c.decided_by)}: {cut(c.title)}"]
    if c.decision_note:
        out.append(f"  Note: {cut(c.decision_note, 500)}")
    return out


@render.register
def _project_updated(view: ProjectUpdated) -> list[str]:
    bits = [f"{k} {'—' if old is None else show(str(old))} → {show(str(new))}"
            for k, (old, new) in view.changes.items()]
    return [f"Updated project {show(view.project.name)}: " + "; ".join(bits)]


@render.register
def _project_scope(view: ProjectScope) -> list[str]:
    return [show(view.name), *scope_lines(view)]
