"""Adaptive Cards for feedback: its views (`bot.feedback.views`), the refusal of a second action,
and the feedback form (what Slack shows as a modal)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.feedback.grammar import MAX_TEXT
from bot.feedback.service import AlreadyActed
from bot.feedback.views import Acted, ActedNotice, FeedbackPage, Recorded
from handlers.teams import ids
from handlers.teams.render import Activity, render
from handlers.teams.render.cards import (
    MAX_ACTIVITY,
    Element,
    action_set,
    block,
    card_message,
    choice_set,
    cut,
    execute,
    heading,
    note,
    pager,
    person,
    take,
    text_input,
    text_message,
    toggle,
)
from handlers.teams.render.risks import project_input
from handlers.teams.text import markdown, person_name, plain
from storage.models import Feedback

ICON = {"positive": "🟢", "neutral": "⚪", "negative": "🔴"}
LIST_BUDGET = MAX_ACTIVITY - 3000


def fid(item: Feedback) -> str:
    return f"F-{item.number}"


def _tags(item: Feedback) -> str:
    tags = [plain(item.source), plain(item.sentiment)]
    if item.is_private:
        tags.append("🔒 private")
    if item.is_anonymous:
        tags.append("anonymous")
    return " · ".join(tags)


def line(item: Feedback, project_name: str | None) -> str:
    who = "anonymous" if item.is_anonymous else person(item.author_id)
    head = f"{ICON.get(item.sentiment, '')} **{fid(item)}** ({_tags(item)})"
    if project_name:
        head += f" · **{plain(cut(project_name, 80))}**"
    body = f"“{plain(cut(item.text, 800))}” — {who}, {item.created_at:%Y-%m-%d}"
    if item.acted_at:
        body += f"\n\n✅ Acted by {person(item.acted_by)}: {plain(cut(item.action_text, 400))}"
    else:
        body += "\n\n_Not acted on yet_"
    return f"{head}\n\n{body}"


@render.register
def _recorded(view: Recorded) -> list[Activity]:
    item = view.item
    where = f" on **{plain(cut(view.project.name, 80))}**" if view.project else ""
    who = " anonymously — your name is not stored" if item.is_anonymous else ""
    body = [block(f"📝 Recorded **{fid(item)}**{where} ({_tags(item)}){who}")]
    if view.guessed:
        body.append(note(f"Sentiment guessed as {plain(item.sentiment)}; say sentiment=… to set it."))
    return card_message(body, summary=f"Recorded {fid(item)}")


@render.register
def _page(view: FeedbackPage) -> list[Activity]:
    where = f" on {plain(cut(view.project.name, 80))}" if view.project else ""
    if not view.rows:
        return card_message([block(f"No feedback{where} yet. Record some with feedback TEXT.")],
                            summary="No feedback yet")
    rows = [block(line(r, view.project_names.get(r.project_id or 0)), separator=True) for r in view.rows]
    body: list[Element] = [heading(f"Feedback{where} ({view.total})"),
                           note(f"Newest first · page {view.page} of {view.pages}")]
    body += take(rows, LIST_BUDGET, lambda n: f"…and {n} more on this page")
    nav = pager(ids.FEEDBACK_PAGE, view.page, view.pages, {ids.D_PROJECT: view.project.id if view.project else None})
    if nav:
        body.append(action_set(*nav))
    return card_message(body, summary=f"Feedback: {view.total} (page {view.page} of {view.pages})")


@render.register
def _acted(view: Acted) -> list[Activity]:
    item = view.item
    told = "" if item.is_anonymous or not item.author_id else f" I've told {person(item.author_id)}."
    return card_message([block(f"✅ Closed the loop on **{fid(item)}**.{told}"),
                         block(f"_{plain(cut(item.action_text, 3000))}_")], summary=f"Closed the loop on {fid(item)}")


@render.register
def _notice(view: ActedNotice) -> list[Activity]:
    item = view.item
    return card_message([
        block(f"💬 Your feedback **{fid(item)}** was acted on by {person(item.acted_by)}:"),
        block(plain(cut(item.action_text, 3000))),
        note(f"You wrote: “{plain(cut(item.text, 500))}”"),
    ], summary=f"Your feedback {fid(item)} was acted on")


@render.register
def _already_acted(error: AlreadyActed) -> list[Activity]:
    by = markdown(person_name(error.acted_by)) if error.acted_by else "someone"
    return text_message(f"F-{error.number} was already acted on by {by}: {markdown(error.action_text)}")


# ---- the form ---------------------------------------------------------------------------------------

def feedback_form(projects: Sequence[tuple[int, str]]) -> list[Activity]:
    """The form that records feedback (`Modal()` of `feedback`)."""
    body: list[Element] = [
        heading("Give feedback"),
        choice_set(ids.I_SOURCE, "From", [("A client", "client"), ("The team", "team")], value="client",
                   expanded=True, required=True),
    ]
    if projects:
        body.append(project_input(projects))
    body += [
        choice_set(ids.I_SENTIMENT, "Sentiment", [("Positive", "positive"), ("Neutral", "neutral"),
                                                  ("Negative", "negative")],
                   placeholder="Guess it from the text"),
        text_input(ids.I_TEXT, "Feedback", multiline=True, max_length=MAX_TEXT, required=True),
        toggle(ids.I_PRIVATE, "Private — only managers and I can see it"),
        toggle(ids.I_ANONYMOUS, "Anonymous — my name is not stored"),
    ]
    return card_message(body, [execute("Send", ids.FEEDBACK_SUBMIT, style="positive")], summary="Give feedback")
