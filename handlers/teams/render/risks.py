"""Adaptive Cards for the risk register: its views (`bot.risks.views`) and the risk form (what
Slack shows as a modal, here a card answering `risk` alone)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.risks.bands import band
from bot.risks.grammar import MAX_TEXT, MAX_TITLE
from bot.risks.views import RiskAdded, RiskAnnouncement, RiskClosed, RiskDetail, RiskList, RiskUpdated
from handlers.teams import ids
from handlers.teams.render import Activity, render
from handlers.teams.render.cards import (
    BAND_ICON,
    MAX_ACTIVITY,
    MAX_CHOICES,
    Element,
    action_set,
    block,
    card_message,
    choice_set,
    cut,
    date_input,
    execute,
    facts,
    heading,
    note,
    pager,
    people_picker,
    person,
    take,
    text_input,
)
from handlers.teams.text import plain, raw
from storage.models import Risk, RiskEvent

PROBABILITY = {1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain"}
IMPACT = {1: "Negligible", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Severe"}
LIST_BUDGET = MAX_ACTIVITY - 3000  # room for the heading, the note and the pager


def rid(risk: Risk) -> str:
    return f"R-{risk.number}"


def score_text(risk: Risk) -> str:
    b = band(risk.score)
    return f"{BAND_ICON[b]} score {risk.score} ({b})"


def line(risk: Risk, project_name: str | None = None) -> str:
    """A risk in two lines of card markdown: id, score and title; its facts."""
    meta = [f"P{risk.probability}×I{risk.impact}"]
    if project_name:
        meta.append(f"project **{plain(cut(project_name, 80))}**")
    if risk.owner_id:
        meta.append(f"owner {person(risk.owner_id)}")
    if risk.review_date:
        meta.append(f"review {risk.review_date.isoformat()}")
    if risk.status != "open":
        meta.append(f"_{risk.status}_")
    return f"**{rid(risk)}** {score_text(risk)} — {plain(cut(risk.title, 300))}\n\n" + " · ".join(meta)


def _summary(risk: Risk) -> str:
    return f"{rid(risk)} {raw(cut(risk.title, 120))} — score {risk.score} ({band(risk.score)})"


@render.register
def _added(view: RiskAdded) -> list[Activity]:
    r = view.risk
    body = [block(f"✅ Logged {line(r, view.project.name if view.project else None)}")]
    if view.assumed:
        body.append(note(f"I assumed {' and '.join(f'{a}=3' for a in view.assumed)}; change it with "
                         f"risk update {rid(r)} p=… i=…"))
    body += similar_elements(r, view.similar)
    return card_message(body, summary=f"Logged {_summary(r)}")


def similar_elements(risk: Risk, similar: Sequence[Risk]) -> list[Element]:
    """The open risks much like a new one, each with a button that closes the new one as its duplicate."""
    if not similar:
        return []
    out: list[Element] = [block("🔎 **Much like open risk" + ("s" if len(similar) > 1 else "") + " on the same "
                                "project** — if it is the same risk, close the new one as a duplicate:",
                                separator=True)]
    for other in similar[:5]:
        out.append(block(f"**{rid(other)}** {plain(cut(other.title, 300))}"))
        out.append(action_set(execute(f"Close {rid(risk)} as duplicate of {rid(other)}", ids.RISK_DUPLICATE,
                                      {ids.D_NUMBER: risk.number, ids.D_OF: other.number}, inputs="none")))
    return out


@render.register
def _announcement(view: RiskAnnouncement) -> list[Activity]:
    r, b = view.risk, band(view.risk.score)
    body = [block(f"{BAND_ICON[b]} **{plain(view.reason)} on {plain(cut(view.project.name, 80))}** ({b})",
                  weight="Bolder"),
            block(line(r, view.project.name)),
            note(f"Logged by {person(view.actor_id)} · risk show {rid(r)} for details")]
    return card_message(body, summary=f"{raw(view.reason)}: {_summary(r)}")


@render.register
def _listing(view: RiskList) -> list[Activity]:
    what = "Risks" if view.include_closed else "Open risks"
    where = f" on {plain(cut(view.project.name, 80))}" if view.project else ""
    if not view.rows:
        hint = "" if view.include_closed else " (risk list all includes closed ones)"
        return card_message([block(f"No {what.lower()}{where}{hint}. Log one with risk add TITLE p=… i=…")],
                            summary=f"No {what.lower()}")
    rows = [block(line(r, view.project_names.get(r.project_id or 0)), separator=True) for r in view.rows]
    body: list[Element] = [heading(f"{what}{where} ({view.total})"),
                           note(f"By score, highest first · page {view.page} of {view.pages}")]
    body += take(rows, LIST_BUDGET, lambda n: f"…and {n} more on this page: risk show R-N for one")
    nav = pager(ids.RISK_PAGE, view.page, view.pages,
                {ids.D_PROJECT: view.project.id if view.project else None, ids.D_ALL: view.include_closed})
    if nav:
        body.append(action_set(*nav))
    return card_message(body, summary=f"{what}: {view.total} (page {view.page} of {view.pages})")


def _history_line(ev: RiskEvent) -> str:
    when = ev.at.strftime("%Y-%m-%d %H:%M UTC")
    try:
        changes = json.loads(ev.changes or "{}")
    except ValueError:
        changes = {}
    if not isinstance(changes, dict):
        changes = {}
    if ev.action == "created":
        what = "logged it"
    elif ev.action == "closed" and list(changes) == ["status"]:
        what = "closed it"
    else:
        parts = []
        for k, change in changes.items():
            old, new = change if isinstance(change, list) and len(change) == 2 else (None, change)
            if k in ("description", "mitigation", "contingency"):
                parts.append(f"{plain(k)} changed")
            elif k == "owner":
                parts.append(f"owner {person(old)} → {person(new)}")
            else:
                shown_old = plain(cut(str(old), 200)) if old is not None else "–"
                parts.append(f"{plain(k)} {shown_old} → {plain(cut(str(new), 200))}")
        what = ", ".join(parts) or plain(ev.action)
    extra = f" — “{plain(cut(ev.note, 300))}”" if ev.note else ""
    return f"{when} {person(ev.actor_id)} {what}{extra}"


@render.register
def _card(view: RiskDetail) -> list[Activity]:
    r, b = view.risk, band(view.risk.score)
    body: list[Element] = [
        heading(f"{rid(r)} {plain(cut(r.title, 300))}"),
        facts([("Score", f"{BAND_ICON[b]} {r.score} ({b})"),
               ("Probability × impact", f"{r.probability} {PROBABILITY.get(r.probability, '')} × "
                                        f"{r.impact} {IMPACT.get(r.impact, '')}"),
               ("Status", r.status), ("Owner", person(r.owner_id)),
               ("Project", plain(cut(view.project.name, 80)) if view.project else "–"),
               ("Next review", r.review_date.isoformat() if r.review_date else "–")]),
    ]
    for label, value in (("Description", r.description), ("Mitigation", r.mitigation),
                         ("Contingency", r.contingency)):
        if value:
            body.append(block(f"**{label}**\n\n{plain(cut(value, 3000))}"))
    body.append(block("**History**", separator=True))
    lines = [block(_history_line(e), spacing="Small") for e in reversed(view.events)]  # newest first
    budget = MAX_ACTIVITY - 2000 - sum(len(json.dumps(x)) for x in body)
    body += take(lines, budget, lambda n: f"…and {n} earlier change{'s' if n > 1 else ''}") or [block("–")]
    return card_message(body, summary=f"{_summary(r)}, {r.status}")


@render.register
def _updated(view: RiskUpdated) -> list[Activity]:
    what = ", ".join(view.changes)
    return card_message([block(f"✏️ Updated {line(view.risk)}"), note(f"Changed: {plain(what) or 'nothing'}")],
                        summary=f"Updated {_summary(view.risk)}")


@render.register
def _closed(view: RiskClosed) -> list[Activity]:
    r = view.risk
    body = [block(f"✅ Closed **{rid(r)}** — {plain(cut(r.title, 300))}")]
    if view.note:
        body.append(note(f"Note: {plain(cut(view.note, 2000))}"))
    return card_message(body, summary=f"Closed {rid(r)}: {raw(cut(r.title, 120))}")


# ---- the form ---------------------------------------------------------------------------------------

def level(input_id: str, label: str, names: dict[int, str], initial: int) -> Element:
    return choice_set(input_id, label, [(f"{n} – {names[n]}", str(n)) for n in range(1, 6)],
                      value=str(initial if initial in names else 3), required=True)


def project_input(projects: Sequence[tuple[int, str]], initial_id: int | None = None) -> Element:
    """A choice of the projects; past `MAX_CHOICES` of them, a text field for the name."""
    if len(projects) > MAX_CHOICES:
        return text_input(ids.I_PROJECT_NAME, "Project", placeholder="Project name", max_length=80)
    return choice_set(ids.I_PROJECT, "Project", [(raw(name), str(pid)) for pid, name in projects],
                      value=str(initial_id) if initial_id is not None else None, placeholder="No project")


def risk_form(projects: Sequence[tuple[int, str]], prefill: dict[str, Any] | None = None) -> list[Activity]:
    """The form that logs a risk (`Modal(prefill)` of `risk`): `prefill` may give title,
    description, project_id, probability, impact, owner_id (an aadObjectId) and mitigation."""
    pre = prefill or {}
    body: list[Element] = [
        heading("Log a risk"),
        text_input(ids.I_TITLE, "Title", value=raw(pre.get("title")), placeholder="What could go wrong?",
                   max_length=MAX_TITLE, required=True),
        text_input(ids.I_DESCRIPTION, "Description", value=raw(pre.get("description")), multiline=True,
                   max_length=MAX_TEXT),
    ]
    if projects:
        body.append(project_input(projects, pre.get("project_id")))
    body += [
        level(ids.I_PROBABILITY, "Probability", PROBABILITY, int(pre.get("probability") or 3)),
        level(ids.I_IMPACT, "Impact", IMPACT, int(pre.get("impact") or 3)),
        people_picker(ids.I_OWNER, "Owner", pre.get("owner_id")),
        text_input(ids.I_MITIGATION, "Mitigation", value=raw(pre.get("mitigation")), multiline=True,
                   max_length=MAX_TEXT, placeholder="What we do now to make it less likely or less harmful"),
        text_input(ids.I_CONTINGENCY, "Contingency", multiline=True, max_length=MAX_TEXT,
                   placeholder="What we do if it happens"),
        date_input(ids.I_REVIEW, "Next review"),
    ]
    return card_message(body, [execute("Log risk", ids.RISK_SUBMIT, style="positive")], summary="Log a risk")
