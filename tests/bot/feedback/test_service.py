"""Feedback: giving it, who may see private items, anonymity, and closing the loop."""

from __future__ import annotations

from functools import partial

import pytest
from sqlmodel import select

from bot import text
from bot.errors import NotFound, Refused, UsageError
from bot.feedback import service as feedback
from bot.feedback.grammar import ActOnFeedback, GiveFeedback, ListFeedback
from bot.feedback.service import AlreadyActed, FeedbackInput
from bot.feedback.views import Acted, ActedNotice, FeedbackPage, Recorded
from bot.people import Actor
from bot.projects import service as projects
from storage.models import Feedback
from tests.bot.people import MANAGER, MEMBER, OTHER, TEAM
from tests.bot.units import Db


def give(db: Db, actor: Actor = MEMBER, **fields) -> str:  # type: ignore[no-untyped-def]
    out = db.run(feedback.give, actor=actor, data=FeedbackInput(**fields))
    assert isinstance(out.reply, Recorded)
    return f"Recorded F-{out.reply.item.number}"


def rows(db: Db) -> list[Feedback]:
    with db.session() as s:
        return list(s.exec(select(Feedback).order_by(Feedback.number)))


def page(db: Db, actor: Actor, **kwargs) -> FeedbackPage:  # type: ignore[no-untyped-def]
    view = db.run(feedback.list_page, write=False, actor=actor, **kwargs).reply
    assert isinstance(view, FeedbackPage)
    return view


def listed(db: Db, actor: Actor, **kwargs) -> str:  # type: ignore[no-untyped-def]
    """What the page holds: its items' texts and authors, its count and place."""
    view = page(db, actor, **kwargs)
    items = [f"{r.text} by {r.author_id}" for r in view.rows]
    return "\n".join([*items, f"({view.total})", f"page {view.page} of {view.pages}"])


def test_give_records_f_numbers_and_author(db: Db) -> None:
    assert give(db, text="Great demo", source="client", sentiment="positive") == "Recorded F-1"
    assert give(db, text="Too many meetings") == "Recorded F-2"
    a, b = rows(db)
    assert (a.number, a.source, a.sentiment, a.author_id, a.team_id, a.is_private) == (
        1, "client", "positive", "UMEMBER", TEAM, False)
    assert (b.source, b.author_id) == ("team", "UMEMBER")


def test_sentiment_is_guessed_when_not_given(db: Db) -> None:
    give(db, text="The client is unhappy about the delay")
    give(db, text="Thanks, great work")
    give(db, text="We met on Tuesday")
    assert [r.sentiment for r in rows(db)] == ["negative", "positive", "neutral"]


def test_anonymous_feedback_stores_no_author(db: Db) -> None:
    out = db.run(feedback.give, actor=MEMBER, data=FeedbackInput(text="The plan is unrealistic", anonymous=True))
    assert isinstance(out.reply, Recorded) and out.reply.item.number == 1
    assert out.reply.item.is_anonymous and out.reply.item.author_id is None
    [r] = rows(db)
    assert r.author_id is None and r.is_anonymous
    assert "UMEMBER" not in listed(db, MANAGER)


@pytest.mark.parametrize("data,match", [
    (FeedbackInput(text="  "), "What is the feedback"),
    (FeedbackInput(text="x" * 3001), "3000"),
    (FeedbackInput(text="x", source="vendor"), "client or team"),
    (FeedbackInput(text="x", sentiment="meh"), "sentiment="),
])
def test_bad_input_writes_nothing(db: Db, data: FeedbackInput, match: str) -> None:
    with pytest.raises(UsageError, match=match):
        db.run(feedback.give, actor=MEMBER, data=data)
    assert rows(db) == []


def test_unknown_project_is_refused_with_closest_names(db: Db) -> None:
    db.run(projects.create, actor=MANAGER, name="Apollo")
    with pytest.raises(NotFound, match="Apollo"):
        give(db, text="x", project_name="Apolo")
    assert rows(db) == []
    give(db, text="x", project_name="APOLLO")
    assert rows(db)[0].project_id is not None


def test_private_is_seen_by_managers_and_the_author_only(db: Db) -> None:
    give(db, MEMBER, text="Secret worry", private=True)
    give(db, OTHER, text="Open remark")
    assert "Secret worry" in listed(db, MEMBER)
    assert "Secret worry" in listed(db, MANAGER)
    other = listed(db, OTHER)
    assert "Secret worry" not in other and "Open remark" in other
    assert "(1)" in other  # the count leaves hidden items out too


def test_private_anonymous_is_for_managers_only(db: Db) -> None:
    give(db, MEMBER, text="Hidden and nameless", private=True, anonymous=True)
    assert "Hidden and nameless" in listed(db, MANAGER)
    assert "Hidden and nameless" not in listed(db, MEMBER)  # not even its author can be told apart


def test_list_by_project_and_pages(db: Db) -> None:
    db.run(projects.create, actor=MANAGER, name="Apollo")
    give(db, text="about apollo", project_name="apollo")
    for n in range(21):
        give(db, text=f"general {n}")
    assert "about apollo" in listed(db, MEMBER, project_name="Apollo")
    assert "general" not in listed(db, MEMBER, project_name="Apollo")
    assert "page 1 of 2" in listed(db, MEMBER)
    assert "page 2 of 2" in listed(db, MEMBER, page=50)


def test_other_workspace_sees_nothing(db: Db) -> None:
    give(db, text="ours only")
    assert "ours only" not in listed(db, Actor("T2", "UMGR", is_manager=True))
    with pytest.raises(NotFound):
        db.run(feedback.act, actor=Actor("T2", "UMGR", is_manager=True), number=1, what="x")


def test_act_closes_the_loop_and_tells_the_author(db: Db) -> None:
    give(db, MEMBER, text="Demo was late")
    out = db.run(feedback.act, actor=MANAGER, number=1, what="Moved the demo")
    [post] = out.posts
    assert post.channel == "UMEMBER" and isinstance(post.message, ActedNotice)
    assert (post.message.item.number, post.message.item.action_text) == (1, "Moved the demo")
    assert isinstance(out.reply, Acted) and out.reply.item.acted_by == "UMGR"
    r = rows(db)[0]
    assert (r.acted_by, r.action_text) == ("UMGR", "Moved the demo") and r.acted_at is not None
    with pytest.raises(AlreadyActed, match="already") as e:
        db.run(feedback.act, actor=MANAGER, number=1, what="again")
    assert isinstance(e.value, UsageError)
    assert (e.value.number, e.value.acted_by, e.value.action_text) == (1, "UMGR", "Moved the demo")
    assert str(e.value) == f"F-1 was already acted on by {text.person('UMGR')}: Moved the demo"


def test_act_on_anonymous_tells_nobody(db: Db) -> None:
    give(db, MEMBER, text="Nameless", anonymous=True)
    out = db.run(feedback.act, actor=MANAGER, number=1, what="Fixed")
    assert out.posts == [] and isinstance(out.reply, Acted)
    assert out.reply.item.author_id is None and out.reply.item.is_anonymous


def test_act_on_own_feedback_sends_no_dm(db: Db) -> None:
    give(db, MANAGER, text="Note to self")
    assert db.run(feedback.act, actor=MANAGER, number=1, what="Done").posts == []


def test_act_is_for_managers(db: Db) -> None:
    give(db, MEMBER, text="x")
    with pytest.raises(Refused, match="managers"):
        db.run(feedback.act, actor=MEMBER, number=1, what="Done")
    assert rows(db)[0].acted_at is None


@pytest.mark.parametrize("number,what,error", [(9, "Done", NotFound), (1, "  ", UsageError),
                                               (1, "x" * 3001, UsageError)])
def test_act_bad_input(db: Db, number: int, what: str, error: type[Exception]) -> None:
    give(db, MEMBER, text="x")
    with pytest.raises(error):
        db.run(feedback.act, actor=MANAGER, number=number, what=what)
    assert rows(db)[0].acted_at is None


# ---- perform: the typed requests, carried out -----------------------------------------------------

def test_perform_carries_out_each_request(db: Db) -> None:
    out = db.run(partial(feedback.perform, GiveFeedback(text="Great demo", source="client")), actor=MEMBER)
    assert isinstance(out.reply, Recorded) and out.reply.guessed and out.reply.item.sentiment == "positive"
    view = db.run(partial(feedback.perform, ListFeedback()), write=False, actor=MEMBER).reply
    assert isinstance(view, FeedbackPage) and [r.number for r in view.rows] == [1]
    out = db.run(partial(feedback.perform, ActOnFeedback(number=1, what="Thanked them")), actor=MANAGER)
    assert isinstance(out.reply, Acted) and [p.channel for p in out.posts] == ["UMEMBER"]


def test_list_names_the_projects_of_its_rows(db: Db) -> None:
    db.run(projects.create, actor=MANAGER, name="Apollo")
    give(db, text="about apollo", project_name="Apollo")
    give(db, text="general")
    view = page(db, MEMBER)
    [project_id] = {r.project_id for r in view.rows if r.project_id}
    assert view.project_names == {project_id: "Apollo"} and view.project is None
    by_id = page(db, MEMBER, project_id=project_id)
    assert by_id.project is not None and by_id.project.name == "Apollo" and by_id.total == 1
