"""What every listener does the same way: find the deps, run a request, deliver."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiohttp
from slack_bolt.async_app import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.deps import Deps
from bot.errors import Refused, UsageError, UserError
from bot.outcomes import Outcome
from bot.people import Actor
from bot.requests import Help, Request
from handlers.slack.render.catalog import render
from handlers.slack.render.common import core_message
from handlers.slack.text import to_core

log = logging.getLogger(__name__)
R = TypeVar("R", bound=Request)

GUEST_REFUSAL = ("Sorry, guest accounts can give feedback (`/feedback`) and answer the check-ins sent to them, "
                 "but not this. Ask someone on the team if you need it.")


def text_of(command: dict[str, Any]) -> str:
    """A slash command's text in the core's text (Slack's escapes and mentions read once)."""
    return to_core(str(command.get("text") or ""))


def get_deps(context: dict[str, Any]) -> Deps:
    return context["deps"]  # type: ignore[no-any-return]


def team_of(body: dict[str, Any]) -> str:
    """The workspace a request comes from (commands and interactive payloads differ)."""
    team = body.get("team_id") or (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id")
    return str(team or "")


def user_of(body: dict[str, Any]) -> str:
    return str(body.get("user_id") or (body.get("user") or {}).get("id") or "")


async def actor_of(deps: Deps, client: AsyncWebClient, team_id: str, user_id: str, *, guests: bool = False
                   ) -> Actor:
    """Who is asking; a guest account is refused (`Refused`) unless `guests` says they may.

    The one place the stakeholder policy lives: guests give feedback and answer their own
    check-ins (neither looks them up) and read `help`; everything else refuses them here."""
    actor = await deps.people.actor(team_id, user_id)
    if actor.is_guest and not guests:
        raise Refused(GUEST_REFUSAL)
    return actor


async def deliver(outcome: Outcome, client: AsyncWebClient, say_to_requester: Callable[..., Awaitable[Any]],
                  deps: Deps | None = None) -> None:
    """Show the reply, then make the posts; a failed post is told to the requester, not lost silently.
    A schedule change is applied at once through `deps.rhythm` (else the sweep follows it shortly)."""
    for view in (outcome.reply, *outcome.more):
        for part in render(view):
            await say_to_requester(**part)
    if outcome.reschedule and deps is not None and deps.rhythm is not None:
        await deps.rhythm.rebuild()
    for post in outcome.posts:
        try:
            for part in render(post.message):
                await client.chat_postMessage(channel=post.channel, **part)
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as e:
            # Told as a failed post, never as a failed request: what was asked is saved already.
            error = e.response.get("error") if isinstance(e, SlackApiError) else type(e).__name__
            log.warning("chat.postMessage to %s failed: %s", post.channel, error)
            if post.on_fail:
                await say_to_requester(**core_message(post.on_fail))


async def run_request(request: R, perform: Callable[..., Outcome], deps: Deps, client: AsyncWebClient,
                      team_id: str, user_id: str) -> Outcome:
    """Carry out a feature's typed request as this person: `perform(request, session=, actor=)` in
    one unit of work (read-only when the request class says so). Raises `UserError` for a refusal
    or bad input."""
    if request.lookup_actor or not request.guests:
        actor = await actor_of(deps, client, team_id, user_id, guests=request.guests)
    else:  # open to everyone and better not known (giving feedback): the person is not looked up
        actor = Actor(team_id, user_id)
    work = functools.partial(perform, request)
    if not request.write:
        return await deps.db.read(work, actor=actor)
    journal = deps.journal
    fn = journal.within(work) if journal is not None else work  # done in the same unit of work
    return await deps.db.write(fn, actor=actor)


async def answer_request(request: R, perform: Callable[..., Outcome], *, deps: Deps, client: AsyncWebClient,
                         respond: Callable[..., Awaitable[Any]], team_id: str, user_id: str) -> None:
    """After ack(): carry out the request and answer through the command's response_url (else by DM)."""

    async def say(**message: Any) -> None:
        await respond_or_dm(respond, client, user_id, message)

    try:
        outcome = await run_request(request, perform, deps, client, team_id, user_id)
    except UserError as e:  # a view too: one that quotes what someone typed escapes it in its renderer
        for part in render(e):
            await say(**part)
        return
    await deliver(outcome, client, say, deps)


async def respond_or_dm(respond: Callable[..., Awaitable[Any]] | None, client: AsyncWebClient, user_id: str,
                        message: dict[str, Any]) -> None:
    """An ephemeral answer through response_url; a DM when there is none or it fails (an HTTP error,
    no connection), since what was asked may be saved already and the person must hear what it was."""
    if respond is not None:
        try:
            result = await respond(response_type="ephemeral", replace_original=False, **message)
            status = getattr(result, "status_code", 200)
            if status < 400:
                return
            log.warning("response_url answered HTTP %s; sending a DM", status)
        except (aiohttp.ClientError, TimeoutError, OSError) as e:
            log.warning("response_url failed (%s); sending a DM", type(e).__name__)
    else:
        log.info("no response_url; sending a DM")
    if not user_id:
        return
    try:
        await client.chat_postMessage(channel=user_id, **message)
    except (SlackApiError, aiohttp.ClientError, TimeoutError) as e:
        error = e.response.get("error") if isinstance(e, SlackApiError) else type(e).__name__
        log.warning("could not answer by DM either: %s", error)  # no user id: it may be an anonymous author


async def tell_user(client: AsyncWebClient, user_id: str, channel_id: str | None, message: dict[str, Any]) -> None:
    """An ephemeral note in `channel_id` when possible, else a DM (e.g. after a modal is submitted)."""
    if channel_id and not channel_id.startswith("D"):
        try:
            await client.chat_postEphemeral(channel=channel_id, user=user_id, **message)
            return
        except SlackApiError as e:
            log.info("chat.postEphemeral in %s failed (%s); sending a DM", channel_id, e.response.get("error"))
    await client.chat_postMessage(channel=user_id, **message)


async def acknowledge(ack: AsyncAck, parse: Callable[[], Any]) -> Any:
    """Read a command's text and ack at once. Bad input and help are the ack's own answer (None:
    nothing more to do, nothing written); otherwise an empty ack and the request to carry out."""
    try:
        request = parse()
    except UsageError as e:
        await ack(**core_message(str(e)))
        return None
    if isinstance(request, Help):
        await ack(**core_message(request.text))
        return None
    await ack()
    return request
