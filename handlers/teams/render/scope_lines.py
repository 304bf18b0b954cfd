"""A project's scope and target figures (`bot.scope.views.ProjectScope`) as card markdown, for the
project card, the summaries and the scope views."""

from __future__ import annotations

from bot.scope import figures
from bot.scope.views import ProjectScope
from handlers.teams.render.cards import cut
from handlers.teams.text import plain


def scope_text(ps: ProjectScope) -> str:
    if ps.creep:
        return plain(ps.creep)
    return f"⚠️ {figures.NO_BASELINE}" if ps.no_baseline else "no baseline yet"


def target_text(ps: ProjectScope) -> str:
    """Booked against target beside the stakeholder satisfaction and its trend, and the flag."""
    sales = figures.target_text(ps.target, ps.booked) or "no target set"
    satisfaction = (f"satisfaction **{ps.latest:.1f}**/5{figures.trend(ps.change)}" if ps.latest is not None
                    else "no satisfaction scores yet")
    text = f"{sales} · {satisfaction}"
    return f"{text} · ⚠️ **{figures.SATISFACTION_FLAG}**" if ps.flag else text


def facts(ps: ProjectScope) -> list[tuple[str, str]]:
    return [("Scope", scope_text(ps)), ("Target and satisfaction", target_text(ps))]


def line(ps: ProjectScope) -> str:
    return f"• **{plain(cut(ps.name, 80))}** · {scope_text(ps)} · {target_text(ps)}"
