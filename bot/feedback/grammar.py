"""`/feedback` text -> request, and the feedback modal's fields."""

from __future__ import annotations

from typing import Any

from bot import parsing
from bot.errors import UsageError
from bot.feedback import service as feedback
from bot.requests import HELP_WORDS, Call, Help, Legacy, Modal
from handlers.slack import forms, ids
from handlers.slack.render.feedback import USAGE

FLAGS = {"client", "team", "private", "anon", "anonymous"}


def parse(text: str) -> Legacy:
    if not (text or "").strip():
        return Modal()
    first = text.split(None, 1)[0].lower()
    if first in HELP_WORDS:
        return Help(USAGE)
    if first in ("list", "ls"):
        p = parsing.parse(text, options={"project", "page"}, usage=USAGE)
        if p.words:
            raise UsageError("`/feedback list` takes only `project=` and `page=`, "
                             f"not `{parsing.echo(p.words[0])}`.", USAGE)
        page = parsing.int_in(p.options["page"], "page", 1, 100_000, USAGE) if "page" in p.options else 1
        return Call(feedback.list_page, write=False, kwargs={
            "project_name": parsing.plain(p.options["project"]) if p.options.get("project") else None,
            "page": page})
    if first == "act":
        p = parsing.parse(text, usage=USAGE)
        if not p.words:
            raise UsageError("Which feedback? `/feedback act F-12 WHAT_WE_DID`.", USAGE)
        number = parsing.item_number(p.words[0], "F", USAGE)
        what = parsing.plain(p.text_from(1))
        if not what:
            raise UsageError(f"Say what was done: `/feedback act F-{number} WHAT_WE_DID`.", USAGE)
        return Call(feedback.act, write=True, kwargs={"number": number, "what": what})
    # Giving feedback: the flags count only before the text starts.
    p = parsing.parse(text, options={"project", "sentiment"}, flags=FLAGS, leading_flags_only=True,
                      has_sub=False, usage=USAGE)
    if {"client", "team"} <= p.flags:
        raise UsageError("Feedback comes from the client or the team, not both.", USAGE)
    data = feedback.FeedbackInput(
        text=parsing.plain(p.rest),
        source="client" if "client" in p.flags else "team",
        sentiment=parsing.choice(p.options["sentiment"], "sentiment", feedback.SENTIMENTS, USAGE)
        if "sentiment" in p.options else None,
        project_name=parsing.plain(p.options["project"]) if p.options.get("project") else None,
        private="private" in p.flags,
        anonymous=bool({"anon", "anonymous"} & p.flags),
    )
    if not data.text:
        raise UsageError("What is the feedback? Write it after the options.", USAGE)
    if "project" in p.options and not data.project_name:
        raise UsageError("`project=` needs a project name.", USAGE)
    return Call(feedback.give, write=True, kwargs={"data": data}, lookup_actor=False, guests=True)


def parse_form(values: dict[str, Any]) -> feedback.FeedbackInput:
    errors: dict[str, str] = {}
    text = forms.as_text(values, ids.B_TEXT, errors, feedback.MAX_TEXT, required=True)
    source = forms.field(values, ids.B_SOURCE) or "team"
    sentiment = forms.field(values, ids.B_SENTIMENT)
    if source not in feedback.SOURCES:
        errors[ids.B_SOURCE] = "Choose client or team."
    if sentiment is not None and sentiment not in feedback.SENTIMENTS:
        errors[ids.B_SENTIMENT] = "Choose a sentiment."
    opts = forms.field(values, ids.B_OPTIONS)
    opts = opts if isinstance(opts, list) else []
    if errors:
        raise forms.FormError(errors)
    data = feedback.FeedbackInput(text=text or "", source=source, sentiment=sentiment,
                                  private="private" in opts, anonymous="anonymous" in opts)
    data.project_id, data.project_name = forms.project_ref(values, ids.B_PROJECT)
    return data
