"""Adaptive Cards for risk review reminders: the reminder with its three buttons, the answer to
"still valid", and the update form (`UpdateForm`, what Slack shows as a modal)."""

from __future__ import annotations

import copy
from typing import Any

from bot.reviews.views import Reminder, Reviewed, UpdateForm
from handlers.teams import ids
from handlers.teams.render import Activity, render
from handlers.teams.render.cards import (
    Element,
    action_set,
    block,
    card_message,
    choice_set,
    cut,
    date_input,
    execute,
    heading,
    note,
    person,
    text_input,
)
from handlers.teams.render.risks import IMPACT, PROBABILITY, level, line, rid, score_text
from handlers.teams.text import plain, raw
from storage.models import Risk

STATUS_LABELS = {"open": "Open", "mitigating": "Mitigating", "monitoring": "Monitoring", "closed": "Closed"}


def data(risk: Risk) -> dict[str, Any]:
    """What the buttons carry: the risk's number in its workspace."""
    return {ids.D_NUMBER: risk.number}


@render.register
def _reminder(view: Reminder) -> list[Activity]:
    r = view.risk
    due = r.review_date.isoformat() if r.review_date else "today"
    body: list[Element] = [block(f"🔍 **Time to review {rid(r)}** (review date {due})"),
                           block(line(r, view.project_name))]
    if r.mitigation:
        body.append(block(f"**Mitigation**\n\n{plain(cut(r.mitigation, 1500))}"))
    body += [
        action_set(execute("Still valid", ids.REVIEW_VALID, data(r), style="positive", inputs="none"),
                   execute("Update…", ids.REVIEW_UPDATE, data(r), inputs="none"),
                   execute("Close it", ids.REVIEW_CLOSE, data(r), style="destructive", inputs="none")),
        note("**Still valid** moves the next review a week on · **Update…** changes probability, impact, status, "
             f"mitigation or the next review · risk show {rid(r)} for its history"),
    ]
    return card_message(body, summary=f"Time to review {rid(r)}: {raw(cut(r.title, 120))} — score {r.score}")


@render.register
def _reviewed(view: Reviewed) -> list[Activity]:
    r = view.risk
    nxt = r.review_date.isoformat() if r.review_date else "–"
    return card_message([block(f"✅ **{rid(r)}** is still valid — next review **{nxt}**"), block(line(r))],
                        summary=f"{rid(r)} is still valid; next review {nxt}")


def done(activities: list[Activity], actor_id: str) -> list[Activity]:
    """A reply card once someone acted on a reminder, saying by whom (it replaces the reminder)."""
    out = []
    for a in copy.deepcopy(activities):
        for att in a.get("attachments") or []:
            content = att.get("content") or {}
            content.setdefault("body", []).append(note(f"Done at its review by {person(actor_id)}."))
        out.append(a)
    return out


@render.register
def _update_form(view: UpdateForm) -> list[Activity]:
    r = view.risk
    body: list[Element] = [
        heading(f"Review {rid(r)}"),
        block(f"**{rid(r)}** {plain(cut(r.title, 200))}\n\n{score_text(r)}"),
        level(ids.I_PROBABILITY, "Probability", PROBABILITY, r.probability),
        level(ids.I_IMPACT, "Impact", IMPACT, r.impact),
        choice_set(ids.I_STATUS, "Status", [(label, key) for key, label in STATUS_LABELS.items()],
                   value=r.status if r.status in STATUS_LABELS else "open", required=True),
        text_input(ids.I_MITIGATION, "Mitigation", value=raw(r.mitigation), multiline=True,
                   placeholder="What we do now to make it less likely or less harmful"),
        date_input(ids.I_REVIEW, "Next review", view.next_review),
    ]
    return card_message(body, [execute("Save", ids.REVIEW_SAVE, data(r), style="positive")],
                        summary=f"Review {rid(r)}")
