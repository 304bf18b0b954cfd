"""Card buttons (`Action.Execute` verbs, see `handlers.teams.ids`): the same core functions the
Slack front end's buttons and forms call.

Each handler gets the turn and the action's `data` (the card's inputs included) and returns the
invoke's answer, given in the HTTP response: a card that replaces the one pressed (the answer shown
in place), or a message (`answers.note`) that leaves the card as it was (a refusal, bad input,
nothing stored). Work the person need not wait for (the managers' alert, a stand-up answer posted
to its channel, announcements) goes in `later`, run after the HTTP answer. Who may press what is
the core's rule: a poll answered by anyone but the person asked is refused, nothing stored.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.checkins import flows as checkin_flows
from bot.checkins import service as checkins
from bot.errors import UserError
from bot.feedback import service as feedback
from bot.feedback.grammar import ListFeedback
from bot.reviews import service as reviews
from bot.reviews.views import UpdateForm
from bot.risks import service as risks
from bot.risks.grammar import AddRisk, ListRisks
from bot.standups import flows as standup_flows
from bot.standups import service as standups
from bot.standups.views import PromptAnswered
from bot.summaries import service as summaries
from bot.summaries.grammar import AllOpenRisks
from handlers.teams import forms, ids, lessons, scope
from handlers.teams.answers import STALE, Answer, Handler, Later, note, replace
from handlers.teams.answers import need as _need
from handlers.teams.answers import number as _int
from handlers.teams.answers import shown as _shown
from handlers.teams.render import Activity, Rendered
from handlers.teams.render.catalog import render
from handlers.teams.render.checkins import comment_form
from handlers.teams.render.risks import risk_form
from handlers.teams.render.standups import prompt_card
from handlers.teams.session import Turn

# ---- forms ------------------------------------------------------------------------------------------

async def risk_submit(turn: Turn, data: dict[str, Any], later: Later) -> Answer:
    return await _shown(turn, await turn.run_request(AddRisk(forms.risk_input(data)), risks.perform), later)


async def feedback_submit(turn: Turn, data: dict[str, Any], later: Later) -> Answer:
    return await _shown(turn, await turn.run_request(forms.feedback_request(data), feedback.perform), later)


def with_source(activities: list[Activity], source: str) -> list[Activity]:
    """The risk form, its submit marked with where the risk came from (a check-in or a stand-up)."""
    for a in activities:
        for attachment in a.get("attachments") or []:
            for action in attachment.get("content", {}).get("actions") or []:
                if action.get("verb") == ids.RISK_SUBMIT:
                    action["data"] = {**action.get("data", {}), ids.I_SOURCE: source}
    return activities


async def _send_risk_form(turn: Turn, prefill: dict[str, Any], source: str) -> Answer:
    await turn.tell(Rendered(tuple(with_source(risk_form(await forms.projects(turn), prefill), source))))
    return note("I've sent you the risk form in our chat." if not turn.personal else "Here is the risk form.")


# ---- lists ------------------------------------------------------------------------------------------

async def risk_page(turn: Turn, data: dict[str, Any], later: Later) -> Answer:
    request = ListRisks(project_id=_int(data, ids.D_PROJECT), include_closed=data.get(ids.D_ALL) is True,
                        page=_int(data, ids.D_PAGE) or 1)
    return await _shown(turn, await turn.run_request(request, risks.perform), later)


async def feedback_page(turn: Turn, data: dict[str, Any], later: Later) -> Answer:
    request = ListFeedback(project_id=_int(data, ids.D_PROJECT), page=_int(data, ids.D_PAGE) or 1)
    return await _shown(turn, await turn.run_request(request, feedback.perform), later)


async def summary_all_risks(turn: Turn, data: dict[str, Any], later: Later) -> Answer:
    outcome = await turn.run_request(AllOpenRisks(project_id=_int(data, ids.D_PROJECT)), summaries.perform)
    later(turn.deliver(outcome))  # a message of its own: the summary stays
    return note("Here are the open risks.")


# ---- check-ins --------------------------------------------------------------------------------------

async def record(turn: Turn, poll_id: int, changes: dict[str, Any], later: Later) -> Answer:
    """Store an answer (only the person asked may), show it in the card, alert the managers when it is low."""
    done = await turn.deps.db.write(checkins.answer, team_id=turn.team, user_id=turn.user, poll_id=poll_id,
                                    changes=changes, channel=turn.inbound.conversation)
    assert done.poll.id is not None
    if done.low:
        later(_alert(turn, done.poll.id))
    return replace(render(done.shown()))


async def _alert(turn: Turn, poll_id: int) -> None:
    await checkin_flows.alert_managers(turn.deliverer(), turn.deps.db, turn.team, poll_id, turn.user)


async def checkin_answer(turn: Turn, data: dict[str, Any], later: Later) -> Answer:
    poll_id = _need(_int(data, ids.D_POLL))
    changes: dict[str, Any] = {}
    score = _int(data, ids.D_SCORE)
    if score is not None:
        changes["score"] = score
    status = data.get(ids.I_CHECKIN_STATUS)
    if status in checkins.STATUSES:
        changes["status"] = status
    if isinstance(data.get(ids.I_COMMENT), str):
        changes["comment"] = data[ids.I_COMMENT]
    return await record(turn, poll_id, changes, later)


async def checkin_comment(turn: Turn, data: dict[str, Any], later: Later) -> Answer:
    poll_id = _need(_int(data, ids.D_POLL))
    name, current = await turn.deps.db.read(checkins.current_answer, team_id=turn.team, poll_id=poll_id,
                                            user_id=turn.user, channel=turn.inbound.conversation)
    return replace(comment_form(poll_id, name, current.comment if current else None))


async def checkin_comment_save(turn: Turn, data: dict[str, Any], later: Later) -> Answer:
    comment = data.get(ids.I_COMMENT)
    return await record(turn, _need(_int(data, ids.D_POLL)), {"comment": comment if isinstance(comment, str) else ""},
                        later)


async def checkin_log_risk(turn: Turn, data: dict[str, Any], later: Later) -> Answer:
    answerer = data.get(ids.D_ANSWERER)
    if not isinstance(answerer, str) or not answerer:
        raise UserError(STALE)
    profile = await turn.deps.people.profile(turn.team, answerer)
    prefill = await turn.deps.db.read(checkins.risk_prefill, team_id=turn.team, poll_id=_need(_int(data, ids.D_POLL)),
                                      answerer=answerer, presser=turn.user, answerer_name=profile.name)
    await turn.actor()
    return await _send_risk_form(turn, prefill, "checkin")


# ---- stand-ups --------------------------------------------------------------------------------------

def _day(data: dict[str, Any]) -> date:
    try:
        return date.fromisoformat(str(data.get(ids.D_DAY)))
    except ValueError:
        raise UserError(STALE) from None


async def standup_answer(turn: Turn, data: dict[str, Any], later: Later) -> Answer:
    """The prompt's answers: stored, posted in the stand-up's channel (after the answer), the card marked."""
    standup_id, day = _need(_int(data, ids.D_STANDUP)), _day(data)
    yesterday, today, blockers = forms.standup_answer(data)
    actor = await turn.actor()
    saved = await turn.deps.db.write(standups.save_answer, actor=actor, standup_id=standup_id, day=day,
                                     yesterday=yesterday, today=today, blockers=blockers,
                                     fallback_tz=turn.fallback_tz)

    async def publish() -> None:
        problem = await standup_flows.publish_answer(turn.deps, turn.deps.platform.messenger, saved)
        if problem:
            await turn.tell(problem)

    later(publish())
    return replace(render(PromptAnswered(saved.standup, saved.answer.day)))


async def standup_edit(turn: Turn, data: dict[str, Any], later: Later) -> Answer:
    standup_id, day = _need(_int(data, ids.D_STANDUP)), _day(data)
    actor = await turn.actor()
    s, earlier = await turn.deps.db.read(standups.open_answer, actor=actor, standup_id=standup_id, day=day,
                                         fallback_tz=turn.fallback_tz)
    return replace(prompt_card(s, day, earlier))


async def standup_blocker_risk(turn: Turn, data: dict[str, Any], later: Later) -> Answer:
    actor = await turn.actor()
    prefill, _ = await turn.deps.db.read(standups.blocker_prefill, actor=actor,
                                         answer_id=_need(_int(data, ids.D_ANSWER)))
    return await _send_risk_form(turn, prefill, "standup")


# ---- risk reviews -----------------------------------------------------------------------------------

async def review_valid(turn: Turn, data: dict[str, Any], later: Later) -> Answer:
    outcome = await turn.run_request(reviews.StillValid(_need(_int(data, ids.D_NUMBER))), reviews.perform)
    return await _shown(turn, outcome, later)


async def review_close(turn: Turn, data: dict[str, Any], later: Later) -> Answer:
    outcome = await turn.run_request(reviews.CloseAtReview(_need(_int(data, ids.D_NUMBER))), reviews.perform)
    return await _shown(turn, outcome, later)


async def review_update(turn: Turn, data: dict[str, Any], later: Later) -> Answer:
    opened = await turn.run_request(reviews.OpenUpdate(_need(_int(data, ids.D_NUMBER))), reviews.perform)
    if not isinstance(opened.reply, UpdateForm):
        raise UserError(STALE)
    return replace(render(opened.reply))


async def review_save(turn: Turn, data: dict[str, Any], later: Later) -> Answer:
    request = reviews.UpdateAtReview(_need(_int(data, ids.D_NUMBER)), forms.review_input(data))
    return await _shown(turn, await turn.run_request(request, reviews.perform), later)


VERBS: dict[str, Handler] = {
    ids.RISK_SUBMIT: risk_submit,
    ids.FEEDBACK_SUBMIT: feedback_submit,
    ids.RISK_PAGE: risk_page,
    ids.FEEDBACK_PAGE: feedback_page,
    ids.SUMMARY_FULL_RISKS: summary_all_risks,
    ids.CHECKIN_ANSWER: checkin_answer,
    ids.CHECKIN_COMMENT: checkin_comment,
    ids.CHECKIN_COMMENT_SAVE: checkin_comment_save,
    ids.CHECKIN_LOG_RISK: checkin_log_risk,
    ids.STANDUP_ANSWER: standup_answer,
    ids.STANDUP_EDIT: standup_edit,
    ids.STANDUP_BLOCKER_RISK: standup_blocker_risk,
    ids.REVIEW_VALID: review_valid,
    ids.REVIEW_UPDATE: review_update,
    ids.REVIEW_CLOSE: review_close,
    ids.REVIEW_SAVE: review_save,
    ids.LESSON_SUBMIT: lessons.submit,
    ids.LESSON_PAGE: lessons.page,
    ids.LESSON_OPEN: lessons.open_form,
    ids.RISK_DUPLICATE: lessons.duplicate,
    ids.SCOPE_APPROVE: scope.approve,
    ids.SCOPE_REJECT: scope.reject,
    ids.SCOPE_BASELINE_SUBMIT: scope.baseline_submit,
    ids.SCOPE_CHANGE_SUBMIT: scope.change_submit,
    ids.STANDUP_CHANGE: scope.from_standup,
    ids.CHECKIN_CHANGE: scope.from_checkin,
}
