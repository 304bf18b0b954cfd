"""Block Kit for risk review reminders: the DM with its three buttons, the update modal,
and the DM as it reads once someone acted on it."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from bot.reviews.views import Reminder, Reviewed
from handlers.slack import ids
from handlers.slack.render import render
from handlers.slack.render.common import (
    Block,
    actions,
    button,
    context,
    message,
    option,
    plain,
    safe,
    section,
    truncate,
)
from handlers.slack.render.risks import IMPACT, PROBABILITY, _input, _level, _text, line, rid, score_text
from storage.models import Risk

STATUS_LABELS = {"open": "Open", "mitigating": "Mitigating", "monitoring": "Monitoring", "closed": "Closed"}


def value(risk: Risk) -> str:
    """What the buttons carry: the risk's number in its workspace."""
    return json.dumps({"n": risk.number})


def reminder(risk: Risk, project_name: str | None) -> dict[str, Any]:
    due = risk.review_date.isoformat() if risk.review_date else "today"
    blocks: list[Block] = [section(f":mag: *Time to review {rid(risk)}* (review date {due})\n"
                                   f"{line(risk, project_name)}")]
    if risk.mitigation:
        blocks.append(section(f"*Mitigation*\n{safe(truncate(risk.mitigation, 1500))}"))
    close = button("Close it", ids.REVIEW_CLOSE, value(risk), style="danger")
    close["confirm"] = {"title": plain("Close this risk?"), "text": plain(f"{rid(risk)} will be closed."),
                        "confirm": plain("Close it"), "deny": plain("Keep it open")}
    blocks += [
        actions(button("Still valid", ids.REVIEW_VALID, value(risk), style="primary"),
                button("Update…", ids.REVIEW_UPDATE, value(risk)), close, block_id=ids.B_RISK_REVIEW),
        context("*Still valid* moves the next review a week on · *Update…* changes probability, impact, status, "
                f"mitigation or the next review · `/risk show {rid(risk)}` for its history"),
    ]
    text = f"Time to review {rid(risk)}: {safe(risk.title, 600)} — {score_text(risk)}"
    return message(text, blocks)


def reviewed(risk: Risk) -> dict[str, Any]:
    nxt = risk.review_date.isoformat() if risk.review_date else "–"
    text = f"{rid(risk)} is still valid; next review {nxt}"
    return message(text, [section(f":white_check_mark: *{rid(risk)}* is still valid — next review *{nxt}*\n"
                                  f"{line(risk)}")])


@render.register
def _reminder(view: Reminder) -> list[dict[str, Any]]:
    return [reminder(view.risk, view.project_name)]


@render.register
def _reviewed(view: Reviewed) -> list[dict[str, Any]]:
    return [reviewed(view.risk)]


def done(reply: dict[str, Any], actor_id: str) -> dict[str, Any]:
    """The reminder DM once someone acted on it: what was done, by whom; no buttons left to press."""
    blocks = list(reply.get("blocks") or [section(str(reply.get("text", "")))])  # already mrkdwn
    blocks.append(context(f"Done at its review by <@{actor_id}>."))
    return message(str(reply.get("text") or "Reviewed"), blocks)


def update_modal(risk: Risk, next_review: date, metadata: dict[str, Any]) -> Block:
    statuses = [option(label, key) for key, label in STATUS_LABELS.items()]
    status: Block = {"type": "static_select", "action_id": ids.B_STATUS, "options": statuses,
                     "initial_option": next((o for o in statuses if o["value"] == risk.status), statuses[0])}
    blocks: list[Block] = [
        section(f"*{rid(risk)}* {safe(truncate(risk.title, 200))}\n{score_text(risk)}"),
        _input(ids.B_PROBABILITY, "Probability", _level(ids.B_PROBABILITY, PROBABILITY, risk.probability)),
        _input(ids.B_IMPACT, "Impact", _level(ids.B_IMPACT, IMPACT, risk.impact)),
        _input(ids.B_STATUS, "Status", status),
        _input(ids.B_MITIGATION, "Mitigation", _text(ids.B_MITIGATION, multiline=True, initial=risk.mitigation),
               optional=True, hint="What we do now to make it less likely or less harmful"),
        _input(ids.B_REVIEW, "Next review", {"type": "datepicker", "action_id": ids.B_REVIEW,
                                             "initial_date": next_review.isoformat()}, optional=True),
    ]
    return {
        "type": "modal", "callback_id": ids.RISK_UPDATE_MODAL, "title": plain(truncate(f"Review {rid(risk)}", 24)),
        "submit": plain("Save"), "close": plain("Cancel"), "blocks": blocks,
        "private_metadata": json.dumps(metadata)[:3000],
    }
