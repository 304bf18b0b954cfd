"""Block Kit for managers' summaries and the health figures of `/project show`.

A summary can be about hundreds of projects: every part is packed into sections of
at most 3,000 characters, each part has a cap on its sections, and what does not
fit is counted ("…and 40 more") with the command or button that shows it all.
The summary is then packed into as many messages as Slack's limits on a whole
message need (`handlers.slack.render.common.messages`); a summary answering `/summary`
goes through the command's response_url, which Slack lets be used five times, so it
is cut to five messages.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.summaries.grammar import USAGE as USAGE  # the command's usage, for what shows it
from bot.summaries.views import ProjectHealth, ProjectScores, Summary, age
from handlers.slack import ids
from handlers.slack.render import render, scope_lines
from handlers.slack.render.common import (
    MAX_RESPONSES,
    MAX_SECTION,
    Block,
    actions,
    button,
    context,
    divider,
    header,
    messages,
    safe,
    section,
    truncate,
)
from handlers.slack.render.risks import rid, score_text
from storage.models import Feedback, Risk
from storage.models_rhythm import Delivery, JobRun
from storage.repositories.summaries import StandupRate

PACK = MAX_SECTION - 100  # room for the "…and N more" line
WHAT_LABELS = {"checkin_reminder": "check-in reminder", "checkin": "check-in poll", "standup": "stand-up prompt",
               "summary": "weekly summary", "risk_review": "review reminder"}
SENTIMENT_ICONS = {"positive": ":slightly_smiling_face:", "neutral": ":neutral_face:",
                   "negative": ":slightly_frowning_face:"}


def pack(title: str, lines: Sequence[str], *, max_sections: int, more: str = "", total: int | None = None,
         empty: str = "none") -> list[Block]:
    """`title` and `lines` in as few sections as fit (at most `max_sections`), each within Slack's
    3,000 characters; lines left out are counted in a closing "…and N more" (`total` counts
    items that were never listed, e.g. beyond a query's limit)."""
    total = len(lines) if total is None else total
    if not lines:
        return [section(f"{title}\n{empty}")]
    chunks: list[list[str]] = [[title]]
    size = len(title)
    shown = 0
    for ln in lines:
        ln = truncate(ln, PACK - len(title) - 1)
        if size + len(ln) + 1 > PACK:
            if len(chunks) == max_sections:
                break
            chunks.append([])
            size = 0
        chunks[-1].append(ln)
        size += len(ln) + 1
        shown += 1
    if total > shown:
        chunks[-1].append(f"_…and {total - shown} more{(' — ' + more) if more else ''}_")
    return [section("\n".join(c)) for c in chunks]


def _project(names: dict[int, str], project_id: int | None) -> str:
    return f" · *{safe(names[project_id])}*" if project_id and project_id in names else ""


def _risk_line(r: Risk, names: dict[int, str], *, review: bool = False) -> str:
    bits = [f"• *{rid(r)}* {score_text(r)} — {safe(truncate(r.title, 150))}{_project(names, r.project_id)}"]
    if r.owner_id:
        bits.append(f"owner <@{r.owner_id}>")
    if review and r.review_date:
        bits.append(f"review was due {r.review_date.isoformat()}")
    return " · ".join(bits)


def _feedback_line(f: Feedback, names: dict[int, str], now: datetime) -> str:
    icon = SENTIMENT_ICONS.get(f.sentiment, "")
    return (f"• *F-{f.number}* {icon} {f.source}{_project(names, f.project_id)} · {age(f.created_at, now)} — "
            f"“{safe(truncate(' '.join(f.text.split()), 140))}”")


def arrow(change: float | None) -> str:
    if change is None:
        return ""
    if change > 0:
        return f" ↑ +{change:.1f}"
    if change < 0:
        return f" ↓ −{-change:.1f}"
    return " → ±0.0"


def people(users: Sequence[str], limit: int = 5) -> str:
    shown = ", ".join(f"<@{u}>" for u in users[:limit])
    return shown + (f" and {len(users) - limit} more" if len(users) > limit else "")


def score_line(p: ProjectScores, *, with_name: bool = True) -> str:
    name = f"*{safe(p.name)}* " if with_name else ""
    if p.latest is None:
        head = f"{name}no scores yet"
    else:
        weeks = " → ".join(f"{w.average:.1f}" for w in p.weeks)
        head = f"{name}*{p.latest:.1f}*/5{arrow(p.change)}" + (f" · weeks: {weeks}" if len(p.weeks) > 1 else "")
    bits = [head]
    if p.off_track or p.at_risk:
        bits.append(", ".join(x for x in (f":red_circle: {p.off_track} off track" if p.off_track else "",
                                          f":large_orange_circle: {p.at_risk} at risk" if p.at_risk else "") if x))
    if p.not_answered:
        bits.append(f"not answered: {people(p.not_answered)}")
    return " · ".join(bits)


def rate_line(r: StandupRate) -> str:
    if not r.prompts:
        return f"• <#{r.channel_id}>: no prompts sent"
    answered = min(r.answers, r.prompts)
    return f"• <#{r.channel_id}>: {answered} of {r.prompts} prompts answered ({round(100 * answered / r.prompts)}%)"


def _recipient(r: str) -> str:
    return f"<#{r}>" if r[:1] in ("C", "G") else f"<@{r}>"


def _failure_line(d: Delivery) -> str:
    kind = d.what.partition(":")[0]
    return f"• {WHAT_LABELS.get(kind, kind)} to {_recipient(d.recipient)}: `{safe(d.error or 'failed')}`"


def _missed_line(j: JobRun, names: dict[int, str], channels: dict[int, str]) -> str:
    kind, _, rest = j.job_key.partition(":")
    if kind == "checkin" and rest.isdigit():
        what = f"check-in of *{safe(names.get(int(rest), 'a project'))}*"
    elif kind == "standup":
        standup_id, _, tz = rest.partition(":")
        where = f" in <#{channels[int(standup_id)]}>" if standup_id.isdigit() and int(standup_id) in channels else ""
        what = f"stand-up prompts{where} ({safe(tz or rest)})"
    elif kind == "summary":
        what = f"weekly summary for <@{rest}>"
    else:
        what = safe(j.job_key)
    return f"• {what} ({safe(j.occurrence)})"


def summary(s: Summary, *, max_messages: int | None = None) -> list[dict[str, Any]]:
    """The summary as one or more messages (at most `max_messages`), in reading order."""
    names = s.project_names
    where = f" — {s.project.name}" if s.project else ""
    title = f"Weekly summary{where} · {s.week}" if s.week else f"Summary{where} · {s.today:%a %d %b %Y}"
    blocks: list[Block] = [header(title), context(
        f"New items since {s.since:%a %d %b} · stakeholder scores over the last weeks, lowest first")]

    risks_title = f"*:warning: Top open risks* ({s.open_total} open)" if s.open_total else "*:warning: Open risks*"
    blocks += pack(risks_title, [_risk_line(r, names) for r in s.top_risks], max_sections=2,
                   total=s.open_total, more="all of them below", empty="No open risks. :tada:")
    if s.open_total:
        state = json.dumps({"p": s.project.id if s.project else None})
        blocks.append(actions(button(f"All open risks ({s.open_total})", ids.SUMMARY_FULL_RISKS, state),
                              block_id=ids.B_SUMMARY_FULL))
    blocks += pack(f"*:new: New risks this week* ({s.new_total})", [_risk_line(r, names) for r in s.new_risks],
                   max_sections=1, total=s.new_total, more="`/risk list`", empty="none")
    blocks += pack(f"*:hourglass: Overdue reviews* ({s.overdue_total})",
                   [_risk_line(r, names, review=True) for r in s.overdue], max_sections=1, total=s.overdue_total,
                   more="`/risk list`", empty="none — every open risk's review is on time")
    blocks.append(divider())

    counts = " · ".join(f"{SENTIMENT_ICONS[k]} {s.sentiment.get(k, 0)} {k}" for k in SENTIMENT_ICONS)
    fb_title = (f"*:speech_balloon: Feedback this week*: {counts}\n"
                f"*Not acted on yet: {s.waiting_total}*" + (" — oldest first:" if s.waiting else ""))
    blocks += pack(fb_title, [_feedback_line(f, names, s.now) for f in s.waiting],
                   max_sections=1, total=s.waiting_total, more="`/feedback list`", empty="")
    blocks.append(section(f"*:bulb: Lessons logged this week*: {s.lessons_total}" + (
        "" if s.lessons_total else " — `/lesson TEXT` keeps what the team learned")))
    blocks.append(divider())

    blocks += pack("*:bar_chart: Stakeholder scores* (average 1–5 by week)",
                   [f"• {score_line(p)}" for p in s.scores], max_sections=6,
                   more="`/checkin results project=NAME` for one project",
                   empty="No check-in answers in the last weeks. Set them up with `/checkin add @user project=NAME`.")
    if s.scope:
        blocks += pack("*:triangular_ruler: Scope and targets*", [f"• {scope_lines.line(p)}" for p in s.scope],
                       max_sections=2, more="`/scope NAME` for one project")
    if s.project is None or s.project.channel_id:
        blocks += pack("*:busts_in_silhouette: Stand-up participation* (last 7 days)",
                       [rate_line(r) for r in s.standups], max_sections=2, more="`/standup report channel=#c`",
                       empty="No stand-ups" + (f" in <#{s.project.channel_id}>" if s.project else "") + ".")
    if s.project is None:
        channels = {r.standup_id: r.channel_id for r in s.standups}
        blocks.append(divider())
        if not s.failures_total and not s.missed_total:
            blocks.append(section("*:white_check_mark: Scheduled messages*\nEverything went out this week."))
        else:
            if s.failures_total:
                blocks += pack(f"*:x: Messages that could not be delivered* ({s.failures_total})",
                               [_failure_line(d) for d in s.failures], max_sections=1, total=s.failures_total)
            if s.missed_total:
                blocks += pack(f"*:zzz: Runs missed while the bot was down* ({s.missed_total})",
                               [_missed_line(j, names, channels) for j in s.missed], max_sections=1,
                               total=s.missed_total)
    if s.project is None:
        foot = "`/summary project=NAME` for one project · `/risk list` · `/feedback list`"
    else:
        name = safe(s.project.name)
        foot = f"`/risk list project=\"{name}\"` · `/feedback list project=\"{name}\"`"
    if s.subscribed:
        foot = "You will get this summary by DM every Monday at 08:00 your time. " + foot
    blocks.append(context(foot))
    return messages(_fallback(s, title), blocks, max_messages=max_messages,
                    more="`/summary project=NAME` for one project")


@render.register
def _summary(view: Summary) -> list[dict[str, Any]]:
    # Asked for now (no week): the answer to /summary, through a response_url of five uses.
    return summary(view, max_messages=None if view.week else MAX_RESPONSES)


def _fallback(s: Summary, title: str) -> str:
    bits = [f"{s.open_total} open risks", f"{s.new_total} new", f"{s.overdue_total} overdue reviews",
            f"{s.waiting_total} feedback not acted on", f"{s.lessons_total} lessons logged"]
    low = [p for p in s.scores if p.latest is not None and p.latest <= 2.5]
    if low:
        bits.append("low stakeholder scores: " + ", ".join(safe(p.name) for p in low[:5]))
    return truncate(f"{safe(title)}: " + ", ".join(bits), 3000)


def health(view: ProjectHealth) -> list[str]:
    """A project's health figures as fields of its card."""
    return health_fields(view.scores, view.standups, view.channel_id)


def health_fields(scores: ProjectScores | None, rates: Sequence[StandupRate], channel_id: str | None) -> list[str]:
    """Extra fields of the project card (each at most 2,000 characters: Slack's limit for a field)."""
    if scores is None:
        stake = "*Stakeholder score*\nno check-in answers in the last weeks"
    else:
        stake = "*Stakeholder score*\n" + score_line(scores, with_name=False)
    if not channel_id:
        standup = "*Stand-up participation*\nno channel set for this project"
    elif not rates:
        standup = f"*Stand-up participation*\nno stand-up in <#{channel_id}>"
    else:
        r = rates[0]
        answered = min(r.answers, r.prompts)
        standup = ("*Stand-up participation*\n" + (
            f"{round(100 * answered / r.prompts)}% ({answered} of {r.prompts} prompts, last 7 days)"
            if r.prompts else "no prompts sent in the last 7 days"))
    return [truncate(stake, 2000), truncate(standup, 2000)]
