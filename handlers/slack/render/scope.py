"""Block Kit for scope before commitment (`bot.scope.views`): the scope card, the answers, the
managers' DM with Approve / Reject, the requester's notice, the baseline and change forms, and the
answer to `/project update`."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

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
from handlers.slack import ids
from handlers.slack.render import Message, render, scope_lines
from handlers.slack.render.common import (
    Block,
    actions,
    button,
    context,
    divider,
    header,
    message,
    plain,
    safe,
    section,
    truncate,
)
from storage.models import Project
from storage.models_scope import ScopeBaseline, ScopeChange, ScopeEvent

STATUS_ICON = {"pending": ":hourglass_flowing_sand:", "approved": ":white_check_mark:", "rejected": ":x:"}
CARD_LINES = 2800  # characters of change requests or history in one section


def cid(change: ScopeChange) -> str:
    return f"C-{change.number}"


def _amounts(change: ScopeChange) -> str:
    bits = []
    if change.days is not None:
        bits.append(f"{figures.signed(change.days)} d")
    if change.cost is not None:
        bits.append(f"cost {change.cost:,.0f}")
    return ", ".join(bits)


def change_line(change: ScopeChange) -> str:
    amounts = _amounts(change)
    return (f"{STATUS_ICON.get(change.status, '')} *{cid(change)}* {safe(change.title, 300)}"
            + (f" ({amounts})" if amounts else "") + f" — _{change.status}_ · asked by <@{change.requested_by}>")


def _fit(lines: Sequence[str], limit: int = CARD_LINES) -> tuple[list[str], int]:
    shown: list[str] = []
    size = 0
    for ln in lines:
        if size + len(ln) + 1 > limit:
            break
        shown.append(ln)
        size += len(ln) + 1
    return shown, len(lines) - len(shown)


def _event_line(ev: ScopeEvent) -> str:
    try:
        changes = json.loads(ev.changes or "{}")
    except ValueError:
        changes = {}
    when = ev.at.strftime("%Y-%m-%d %H:%M UTC")
    if ev.action == "baseline":
        what = "baseline: " + ", ".join(
            f"{safe(k)} {'–' if old is None else safe(str(old), 80)} → {'–' if new is None else safe(str(new), 80)}"
            if k == "days" else f"{safe(k)} changed" for k, (old, new) in changes.items())
    else:
        title = changes.get("title", [None, None])[1]
        what = f"{safe(ev.action)} a change" + (f" “{safe(str(title), 120)}”" if title else "")
    note = f" — “{safe(ev.note, 200)}”" if ev.note else ""
    return f"• {when} <@{ev.actor_id}> {what}{note}"


def _baseline_text(base: ScopeBaseline) -> list[str]:
    out = []
    for label, value in (("In scope", base.in_scope), ("Out of scope", base.out_scope),
                         ("Assumptions", base.assumptions)):
        if value:
            out.append(f"*{label}*\n{safe(value, 900)}")
    return out


def card(view: ScopeCard) -> dict[str, Any]:
    p = view.project
    blocks: list[Block] = [header(f"Scope of {p.name}")]
    if view.baseline is None:
        flag = f":warning: {figures.NO_BASELINE}" if p.deadline else "No scope baseline yet."
        blocks.append(section(f"{flag} Managers set it with `/scope set project=\"{safe(p.name)}\" days=N "
                              "in=\"…\" out=\"…\"`."))
    else:
        blocks.append(section(f"*{safe(view.creep or '')}*"))
        blocks += [section(t) for t in _baseline_text(view.baseline)]
        blocks.append(context(f"Baseline last changed by <@{view.baseline.updated_by}> on "
                              f"{view.baseline.updated_at:%Y-%m-%d}"))
    blocks.append(divider())
    if view.changes:
        shown, more = _fit([change_line(c) for c in view.changes])
        more += view.total - len(view.changes)
        text = f"*Change requests* ({view.total}, {view.pending} pending)\n" + "\n".join(shown)
        if more:
            text += f"\n_…and {more} older_"
        blocks.append(section(text))
    else:
        blocks.append(section("*Change requests*\nnone — log one with `/scope change project=NAME TITLE days=N`"))
    if view.events:
        shown, more = _fit([_event_line(e) for e in view.events], 2000)
        blocks.append(context("*History* (newest first)\n" + "\n".join(shown)
                              + (f"\n…and {more} more" if more else "")))
    return message(f"Scope of {safe(p.name)}: {safe(view.creep or figures.NO_BASELINE)}", blocks)


def baseline_set(view: BaselineSet) -> dict[str, Any]:
    what = "Set" if view.created else "Changed"
    changed = ", ".join(view.changes)
    text = f"{what} the scope baseline of {safe(view.project.name)}"
    return message(text, [
        section(f":triangular_ruler: {text} ({safe(changed)})" + (f"\n*{safe(view.creep)}*" if view.creep else "")),
        context(f"`/scope {safe(view.project.name)}` shows it with its change requests and history."),
    ])


def logged(view: ChangeLogged) -> dict[str, Any]:
    c = view.change
    told = (f"Sent to {', '.join(f'<@{m}>' for m in view.managers[:10])} to approve or reject."
            if view.managers else "No manager of this project to send it to: ask one to run "
                                  f"`/scope approve {cid(c)}`.")
    return message(f"Logged change request {cid(c)} on {safe(view.project.name)}: {safe(c.title, 300)}", [
        section(f":memo: Logged change request on *{safe(view.project.name)}*\n{change_line(c)}"),
        context(told),
    ])


def decide_buttons(change: ScopeChange) -> Block:
    value = json.dumps({"c": change.number})
    return actions(button("Approve", ids.SCOPE_APPROVE, value, style="primary"),
                   button("Reject", ids.SCOPE_REJECT, value, style="danger"), block_id=ids.B_SCOPE_DECIDE)


def alert(view: ChangeAlert) -> dict[str, Any]:
    c = view.change
    return message(f"Change request {cid(c)} on {safe(view.project.name)} to decide: {safe(c.title, 300)}", [
        section(f":memo: *Change request on {safe(view.project.name)}* to decide\n{change_line(c)}"),
        decide_buttons(c),
        context(f"Or `/scope approve {cid(c)} [NOTE]` · `/scope reject {cid(c)} [NOTE]` · "
                f"`/scope {safe(view.project.name)}`"),
    ])


def decided(view: ChangeDecided) -> dict[str, Any]:
    c = view.change
    note = f"\n_Note: {safe(c.decision_note, 1500)}_" if c.decision_note else ""
    creep = f"\n*{safe(view.creep)}*" if view.creep else ""
    text = f"{c.status.capitalize()} {cid(c)} on {safe(view.project.name)}: {safe(c.title, 300)}"
    return message(text, [section(f"{STATUS_ICON[c.status]} {text} (by <@{c.decided_by}>){note}{creep}")])


def notice(view: DecisionNotice) -> dict[str, Any]:
    c = view.change
    note = f"\n_Note: {safe(c.decision_note, 1500)}_" if c.decision_note else ""
    text = f"Your change request {cid(c)} on {safe(view.project.name)} was {c.status}"
    return message(text, [section(f"{STATUS_ICON[c.status]} {text} by <@{c.decided_by}>: "
                                  f"{safe(c.title, 300)}{note}")])


def project_updated(view: ProjectUpdated) -> dict[str, Any]:
    p = view.project
    bits = []
    for k, (old, new) in view.changes.items():
        if k == "channel":
            bits.append(f"channel {f'<#{old}>' if old else '–'} → <#{new}>")
        elif isinstance(new, float):
            bits.append(f"{k} {'–' if old is None else f'{old:,.0f}'} → {new:,.0f}")
        else:
            bits.append(f"{k} {'–' if old is None else safe(str(old), 200)} → {safe(str(new), 200)}")
    text = f"Updated project {safe(p.name)}"
    return message(text, [section(f":pencil2: {text}: " + "; ".join(bits))])


# ---- the forms -------------------------------------------------------------------------------------

def _input(block_id: str, label: str, element: Block, optional: bool = True, hint: str | None = None) -> Block:
    b: Block = {"type": "input", "block_id": block_id, "label": plain(label), "element": element,
                "optional": optional}
    if hint:
        b["hint"] = plain(hint)
    return b


def _text(action_id: str, *, multiline: bool = False, max_length: int = 3000, initial: Any = None) -> Block:
    e: Block = {"type": "plain_text_input", "action_id": action_id, "multiline": multiline, "max_length": max_length}
    if initial not in (None, ""):
        e["initial_value"] = truncate(str(initial), max_length)
    return e


def _project_select(projects: Sequence[tuple[int, str]], initial_id: int | None) -> Block:
    from handlers.slack.render.risks import project_element

    return project_element(projects, initial_id)[0]


def baseline_modal(project: Project, base: ScopeBaseline | None, metadata: dict[str, Any]) -> Block:
    days = figures.days(base.days) if base and base.days is not None else None
    blocks = [
        section(f"*{safe(project.name)}*: the estimate and the scope agreed before the work is committed."),
        _input(ids.B_DAYS, "Estimate (person-days)", _text(ids.B_DAYS, max_length=12, initial=days)),
        _input(ids.B_IN_SCOPE, "In scope", _text(ids.B_IN_SCOPE, multiline=True,
                                                 initial=base.in_scope if base else None)),
        _input(ids.B_OUT_SCOPE, "Out of scope", _text(ids.B_OUT_SCOPE, multiline=True,
                                                      initial=base.out_scope if base else None)),
        _input(ids.B_ASSUMPTIONS, "Assumptions", _text(ids.B_ASSUMPTIONS, multiline=True,
                                                       initial=base.assumptions if base else None)),
    ]
    return {"type": "modal", "callback_id": ids.SCOPE_BASELINE_MODAL, "title": plain("Scope baseline"),
            "submit": plain("Save"), "close": plain("Cancel"), "blocks": blocks,
            "private_metadata": json.dumps({**metadata, "project_id": project.id})[:3000]}


def change_modal(projects: Sequence[tuple[int, str]], metadata: dict[str, Any],
                 prefill: dict[str, Any] | None = None) -> Block:
    pre = prefill or {}
    blocks: list[Block] = [
        _input(ids.B_TITLE, "Change", _text(ids.B_TITLE, max_length=200, initial=pre.get("title")), optional=False),
        _input(ids.B_PROJECT, "Project", _project_select(projects, pre.get("project_id")), optional=False),
        _input(ids.B_DAYS, "Person-days", _text(ids.B_DAYS, max_length=12, initial=pre.get("days")),
               hint="What it adds (or, negative, takes away)"),
        _input(ids.B_COST, "Cost", _text(ids.B_COST, max_length=20, initial=pre.get("cost"))),
    ]
    return {"type": "modal", "callback_id": ids.SCOPE_CHANGE_MODAL, "title": plain("Change request"),
            "submit": plain("Log change"), "close": plain("Cancel"), "blocks": blocks,
            "private_metadata": json.dumps(metadata)[:3000]}


# ---- the views, rendered ---------------------------------------------------------------------------

@render.register
def _card(view: ScopeCard) -> list[Message]:
    return [card(view)]


@render.register
def _baseline_set(view: BaselineSet) -> list[Message]:
    return [baseline_set(view)]


@render.register
def _logged(view: ChangeLogged) -> list[Message]:
    return [logged(view)]


@render.register
def _alert(view: ChangeAlert) -> list[Message]:
    return [alert(view)]


@render.register
def _decided(view: ChangeDecided) -> list[Message]:
    return [decided(view)]


@render.register
def _notice(view: DecisionNotice) -> list[Message]:
    return [notice(view)]


@render.register
def _project_updated(view: ProjectUpdated) -> list[Message]:
    return [project_updated(view)]


@render.register
def _project_scope(view: ProjectScope) -> list[Message]:
    return [message(f"{safe(view.name)}: {safe(scope_lines.scope_text(view))}",
                    [section(f"*{safe(view.name)}*\n{scope_lines.scope_text(view)}\n{scope_lines.target_text(view)}")])]
