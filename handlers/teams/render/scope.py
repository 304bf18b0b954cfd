"""Adaptive Cards for scope before commitment (`bot.scope.views`): the scope card, the answers, the
managers' card with Approve / Reject, the requester's notice, the baseline and change forms (what
Slack shows as modals), and the answer to `project update`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.projects.targets import ProjectUpdated
from bot.scope import figures
from bot.scope.grammar import MAX_TEXT, MAX_TITLE
from bot.scope.views import (
    BaselineSet,
    ChangeAlert,
    ChangeDecided,
    ChangeLogged,
    DecisionNotice,
    ProjectScope,
    ScopeCard,
)
from handlers.teams import ids
from handlers.teams.render import Activity, render
from handlers.teams.render import scope_lines as lines
from handlers.teams.render.cards import (
    MAX_ACTIVITY,
    Element,
    action_set,
    block,
    card_message,
    cut,
    execute,
    facts,
    heading,
    note,
    people,
    person,
    place,
    take,
    text_input,
)
from handlers.teams.text import plain, raw
from storage.models import Project
from storage.models_scope import ScopeBaseline, ScopeChange, ScopeEvent

STATUS_ICON = {"pending": "⏳", "approved": "✅", "rejected": "❌"}


def cid(change: ScopeChange) -> str:
    return f"C-{change.number}"


def change_line(c: ScopeChange) -> str:
    amounts = [f"{figures.signed(c.days)} d"] if c.days is not None else []
    if c.cost is not None:
        amounts.append(f"cost {c.cost:,.0f}")
    extra = f" ({', '.join(amounts)})" if amounts else ""
    return (f"{STATUS_ICON.get(c.status, '')} **{cid(c)}** {plain(cut(c.title, 200))}{extra} — _{c.status}_ · "
            f"asked by {person(c.requested_by)}")


def _event_line(ev: ScopeEvent) -> str:
    try:
        changes = json.loads(ev.changes or "{}")
    except ValueError:
        changes = {}
    if not isinstance(changes, dict):
        changes = {}
    if ev.action == "baseline":
        what = "baseline: " + ", ".join(plain(str(k)) for k in changes)
    else:
        what = f"{plain(ev.action)} a change"
    extra = f" — “{plain(cut(ev.note, 200))}”" if ev.note else ""
    return f"{ev.at:%Y-%m-%d %H:%M UTC} {person(ev.actor_id)} {what}{extra}"


def _baseline(base: ScopeBaseline) -> list[Element]:
    return [block(f"**{label}**\n\n{plain(cut(value, 1500))}") for label, value in
            (("In scope", base.in_scope), ("Out of scope", base.out_scope), ("Assumptions", base.assumptions))
            if value]


@render.register
def _card(view: ScopeCard) -> list[Activity]:
    p = view.project
    body: list[Element] = [heading(f"Scope of {plain(cut(p.name, 80))}")]
    if view.baseline is None:
        flag = f"⚠️ {figures.NO_BASELINE}" if p.deadline else "No scope baseline yet."
        body.append(block(f"{flag} Managers set it with scope set project=\"{plain(p.name)}\" days=N"))
    else:
        body.append(block(f"**{plain(view.creep or '')}**"))
        body += _baseline(view.baseline)
    body.append(block(f"**Change requests** ({view.total}, {view.pending} pending)", separator=True))
    rows = [block(change_line(c), spacing="Small") for c in view.changes]
    body += take(rows, MAX_ACTIVITY // 2, lambda n: f"…and {n} older", total=view.total) or [block("none")]
    if view.events:
        body.append(block("**History** (newest first)", separator=True))
        body += take([block(_event_line(e), spacing="None") for e in view.events], MAX_ACTIVITY // 5,
                     lambda n: f"…and {n} more")
    return card_message(body, summary=f"Scope of {raw(cut(p.name, 80))}: {raw(view.creep or figures.NO_BASELINE)}")


@render.register
def _baseline_set(view: BaselineSet) -> list[Activity]:
    what = "Set" if view.created else "Changed"
    text = f"{what} the scope baseline of {plain(cut(view.project.name, 80))}"
    body = [block(f"📐 {text} ({plain(', '.join(view.changes))})")]
    if view.creep:
        body.append(block(f"**{plain(view.creep)}**"))
    return card_message(body, summary=f"{what} the scope baseline of {raw(cut(view.project.name, 80))}")


@render.register
def _logged(view: ChangeLogged) -> list[Activity]:
    told = (f"Sent to {people(view.managers)} to approve or reject." if view.managers else
            f"No manager of this project to send it to: ask one to run scope approve {cid(view.change)}.")
    body = [block(f"📝 Logged change request on **{plain(cut(view.project.name, 80))}**"),
            block(change_line(view.change)), note(told)]
    return card_message(body, summary=f"Logged change request {cid(view.change)}")


def decide_actions(change: ScopeChange) -> Element:
    data = {ids.D_CHANGE: change.number}
    return action_set(execute("Approve", ids.SCOPE_APPROVE, data, style="positive", inputs="none"),
                      execute("Reject", ids.SCOPE_REJECT, data, style="destructive", inputs="none"))


@render.register
def _alert(view: ChangeAlert) -> list[Activity]:
    c = view.change
    body = [block(f"📝 **Change request on {plain(cut(view.project.name, 80))}** to decide"),
            block(change_line(c)), decide_actions(c),
            note(f"Or scope approve {cid(c)} [NOTE] · scope reject {cid(c)} [NOTE]")]
    return card_message(body, summary=f"Change request {cid(c)} to decide: {raw(cut(c.title, 120))}")


@render.register
def _decided(view: ChangeDecided) -> list[Activity]:
    c = view.change
    body = [block(f"{STATUS_ICON[c.status]} {c.status.capitalize()} **{cid(c)}** on "
                  f"{plain(cut(view.project.name, 80))}: {plain(cut(c.title, 200))} (by {person(c.decided_by)})")]
    if c.decision_note:
        body.append(note(f"Note: {plain(cut(c.decision_note, 1500))}"))
    if view.creep:
        body.append(block(f"**{plain(view.creep)}**"))
    return card_message(body, summary=f"{c.status.capitalize()} {cid(c)}")


@render.register
def _notice(view: DecisionNotice) -> list[Activity]:
    c = view.change
    body = [block(f"{STATUS_ICON[c.status]} Your change request **{cid(c)}** on "
                  f"{plain(cut(view.project.name, 80))} was {c.status} by {person(c.decided_by)}: "
                  f"{plain(cut(c.title, 200))}")]
    if c.decision_note:
        body.append(note(f"Note: {plain(cut(c.decision_note, 1500))}"))
    return card_message(body, summary=f"Your change request {cid(c)} was {c.status}")


@render.register
def _project_scope(view: ProjectScope) -> list[Activity]:
    return card_message([heading(plain(cut(view.name, 80))), facts(lines.facts(view))],
                        summary=f"{raw(cut(view.name, 80))}: scope and targets")


@render.register
def _project_updated(view: ProjectUpdated) -> list[Activity]:
    bits = []
    for k, (old, new) in view.changes.items():
        if k == "channel":
            bits.append(f"channel {place(old) if old else '–'} → {place(new)}")
        elif isinstance(new, float):
            bits.append(f"{k} {'–' if old is None else f'{old:,.0f}'} → {new:,.0f}")
        else:
            bits.append(f"{k} {'–' if old is None else plain(cut(str(old), 200))} → {plain(cut(str(new), 200))}")
    return card_message([block(f"✏️ Updated project **{plain(cut(view.project.name, 80))}**: " + "; ".join(bits))],
                        summary=f"Updated project {raw(cut(view.project.name, 80))}")


# ---- the forms --------------------------------------------------------------------------------------

def baseline_form(project: Project, base: ScopeBaseline | None) -> list[Activity]:
    """The baseline form of `project` (what `scope set project=NAME` alone answers with)."""
    days = figures.days(base.days) if base and base.days is not None else None
    body: list[Element] = [
        heading(f"Scope baseline of {plain(cut(project.name, 80))}"),
        text_input(ids.I_DAYS, "Estimate (person-days)", value=days, max_length=12),
        text_input(ids.I_IN_SCOPE, "In scope", value=raw(base.in_scope if base else None), multiline=True,
                   max_length=MAX_TEXT),
        text_input(ids.I_OUT_SCOPE, "Out of scope", value=raw(base.out_scope if base else None), multiline=True,
                   max_length=MAX_TEXT),
        text_input(ids.I_ASSUMPTIONS, "Assumptions", value=raw(base.assumptions if base else None), multiline=True,
                   max_length=MAX_TEXT),
    ]
    return card_message(body, [execute("Save", ids.SCOPE_BASELINE_SUBMIT, {ids.D_PROJECT: project.id})],
                        summary=f"Scope baseline of {raw(cut(project.name, 80))}")


def change_form(projects: Sequence[tuple[int, str]], prefill: dict[str, Any] | None = None) -> list[Activity]:
    """The change request form: `prefill` may give title, project_id, days and cost, and `source`."""
    from handlers.teams.render.risks import project_input

    pre = prefill or {}
    body: list[Element] = [
        heading("Change request"),
        text_input(ids.I_TITLE, "Change", value=raw(pre.get("title")), max_length=MAX_TITLE, required=True),
        project_input(projects, pre.get("project_id")),
        text_input(ids.I_DAYS, "Person-days (negative takes away)",
                   value=str(pre["days"]) if pre.get("days") is not None else None, max_length=12),
        text_input(ids.I_COST, "Cost", max_length=20),
    ]
    data = {ids.D_SOURCE: pre["source"]} if pre.get("source") in ("standup", "checkin") else {}
    return card_message(body, [execute("Log change", ids.SCOPE_CHANGE_SUBMIT, data)], summary="Change request")
