"""The managers' summary as text."""

from __future__ import annotations

from bot.summaries.views import ProjectHealth, Summary
from handlers.console.render import Choice, choices, render
from handlers.console.render.common import people
from handlers.console.render.feedback import line as feedback_line
from handlers.console.render.risks import line as risk_line
from handlers.console.render.scope import summary_lines

SHOWN = 5  # rows of each list


@render.register
def _summary(view: Summary) -> list[str]:
    scope = f" for {view.project.name}" if view.project else ""
    head = f"Weekly summary ({view.week}){scope}" if view.week else f"Summary{scope}, {view.today.isoformat()}"
    out = [head + ":"]
    names = view.project_names

    def risks(title: str, rows: list, total: int) -> None:  # type: ignore[type-arg]
        out.append(f"  {title}: {total}")
        out.extend(f"    {risk_line(r, names.get(r.project_id) if r.project_id else None)}" for r in rows[:SHOWN])

    risks("Open risks, top first", view.top_risks, view.open_total)
    risks("New since " + view.since.strftime("%Y-%m-%d"), view.new_risks, view.new_total)
    risks("Overdue reviews", view.overdue, view.overdue_total)
    out.append(f"  Lessons logged since {view.since:%Y-%m-%d}: {view.lessons_total}")
    if view.sentiment:
        out.append("  Feedback: " + ", ".join(f"{k} {n}" for k, n in view.sentiment.items()))
    if view.waiting:
        out.append(f"  Feedback waiting for action: {view.waiting_total}")
        out.extend(f"    {feedback_line(f, names.get(f.project_id) if f.project_id else None)}"
                   for f in view.waiting[:SHOWN])
    for s in view.scores:
        latest = f"{s.latest:.1f}/5" if s.latest is not None else "no answers"
        change = f" ({s.change:+})" if s.change is not None else ""
        waiting = f", not answered: {people(s.not_answered)}" if s.not_answered else ""
        out.append(f"  Check-ins {s.name}: {latest}{change}, {s.answered} answered{waiting}")
    out += summary_lines(view.scope)
    for rate in view.standups:
        out.append(f"  Stand-up #{rate.channel_id}: {rate.answers} answers to {rate.prompts} prompts")
    if view.failures:
        out.append(f"  Messages that could not be delivered: {view.failures_total}")
        out.extend(f"    {d.what} to {d.recipient}: {d.error or d.status}" for d in view.failures[:SHOWN])
    if view.missed:
        out.append(f"  Scheduled jobs missed: {view.missed_total}")
        out.extend(f"    {j.job_key} ({j.occurrence})" for j in view.missed[:SHOWN])
    if view.subscribed:
        out.append("  You will get this summary every Monday at 08:00.")
    return out


@choices.register
def _summary_choices(view: Summary) -> list[Choice]:
    if view.open_total <= len(view.top_risks):
        return []
    return [Choice("All open risks", "summary.all_risks", {"p": view.project.id if view.project else None})]


@render.register
def _health(view: ProjectHealth) -> list[str]:
    out = []
    if view.scores is not None and view.scores.latest is not None:
        out.append(f"  Stakeholder score: {view.scores.latest:.1f}/5")
    out += [f"  Stand-up #{r.channel_id}: {r.answers} answers to {r.prompts} prompts" for r in view.standups]
    return out
