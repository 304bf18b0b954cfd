"""Block Kit for the risk register: its views (`bot.risks.views`) as replies, cards and lists, and the modal."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.risks.bands import band
from bot.risks.views import RiskAdded, RiskAnnouncement, RiskClosed, RiskDetail, RiskList, RiskUpdated
from handlers.slack import ids
from handlers.slack.render import Message, render
from handlers.slack.render.common import (
    Block,
    button,
    context,
    divider,
    header,
    message,
    option,
    pager,
    plain,
    safe,
    section,
    truncate,
)
from storage.models import Project, Risk, RiskEvent

BAND_ICON = {"Low": ":large_green_circle:", "Medium": ":large_yellow_circle:",
             "High": ":large_orange_circle:", "Critical": ":red_circle:"}
PROBABILITY = {1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain"}
IMPACT = {1: "Negligible", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Severe"}


def rid(risk: Risk) -> str:
    return f"R-{risk.number}"


def score_text(risk: Risk) -> str:
    b = band(risk.score)
    return f"{BAND_ICON[b]} score {risk.score} ({b})"


def line(risk: Risk, project_name: str | None = None) -> str:
    bits = [f"*{rid(risk)}* {score_text(risk)} — {safe(risk.title, 600)}"]
    meta = [f"P{risk.probability}×I{risk.impact}"]
    if project_name:
        meta.append(f"project *{safe(project_name)}*")
    if risk.owner_id:
        meta.append(f"owner <@{risk.owner_id}>")
    if risk.review_date:
        meta.append(f"review {risk.review_date.isoformat()}")
    if risk.status != "open":
        meta.append(f"_{risk.status}_")
    return bits[0] + "\n" + " · ".join(meta)


def added(risk: Risk, project: Project | None, assumed: Sequence[str]) -> dict[str, Any]:
    text = f"Logged {rid(risk)}: {safe(risk.title, 600)} — score {risk.score} ({band(risk.score)})"
    blocks = [section(f":white_check_mark: Logged {line(risk, project.name if project else None)}")]
    if assumed:
        blocks.append(context(
            f"I assumed {' and '.join(f'{a}=3' for a in assumed)}; change it with "
            f"`/risk update {rid(risk)} p=… i=…`."))
    return message(text, blocks)


def announcement(risk: Risk, project: Project, actor_id: str, reason: str) -> dict[str, Any]:
    b = band(risk.score)
    text = f"{reason} on {safe(project.name)}: {rid(risk)} {safe(risk.title, 600)} — score {risk.score} ({b})"
    return message(text, [
        section(f"{BAND_ICON[b]} *{reason} on {safe(project.name)}* ({b})\n{line(risk, project.name)}"),
        context(f"Logged by <@{actor_id}> · `/risk show {rid(risk)}` for details"),
    ])


def listing(rows: Sequence[Risk], project_names: dict[int, str], *, total: int, page: int, pages: int,
            project: Project | None, include_closed: bool) -> dict[str, Any]:
    what = "Risks" if include_closed else "Open risks"
    where = f" on {project.name}" if project else ""
    if not rows:
        hint = "" if include_closed else " (`/risk list all` includes closed ones)"
        return message(f"No {what.lower()}{safe(where)}.", [section(f"No {what.lower()}{safe(where)}{hint}. "
                                                                "Log one with `/risk add TITLE p=… i=…`.")])
    blocks: list[Block] = [
        header(truncate(f"{what}{where} ({total})", 150)),
        context(f"By score, highest first · page {page} of {pages}"),
    ]
    for r in rows:
        blocks.append(section(line(r, project_names.get(r.project_id or 0))))
    nav = pager(ids.RISK_PAGE, page, pages, {"p": project.id if project else None, "a": include_closed})
    if nav:
        blocks.append(nav)
    text = f"{what}{safe(where)}: {total} (page {page} of {pages})\n" + "\n".join(
        f"{rid(r)} score {r.score} ({band(r.score)}) {safe(r.title, 200)}" for r in rows)
    return message(text, blocks)


def _history_line(ev: RiskEvent) -> str:
    when = ev.at.strftime("%Y-%m-%d %H:%M UTC")
    try:
        changes = json.loads(ev.changes or "{}")
    except ValueError:
        changes = {}
    if ev.action == "created":
        what = "logged it"
    else:
        parts = []  # mrkdwn: people stay live mentions, everything typed is escaped
        for k, (old, new) in changes.items():
            if k in ("description", "mitigation", "contingency"):
                parts.append(f"{k} changed")
            elif k == "owner":
                parts.append(f"owner {f'<@{old}>' if old else '–'} → {f'<@{new}>' if new else '–'}")
            else:
                parts.append(f"{safe(k)} {safe(str(old), 300) if old is not None else '–'} → {safe(str(new), 300)}")
        what = ("closed it" if ev.action == "closed" and list(changes) == ["status"]
                else ", ".join(parts) or safe(ev.action))
    note = f" — “{safe(ev.note, 300)}”" if ev.note else ""
    return f"• {when} <@{ev.actor_id}> {what}{note}"


def card(risk: Risk, project: Project | None, events: Sequence[RiskEvent]) -> dict[str, Any]:
    b = band(risk.score)
    fields = [
        f"*Score*\n{BAND_ICON[b]} {risk.score} ({b})",
        f"*Probability × impact*\n{risk.probability} {PROBABILITY[risk.probability]} × "
        f"{risk.impact} {IMPACT[risk.impact]}",
        f"*Status*\n{risk.status}",
        f"*Owner*\n{f'<@{risk.owner_id}>' if risk.owner_id else '–'}",
        f"*Project*\n{safe(project.name) if project else '–'}",
        f"*Next review*\n{risk.review_date.isoformat() if risk.review_date else '–'}",
    ]
    blocks: list[Block] = [
        header(f"{rid(risk)} {risk.title}"),
        {"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in fields]},
    ]
    for label, value in (("Description", risk.description), ("Mitigation", risk.mitigation),
                         ("Contingency", risk.contingency)):
        if value:
            blocks.append(section(f"*{label}*\n{safe(value, 2900)}"))
    blocks.append(divider())
    lines = [_history_line(e) for e in events]
    shown: list[str] = []
    size = 0
    for ln in reversed(lines):  # newest last, keep as many recent ones as fit in one section
        if size + len(ln) + 1 > 2800:
            break
        shown.insert(0, ln)
        size += len(ln) + 1
    more = len(lines) - len(shown)
    hist = "*History*\n" + ("\n".join(shown) or "–")
    if more:
        hist += f"\n_…and {more} earlier change{'s' if more > 1 else ''}_"
    blocks.append(section(hist))
    text = f"{rid(risk)} {safe(risk.title, 600)} — score {risk.score} ({b}), {risk.status}"
    return message(text, blocks)


def updated(risk: Risk, changes: dict[str, list[Any]]) -> dict[str, Any]:
    what = ", ".join(changes)
    text = f"Updated {rid(risk)} ({safe(what)}) — score {risk.score} ({band(risk.score)})"
    return message(text, [section(f":pencil2: Updated {line(risk)}\n_Changed: {safe(what)}_")])


def closed(risk: Risk, note: str | None) -> dict[str, Any]:
    text = f"Closed {rid(risk)}: {safe(risk.title, 600)}"
    extra = f"\n_Note: {safe(note, 2000)}_" if note else ""
    return message(text, [section(f":white_check_mark: Closed *{rid(risk)}* — {safe(risk.title)}{extra}")])


# ---- the views ----------------------------------------------------------------------

@render.register
def _added(view: RiskAdded) -> list[Message]:
    out = added(view.risk, view.project, view.assumed)
    if view.similar:
        out["blocks"] += similar_blocks(view.risk, view.similar)
    return [out]


def similar_blocks(risk: Risk, similar: Sequence[Risk]) -> list[Block]:
    """The open risks much like a new one, each with a button that closes the new one as its duplicate."""
    blocks: list[Block] = [section(":mag: *Much like open risk" + ("s" if len(similar) > 1 else "") + " on the same "
                                   "project* — if it is the same risk, close the new one as a duplicate:")]
    for other in similar[:5]:
        blocks.append(section(f"*{rid(other)}* {safe(other.title, 600)}", accessory=button(
            f"Close {rid(risk)} as duplicate of {rid(other)}", f"{ids.RISK_DUPLICATE}_{other.number}",
            json.dumps({"n": risk.number, "of": other.number}))))
    return blocks


@render.register
def _announcement(view: RiskAnnouncement) -> list[Message]:
    return [announcement(view.risk, view.project, view.actor_id, view.reason)]


@render.register
def _listing(view: RiskList) -> list[Message]:
    return [listing(view.rows, view.project_names, total=view.total, page=view.page, pages=view.pages,
                    project=view.project, include_closed=view.include_closed)]


@render.register
def _card(view: RiskDetail) -> list[Message]:
    return [card(view.risk, view.project, view.events)]


@render.register
def _updated(view: RiskUpdated) -> list[Message]:
    return [updated(view.risk, view.changes)]


@render.register
def _closed(view: RiskClosed) -> list[Message]:
    return [closed(view.risk, view.note)]


# ---- the modal -----------------------------------------------------------------------

def _input(block_id: str, label: str, element: Block, optional: bool = False, hint: str | None = None) -> Block:
    b: Block = {"type": "input", "block_id": block_id, "label": plain(label), "element": element,
                "optional": optional}
    if hint:
        b["hint"] = plain(hint)
    return b


def _text(action_id: str, *, multiline: bool = False, max_length: int = 3000, initial: str | None = None,
          placeholder: str | None = None) -> Block:
    e: Block = {"type": "plain_text_input", "action_id": action_id, "multiline": multiline,
                "max_length": max_length}
    if initial:
        e["initial_value"] = truncate(initial, max_length)
    if placeholder:
        e["placeholder"] = plain(placeholder)
    return e


def _level(action_id: str, names: dict[int, str], initial: int) -> Block:
    opts = [option(f"{n} – {names[n]}", str(n)) for n in range(1, 6)]
    return {"type": "static_select", "action_id": action_id, "options": opts,
            "initial_option": opts[initial - 1]}


def project_element(projects: Sequence[tuple[int, str]], initial_id: int | None = None) -> tuple[Block, bool]:
    """A select of projects (Slack allows 100 options); past that, a text field for the name."""
    if len(projects) > 100:
        return _text(ids.B_PROJECT, max_length=80, placeholder="Project name"), False
    opts = [option(name, str(pid)) for pid, name in projects]
    e: Block = {"type": "static_select", "action_id": ids.B_PROJECT, "options": opts,
                "placeholder": plain("Choose a project")}
    chosen = next((o for o in opts if o["value"] == str(initial_id)), None)
    if chosen:
        e["initial_option"] = chosen
    return e, True


def modal(projects: Sequence[tuple[int, str]], metadata: dict[str, Any],
          prefill: dict[str, Any] | None = None) -> Block:
    pre = prefill or {}
    blocks: list[Block] = [
        _input(ids.B_TITLE, "Title", _text(ids.B_TITLE, max_length=200, initial=pre.get("title"),
                                           placeholder="What could go wrong?")),
        _input(ids.B_DESCRIPTION, "Description", _text(ids.B_DESCRIPTION, multiline=True,
                                                       initial=pre.get("description")), optional=True),
    ]
    if projects:
        element, _ = project_element(projects, pre.get("project_id"))
        blocks.append(_input(ids.B_PROJECT, "Project", element, optional=True))
    blocks += [
        _input(ids.B_PROBABILITY, "Probability", _level(ids.B_PROBABILITY, PROBABILITY, pre.get("probability", 3))),
        _input(ids.B_IMPACT, "Impact", _level(ids.B_IMPACT, IMPACT, pre.get("impact", 3))),
        _input(ids.B_OWNER, "Owner", {"type": "users_select", "action_id": ids.B_OWNER,
                                      **({"initial_user": pre["owner_id"]} if pre.get("owner_id") else {})},
               optional=True),
        _input(ids.B_MITIGATION, "Mitigation", _text(ids.B_MITIGATION, multiline=True,
                                                     initial=pre.get("mitigation")), optional=True,
               hint="What we do now to make it less likely or less harmful"),
        _input(ids.B_CONTINGENCY, "Contingency", _text(ids.B_CONTINGENCY, multiline=True), optional=True,
               hint="What we do if it happens"),
        _input(ids.B_REVIEW, "Next review", {"type": "datepicker", "action_id": ids.B_REVIEW}, optional=True),
    ]
    return {
        "type": "modal", "callback_id": ids.RISK_MODAL, "title": plain("Log a risk"),
        "submit": plain("Log risk"), "close": plain("Cancel"), "blocks": blocks,
        "private_metadata": json.dumps(metadata)[:3000],
    }
