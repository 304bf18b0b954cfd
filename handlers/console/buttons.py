"""Pressing a numbered button: the same core functions the Slack front end's buttons call.

A button's `action` names what it does and its `args` carry the ids (`handlers.console.render`);
who may press it is the core's rule, as in Slack (the console shows every message to whoever sits
at it, so a poll sent to @ann can be pressed by @manager, and is refused).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.checkins import flows as checkin_flows
from bot.checkins import service as checkins
from bot.errors import UserError
from bot.feedback import service as feedback
from bot.feedback.grammar import ListFeedback
from bot.lessons import service as lessons
from bot.lessons.grammar import ListLessons
from bot.outcomes import Outcome
from bot.ports import Posted
from bot.reviews import service as reviews
from bot.reviews.views import UpdateForm
from bot.risks import duplicates
from bot.risks import service as risks
from bot.risks.grammar import ListRisks
from bot.standups import flows as standup_flows
from bot.standups import service as standups
from bot.summaries import service as summaries
from bot.summaries.grammar import AllOpenRisks
from handlers.console import forms, scope
from handlers.console.ports import TEAM
from handlers.console.session import Console

STALE = "That button no longer works."


def _id(args: dict[str, Any], key: str) -> int | None:
    v = args.get(key)
    return v if isinstance(v, int) and not isinstance(v, bool) and 0 < v < 2**31 else None


def _need(value: int | None) -> int:
    if value is None:
        raise UserError(STALE)
    return value


async def press(console: Console, number: int) -> None:
    button = console.screen.buttons.get(number)
    if button is None:
        console.say(f"There is no button [{number}].")
        return
    action, args, where = button.choice.action, button.choice.args, button.where
    if action == "risks.page":
        await console.perform(ListRisks(project_id=_id(args, "p"), include_closed=args.get("a") is True,
                                        page=_id(args, "page") or 1), risks.perform)
    elif action == "feedback.page":
        await console.perform(ListFeedback(project_id=_id(args, "p"), page=_id(args, "page") or 1), feedback.perform)
    elif action == "summary.all_risks":
        await console.perform(AllOpenRisks(project_id=_id(args, "p")), summaries.perform)
    elif action.startswith("review."):
        await review(console, action, _need(_id(args, "n")), where)
    elif action in ("checkin.score", "checkin.status"):
        key = action.removeprefix("checkin.")
        value = args.get(key)
        if not (isinstance(value, int) and 1 <= value <= 5) and value not in checkins.STATUSES:
            raise UserError(STALE)
        await record(console, _need(_id(args, "poll")), {key: value}, where)
    elif action == "checkin.comment":
        await comment(console, _need(_id(args, "poll")), where)
    elif action == "checkin.log_risk":
        answerer = args.get("answerer")
        if not isinstance(answerer, str):
            raise UserError(STALE)
        profile = await console.deps.people.profile(TEAM, answerer)
        prefill = await console.deps.db.read(checkins.risk_prefill, team_id=TEAM, poll_id=_need(_id(args, "poll")),
                                             answerer=answerer, presser=console.user, answerer_name=profile.name)
        await forms.risk_form(console, prefill, source="checkin")
    elif action == "standup.answer":
        await standup_answer(console, _need(_id(args, "s")), args.get("d"), where)
    elif action == "standup.blocker_risk":
        actor = await console.actor()
        prefill, _ = await console.deps.db.read(standups.blocker_prefill, actor=actor,
                                                answer_id=_need(_id(args, "answer")))
        await forms.risk_form(console, prefill, source="standup")
    elif action == "lessons.page":
        query = args.get("q") if isinstance(args.get("q"), str) else None
        tag = args.get("t") if isinstance(args.get("t"), str) else None
        await console.perform(ListLessons(project_id=_id(args, "p"), tag=tag,
                                          words=tuple(query.lower().split()[:10]) if query else (),
                                          page=_id(args, "page") or 1), lessons.perform)
    elif action == "lesson.open":
        await forms.lesson_form(console, {"project_id": _need(_id(args, "p"))})
    elif action == "risk.duplicate":
        await console.perform(duplicates.CloseAsDuplicate(_need(_id(args, "n")), _need(_id(args, "of"))),
                              duplicates.perform)
    elif action in ("scope.approve", "scope.reject"):
        await scope.press(console, action, args, where)
    elif action == "standup.change":
        await scope.from_standup(console, _need(_id(args, "answer")))
    elif action == "checkin.change":
        await scope.from_checkin(console, _need(_id(args, "poll")), args.get("answerer"))
    else:
        console.say(STALE)


async def review(console: Console, action: str, number: int, where: Posted | None) -> None:
    """Still valid, close, or update a risk at its review; the reminder then says what was done."""
    if action == "review.still_valid":
        outcome = await console.run_request(reviews.StillValid(number), reviews.perform)
    elif action == "review.close":
        outcome = await console.run_request(reviews.CloseAtReview(number), reviews.perform)
    elif action == "review.update":
        opened = await console.run_request(reviews.OpenUpdate(number), reviews.perform)
        form = opened.reply
        if not isinstance(form, UpdateForm):
            raise UserError(STALE)
        data = await forms.review_update(console, form)
        outcome = await console.run_request(reviews.UpdateAtReview(number, data), reviews.perform)
    else:
        raise UserError(STALE)
    if where is not None:  # the reminder itself now says what was done
        await console.deps.platform.messenger.update(where, outcome.reply)
        outcome = Outcome(reply=None, more=outcome.more, posts=outcome.posts, reschedule=outcome.reschedule)
    await console.deliver(outcome)


async def record(console: Console, poll_id: int, changes: dict[str, Any], where: Posted | None) -> None:
    """Store an answer, show it in the poll's message, and alert the managers when it is low."""
    done = await console.deps.db.write(checkins.answer, team_id=TEAM, user_id=console.user, poll_id=poll_id,
                                       changes=changes, channel=where.channel if where else None)
    assert done.poll.id is not None
    if where is not None:
        await console.deps.platform.messenger.update(where, done.shown())
    else:
        console.say(done.shown())
    if done.low:
        await checkin_flows.alert_managers(console.deliverer(), console.deps.db, TEAM, done.poll.id, console.user)


async def comment(console: Console, poll_id: int, where: Posted | None) -> None:
    channel = where.channel if where else None
    name, current = await console.deps.db.read(checkins.current_answer, team_id=TEAM, poll_id=poll_id,
                                               user_id=console.user, channel=channel)
    console.say(f"A comment on your {name} check-in (Enter keeps [the value], `cancel` closes the form):")
    said = await forms.text(console, "Comment", default=current.comment if current else None,
                            limit=checkins.MAX_COMMENT)
    await record(console, poll_id, {"comment": said or ""}, where)


async def standup_answer(console: Console, standup_id: int, day_text: Any, where: Posted | None) -> None:
    """The prompt's button: the answer form, stored, posted in the channel, and the prompt marked answered."""
    try:
        day = date.fromisoformat(day_text) if isinstance(day_text, str) else None
    except ValueError:
        day = None
    if day is None:
        raise UserError(STALE)
    actor = await console.actor()
    _, earlier = await console.deps.db.read(standups.open_answer, actor=actor, standup_id=standup_id, day=day,
                                            fallback_tz=console.fallback_tz)
    yesterday, today, blockers = await forms.standup_answer(console, earlier)
    saved = await console.deps.db.write(standups.save_answer, actor=actor, standup_id=standup_id, day=day,
                                        yesterday=yesterday, today=today, blockers=blockers,
                                        fallback_tz=console.fallback_tz)
    messenger = console.deps.platform.messenger
    problem = await standup_flows.publish_answer(console.deps, messenger, saved)
    if where is not None:
        await standup_flows.mark_prompt_answered(messenger, where.channel, where.ts, saved)
    else:
        console.say("Saved your stand-up.")
    if problem:
        console.say(problem)
