"""Adaptive Cards for managers' summaries and the health figures of `project show`.

A summary can be about hundreds of projects: each part gets its share of the card's 28 KB and
keeps the rows that fit, counting the rest ("…and 40 more") with the command that shows them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.summaries.views import ProjectHealth, ProjectScores, Summary, age
from handlers.teams import ids
from handlers.teams.render import Activity, render, scope_lines
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
)
from handlers.teams.render.risks import rid, score_text
from handlers.teams.text import plain
from storage.models import Feedback, Risk
from storage.models_rhythm import Delivery, JobRun
from storage.repositories.summaries import StandupRate

WHAT_LABELS = {"checkin_reminder": "check-in reminder", "checkin": "check-in poll", "standup": "stand-up prompt",
               "summary": "weekly summary", "risk_review": "review reminder"}
SENTIMENT_ICONS = {"positive": "🙂", "neutral": "😐", "negative": "🙁"}
PARTS = 12  # shares of the card: one for each list of a summary, two for the scores, room to spare


def _project(names: dict[int, str], project_id: int | None) -> str:
    return f" · **{plain(cut(names[project_id], 80))}**" if project_id and project_id in names else ""


def _risk_line(r: Risk, names: dict[int, str], *, review: bool = False) -> str:
    bits = [f"• **{rid(r)}** {score_text(r)} — {plain(cut(r.title, 150))}{_project(names, r.project_id)}"]
    if r.owner_id:
        bits.append(f"owner {person(r.owner_id)}")
    if review and r.review_date:
        bits.append(f"review was due {r.review_date.isoformat()}")
    return " · ".join(bits)


def _feedback_line(f: Feedback, names: dict[int, str], now: datetime) -> str:
    said = plain(cut(" ".join(f.text.split()), 140))
    return (f"• **F-{f.number}** {SENTIMENT_ICONS.get(f.sentiment, '')} {plain(f.source)}"
            f"{_project(names, f.project_id)} · {age(f.created_at, now)} — “{said}”")


def arrow(change: float | None) -> str:
    if change is None:
        return ""
    if change > 0:
        return f" ↑ +{change:.1f}"
    if change < 0:
        return f" ↓ −{-change:.1f}"
    return " → ±0.0"


def score_line(p: ProjectScores, *, with_name: bool = True) -> str:
    name = f"**{plain(cut(p.name, 80))}** " if with_name else ""
    if p.latest is None:
        head = f"{name}no scores yet"
    else:
        weeks = " → ".join(f"{w.average:.1f}" for w in p.weeks)
        head = f"{name}**{p.latest:.1f}**/5{arrow(p.change)}" + (f" · weeks: {weeks}" if len(p.weeks) > 1 else "")
    bits = [head]
    if p.off_track:
        bits.append(f"🔴 {p.off_track} off track")
    if p.at_risk:
        bits.append(f"🟠 {p.at_risk} at risk")
    if p.not_answered:
        bits.append(f"not answered: {people(p.not_answered, 5)}")
    return " · ".join(bits)


def rate_line(r: StandupRate) -> str:
    if not r.prompts:
        return f"• {place(r.channel_id)}: no prompts sent"
    answered = min(r.answers, r.prompts)
    return f"• {place(r.channel_id)}: {answered} of {r.prompts} prompts answered ({round(100 * answered / r.prompts)}%)"


def _failure_line(d: Delivery) -> str:
    kind = d.what.partition(":")[0]
    return f"• {plain(WHAT_LABELS.get(kind, kind))} to {person(d.recipient)}: {plain(cut(d.error or 'failed', 200))}"


def _missed_line(j: JobRun, names: dict[int, str]) -> str:
    kind, _, rest = j.job_key.partition(":")
    if kind == "checkin" and rest.isdigit():
        what = f"check-in of **{plain(cut(names.get(int(rest), 'a project'), 80))}**"
    elif kind == "standup":
        what = f"stand-up prompts ({plain(rest)})"
    elif kind == "summary":
        what = f"weekly summary for {person(rest)}"
    else:
        what = plain(j.job_key)
    return f"• {what} ({plain(j.occurrence)})"


def part(title: str, lines: Sequence[str], *, total: int | None = None, more: str = "", empty: str = "none",
         budget: int = MAX_ACTIVITY // PARTS) -> list[Element]:
    """A titled list of lines within `budget` characters of JSON; those left out are counted."""
    head = block(title, weight="Bolder", separator=True)
    if not lines and not total:
        return [head, block(empty)] if empty else [head]
    rows = [block(ln, spacing="None") for ln in lines]
    return [head, *take(rows, budget, lambda n: f"…and {n} more" + (f" — {more}" if more else ""), total)]


@render.register
def _summary(view: Summary) -> list[Activity]:
    s, names = view, view.project_names
    where = f" — {plain(cut(s.project.name, 80))}" if s.project else ""
    title = f"Weekly summary{where} · {s.week}" if s.week else f"Summary{where} · {s.today:%a %d %b %Y}"
    body: list[Element] = [heading(title), note(
        f"New items since {s.since:%a %d %b} · stakeholder scores over the last weeks, lowest first")]
    body += part(f"⚠️ Top open risks ({s.open_total} open)" if s.open_total else "⚠️ Open risks",
                 [_risk_line(r, names) for r in s.top_risks], total=s.open_total, more="all of them with the button",
                 empty="No open risks. 🎉")
    if s.open_total:
        body.append(action_set(execute(f"All open risks ({s.open_total})", ids.SUMMARY_FULL_RISKS,
                                       {ids.D_PROJECT: s.project.id if s.project else None}, inputs="none")))
    body += part(f"🆕 New risks this week ({s.new_total})", [_risk_line(r, names) for r in s.new_risks],
                 total=s.new_total, more="risk list")
    body += part(f"⏳ Overdue reviews ({s.overdue_total})", [_risk_line(r, names, review=True) for r in s.overdue],
                 total=s.overdue_total, more="risk list", empty="none — every open risk's review is on time")
    body.append(block(f"💡 **Lessons logged this week**: {s.lessons_total}", separator=True))
    counts = " · ".join(f"{icon} {s.sentiment.get(k, 0)} {k}" for k, icon in SENTIMENT_ICONS.items())
    body += part(f"💬 Feedback this week: {counts}", [], empty="")
    body += part(f"Not acted on yet: {s.waiting_total}" + (" — oldest first" if s.waiting else ""),
                 [_feedback_line(f, names, s.now) for f in s.waiting], total=s.waiting_total, more="feedback list")
    body += part("📊 Stakeholder scores (average 1–5 by week)", [f"• {score_line(p)}" for p in s.scores],
                 more="checkin results project=NAME for one project", budget=2 * MAX_ACTIVITY // PARTS,
                 empty="No check-in answers in the last weeks. Set them up with checkin add @user project=NAME.")
    if s.scope:
        body += part("📐 Scope and targets", [scope_lines.line(p) for p in s.scope], more="scope NAME for one project")
    if s.project is None or s.project.channel_id:
        body += part("👥 Stand-up participation (last 7 days)", [rate_line(r) for r in s.standups],
                     more="standup report", empty="No stand-ups.")
    if s.project is None:
        if not s.failures_total and not s.missed_total:
            body += part("✅ Scheduled messages", [], empty="Everything went out this week.")
        if s.failures_total:
            body += part(f"❌ Messages that could not be delivered ({s.failures_total})",
                         [_failure_line(d) for d in s.failures], total=s.failures_total)
        if s.missed_total:
            body += part(f"💤 Runs missed while the bot was down ({s.missed_total})",
                         [_missed_line(j, names) for j in s.missed], total=s.missed_total)
    if s.project is None:
        foot = "summary project=NAME for one project · risk list · feedback list"
    else:
        name = plain(cut(s.project.name, 80))
        foot = f"risk list project=\"{name}\" · feedback list project=\"{name}\""
    if s.subscribed:
        foot = "You will get this summary in this chat every Monday at 08:00 your time. " + foot
    body.append(note(foot))
    return card_message(body, summary=f"{title}: {s.open_total} open risks, {s.new_total} new, "
                                      f"{s.overdue_total} overdue reviews, {s.waiting_total} feedback not acted on")


def health_facts(view: ProjectHealth) -> list[tuple[str, str]]:
    """A project's health figures as facts of its card."""
    stake = ("no check-in answers in the last weeks" if view.scores is None
             else score_line(view.scores, with_name=False))
    if not view.channel_id:
        standup = "no channel set for this project"
    elif not view.standups:
        standup = f"no stand-up in {place(view.channel_id)}"
    else:
        r = view.standups[0]
        answered = min(r.answers, r.prompts)
        standup = (f"{round(100 * answered / r.prompts)}% ({answered} of {r.prompts} prompts, last 7 days)"
                   if r.prompts else "no prompts sent in the last 7 days")
    return [("Stakeholder score", stake), ("Stand-up participation", standup)]


@render.register
def _health(view: ProjectHealth) -> list[Activity]:
    return card_message([facts(health_facts(view))], summary="Project health")
