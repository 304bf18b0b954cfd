"""Client and team feedback, and closing the loop on it."""

from __future__ import annotations

import math
import re
from typing import Any

from sqlmodel import Session

from bot import text as core_text
from bot.errors import NotFound, Refused, UsageError
from bot.feedback.grammar import (
    MAX_TEXT,
    SENTIMENTS,
    SOURCES,
    USAGE,
    ActOnFeedback,
    FeedbackRequest,
    GiveFeedback,
    ListFeedback,
)
from bot.feedback.views import Acted, ActedNotice, FeedbackPage, Recorded
from bot.outcomes import Outcome, Post
from bot.people import Actor
from bot.projects.lookup import resolve
from storage import clock
from storage.models import Feedback, Project
from storage.repositories import counters
from storage.repositories import feedback as repo
from storage.repositories import projects as projects_repo

__all__ = ["MAX_TEXT", "PAGE_SIZE", "SENTIMENTS", "SOURCES", "AlreadyActed", "FeedbackInput", "act", "give",
           "guess_sentiment", "list_page", "perform"]

PAGE_SIZE = 20  # feedback items on one page of `/feedback list`
FeedbackInput = GiveFeedback  # what `give` records: the request itself (from the command or the form)

_POSITIVE = re.compile(r"\b(great|good|happy|love[ds]?|excellent|thanks?|thank you|pleased|impressed|"
                       r"smooth|helpful|fantastic|well done|amazing|satisfied|perfect|nice)\b", re.I)
_NEGATIVE = re.compile(r"\b(bad|late|delay(ed|s)?|unhappy|angry|poor|slow|missed|broken|worse|worst|"
                       r"frustrat\w*|disappoint\w*|concern(ed|s)?|complain\w*|problem|issue|wrong|confus\w*|"
                       r"not happy|too expensive|over budget|escalat\w*)\b", re.I)


class AlreadyActed(UsageError):
    """F-`number` was acted on already: by whom and what they did, for the second manager to read.

    The message is the core's text, with `action_text` as its author wrote it; front ends that
    escape what people typed draw it from the fields."""

    def __init__(self, number: int, acted_by: str | None, action_text: str | None) -> None:
        self.number, self.acted_by, self.action_text = number, acted_by, action_text or ""
        by = core_text.person(acted_by) if acted_by else "someone"
        super().__init__(f"F-{number} was already acted on by {by}: {self.action_text}")


def perform(request: FeedbackRequest, *, session: Session, actor: Actor) -> Outcome:
    """Carry out a `/feedback` request (see `bot.feedback.grammar`)."""
    match request:
        case GiveFeedback():
            return give(session=session, actor=actor, data=request)
        case ListFeedback():
            return list_page(session=session, actor=actor, project_name=request.project_name,
                             project_id=request.project_id, page=request.page)
        case ActOnFeedback():
            return act(session=session, actor=actor, number=request.number, what=request.what)
    raise TypeError(f"not a feedback request: {type(request).__name__}")


def guess_sentiment(text: str) -> str:
    """A plain keyword guess, used only when the person gave no `sentiment=`."""
    pos, neg = len(_POSITIVE.findall(text)), len(_NEGATIVE.findall(text))
    if neg > pos:
        return "negative"
    if pos > neg:
        return "positive"
    return "neutral"


def give(*, session: Session, actor: Actor, data: GiveFeedback) -> Outcome:
    """Record feedback. When anonymous, the author is not stored anywhere."""
    text = (data.text or "").strip()
    if not text:
        raise UsageError("What is the feedback? Add the text after the options.", USAGE)
    if len(text) > MAX_TEXT:
        raise UsageError(f"Feedback can have at most {MAX_TEXT} characters (this has {len(text)}).")
    if data.source not in SOURCES:
        raise UsageError(f"The source must be client or team, not {data.source}.", USAGE)
    sentiment = data.sentiment or guess_sentiment(text)
    if sentiment not in SENTIMENTS:
        raise UsageError(f"`sentiment=` must be one of {', '.join(SENTIMENTS)}.", USAGE)
    project: Project | None = None
    if data.project_id is not None:
        project = projects_repo.get(session=session, team_id=actor.team_id, project_id=data.project_id)
        if project is None:
            raise NotFound("That project no longer exists.")
    elif data.project_name:
        project = resolve(session=session, team_id=actor.team_id, name=data.project_name)
    number = counters.next_value(session=session, team_id=actor.team_id, name="feedback")
    item = Feedback(
        team_id=actor.team_id, number=number, project_id=project.id if project else None, source=data.source,
        sentiment=sentiment, text=text, is_private=data.private, is_anonymous=data.anonymous,
        author_id=None if data.anonymous else actor.user_id,
    )
    repo.add(session=session, item=item)
    return Outcome(reply=Recorded(item, project, guessed=data.sentiment is None))


def list_page(*, session: Session, actor: Actor, project_name: str | None = None, project_id: int | None = None,
              page: int = 1) -> Outcome:
    project = None
    if project_id is not None:
        project = projects_repo.get(session=session, team_id=actor.team_id, project_id=project_id)
    elif project_name:
        project = resolve(session=session, team_id=actor.team_id, name=project_name)
    query: dict[str, Any] = {"session": session, "team_id": actor.team_id, "viewer_id": actor.user_id,
                             "viewer_is_manager": actor.is_manager, "project_id": project.id if project else None,
                             "limit": PAGE_SIZE}
    page = max(1, page)
    rows, total = repo.page(offset=(page - 1) * PAGE_SIZE, **query)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if page > pages:
        page = pages
        rows, total = repo.page(offset=(page - 1) * PAGE_SIZE, **query)
    names = {k: v.name for k, v in projects_repo.by_ids(
        session=session, team_id=actor.team_id, ids={r.project_id for r in rows if r.project_id}).items()}
    return Outcome(reply=FeedbackPage(rows, names, total=total, page=page, pages=pages, project=project))


def act(*, session: Session, actor: Actor, number: int, what: str) -> Outcome:
    """Close the loop: say what was done; the author hears of it by DM unless anonymous."""
    if not actor.is_manager:
        raise Refused("Sorry, only managers can close the loop on feedback.")
    what = what.strip()
    if not what:
        raise UsageError(f"Say what was done: `/feedback act F-{number} WHAT_WE_DID`.", USAGE)
    if len(what) > MAX_TEXT:
        raise UsageError(f"At most {MAX_TEXT} characters, please.")
    # Taken with a lock: a second manager acting at the same time waits, then finds it acted on.
    item = repo.get_by_number(session=session, team_id=actor.team_id, number=number, lock=True)
    if item is None:
        raise NotFound(f"There is no feedback F-{number} here.")
    if item.acted_at is not None:
        raise AlreadyActed(number, item.acted_by, item.action_text)
    item.acted_at = clock.now()
    item.acted_by = actor.user_id
    item.action_text = what
    session.add(item)
    posts = []
    if not item.is_anonymous and item.author_id and item.author_id != actor.user_id:
        posts.append(Post(item.author_id, ActedNotice(item)))
    return Outcome(reply=Acted(item), posts=posts)
