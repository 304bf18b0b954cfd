"""The risk register's views as text."""

from __future__ import annotations

import json

from bot.risks.bands import band
from bot.risks.views import RiskAdded, RiskAnnouncement, RiskClosed, RiskDetail, RiskList, RiskUpdated
from handlers.console.render import Choice, choices, render, risk_id
from handlers.console.render.common import cut, person
from handlers.console.text import show
from storage.models import Project, Risk


def line(r: Risk, project_name: str | None = None) -> str:
    where = f" · {project_name}" if project_name else ""
    owner = f" · owner {person(r.owner_id)}" if r.owner_id else ""
    review = f" · review {r.review_date.isoformat()}" if r.review_date else ""
    return (f"{risk_id(r.number)} {cut(r.title, 120)} — {band(r.score)} {r.score} "
            f"(p{r.probability}×i{r.impact}) · {r.status}{where}{owner}{review}")


def facts(r: Risk, project: Project | None) -> list[str]:
    out = [line(r, project.name if project else None)]
    for label, value in (("Description", r.description), ("Mitigation", r.mitigation),
                         ("Contingency", r.contingency)):
        if value:
            out.append(f"  {label}: {show(value)}")
    return out


@render.register
def _added(view: RiskAdded) -> list[str]:
    out = [f"Logged {risk_id(view.risk.number)}.", *facts(view.risk, view.project)]
    if view.assumed:
        named = " and ".join({"p": "probability", "i": "impact"}.get(a, a) for a in view.assumed)
        out.append(f"  ({named} not given: taken as 3; change with `/risk update {risk_id(view.risk.number)}`)")
    for other in view.similar:
        out.append(f"  Much like open risk {risk_id(other.number)} {cut(other.title, 120)}")
    return out


@render.register
def _announced(view: RiskAnnouncement) -> list[str]:
    return [f"{show(view.reason)}: {line(view.risk, view.project.name)} — by {person(view.actor_id)}"]


@render.register
def _list(view: RiskList) -> list[str]:
    scope = f" of {view.project.name}" if view.project else ""
    kind = "Risks" if view.include_closed else "Open risks"
    if not view.rows:
        return [f"No {kind.lower()}{scope}. Log one with `/risk add TITLE`."]
    out = [f"{kind}{scope}: {view.total} (page {view.page} of {view.pages})"]
    out += [f"  {line(r, view.project_names.get(r.project_id) if r.project_id else None)}" for r in view.rows]
    return out


@choices.register
def _list_choices(view: RiskList) -> list[Choice]:
    state = {"p": view.project.id if view.project else None, "a": view.include_closed}
    out = []
    if view.page > 1:
        out.append(Choice("Previous page", "risks.page", {**state, "page": view.page - 1}))
    if view.page < view.pages:
        out.append(Choice("Next page", "risks.page", {**state, "page": view.page + 1}))
    return out


@render.register
def _detail(view: RiskDetail) -> list[str]:
    out = facts(view.risk, view.project)
    if view.events:
        out.append("  History:")
    for e in view.events:
        try:
            changes = json.loads(e.changes or "{}")
        except ValueError:
            changes = {}
        what = ", ".join(f"{k} {v[0]}→{v[1]}" if isinstance(v, list) and len(v) == 2 else k
                         for k, v in changes.items()) if isinstance(changes, dict) else ""
        note = f" — {cut(e.note, 200)}" if e.note else ""
        out.append(f"    {e.at:%Y-%m-%d %H:%M} {e.action} by {person(e.actor_id)}"
                   f"{': ' + what if what else ''}{note}")
    return out


@render.register
def _updated(view: RiskUpdated) -> list[str]:
    if not view.changes:
        return [f"Nothing changed on {risk_id(view.risk.number)}.", line(view.risk)]
    changed = "; ".join(f"{label}: {show(str(v[0]))} → {show(str(v[1]))}" if isinstance(v, list) and len(v) == 2
                        else f"{label}: {show(str(v))}" for label, v in view.changes.items())
    return [f"Updated {risk_id(view.risk.number)}: {changed}", line(view.risk)]


@render.register
def _closed(view: RiskClosed) -> list[str]:
    note = f" — {show(view.note)}" if view.note else ""
    return [f"Closed {risk_id(view.risk.number)} {cut(view.risk.title, 120)}{note}"]
