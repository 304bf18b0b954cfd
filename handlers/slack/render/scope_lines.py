"""A project's scope and target figures (`bot.scope.views.ProjectScope`) as mrkdwn lines, for the
project card, the summaries and `/scope`."""

from __future__ import annotations

from bot.scope import figures
from bot.scope.views import ProjectScope
from handlers.slack.render.common import safe, truncate

WARN = ":warning:"


def scope_text(ps: ProjectScope) -> str:
    if ps.creep:
        return ps.creep
    return f"{WARN} {figures.NO_BASELINE}" if ps.no_baseline else "no baseline yet"


def target_text(ps: ProjectScope) -> str:
    """Booked against target beside the stakeholder satisfaction and its trend, and the flag."""
    sales = figures.target_text(ps.target, ps.booked) or "no target set"
    satisfaction = (f"satisfaction *{ps.latest:.1f}*/5{figures.trend(ps.change)}" if ps.latest is not None
                    else "no satisfaction scores yet")
    text = f"{sales} · {satisfaction}"
    return f"{text}\n{WARN} *{figures.SATISFACTION_FLAG}*" if ps.flag else text


def fields(ps: ProjectScope) -> list[str]:
    """Two fields of the project card (each within Slack's 2,000 characters)."""
    return [truncate(f"*Scope*\n{scope_text(ps)}", 2000), truncate(f"*Target and satisfaction*\n{target_text(ps)}",
                                                                   2000)]


def line(ps: ProjectScope) -> str:
    """One project's line in a summary."""
    bits = [f"*{safe(ps.name)}*", scope_text(ps)]
    bits.append(target_text(ps).replace("\n", " · "))
    return " · ".join(bits)
