"""The core's ports over the connector, against the HTTPS stand-in: views rendered and posted, the
ledger's sender, recipients nobody can locate, 1:1 chats opened on demand, and the directory."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import pytest

from bot.ports import Platform, Posted, PostFailed, Profile
from bot.risks.views import RiskClosed
from handlers.teams.connector import Connector
from handlers.teams.ports import (
    Location,
    Reach,
    TeamsDirectory,
    TeamsMessenger,
    TeamsSender,
    teams_platform,
)
from handlers.teams.render.cards import CARD, MAX_TEXT
from handlers.teams.tokens import TokenProvider
from storage.models import Risk
from tests.teams_stub import TeamsStub

T = TypeVar("T")
CHANNEL = "19:chan@thread.tacv2"
BOT = "28:bot-app"


def risk() -> Risk:
    now = datetime(2030, 1, 2, 3, 4, tzinfo=UTC)
    return Risk(id=1, team_id="tenant", number=1, title="Vendor may slip", probability=4, impact=5, score=20,
                status="closed", owner_id="aad-owner", created_by="aad-member", review_date=date(2030, 2, 1),
                created_at=now, updated_at=now, closed_at=now)


def known(stub: TeamsStub) -> dict[str, Location]:
    """The conversation references a later session stores: Ann's 1:1 chat and a team channel."""
    return {"aad-ann": (stub.service_url, "a:dm-ann"), CHANNEL: (stub.service_url, CHANNEL),
            "a:dm-ann": (stub.service_url, "a:dm-ann")}


def run(stub: TeamsStub, body: Callable[[Reach], Awaitable[T]], *, open_dm: bool = False,
        asked: list[tuple[str, str]] | None = None) -> T:
    """Run `body` with a `Reach` over a fresh connector; `asked` collects the resolver's questions."""
    refs = known(stub)

    async def where(team_id: str, recipient: str) -> Location | None:
        if asked is not None:
            asked.append((team_id, recipient))
        return refs.get(recipient)

    async def main() -> T:
        tokens = TokenProvider(stub.app_id, stub.password, stub.tenant_id, stub.login_url)
        async with Connector(tokens.token, min_gap=0, backoff=0.01) as connector:

            async def dm(team_id: str, person: str) -> Location | None:
                member = {"aad-bob": "29:bob"}.get(person)
                if member is None:
                    return None
                conversation = await connector.create_conversation(stub.service_url, team_id, BOT, member)
                refs[person] = (stub.service_url, conversation)
                return refs[person]

            return await body(Reach(connector, stub.tenant_id, where, dm if open_dm else None))

    return asyncio.run(main())


# ---- messenger -------------------------------------------------------------------------------------

def test_core_text_is_posted_to_a_persons_chat(teams_stub: TeamsStub) -> None:
    asked: list[tuple[str, str]] = []
    posted = run(teams_stub, lambda r: TeamsMessenger(r).post("aad-ann", "hello"), asked=asked)
    (call,) = teams_stub.sent("a:dm-ann")
    assert len(posted) == 1 and posted[0].channel == "a:dm-ann" and posted[0].ts.startswith("stub-activity-")
    assert call.kind == "send" and call.body["type"] == "message" and "hello" in call.body["text"]
    assert call.authorization == f"Bearer {teams_stub.issued_tokens[-1]}"
    assert asked == [(teams_stub.tenant_id, "aad-ann")]


def test_a_view_is_rendered_to_a_card_and_posted(teams_stub: TeamsStub) -> None:
    posted = run(teams_stub, lambda r: TeamsMessenger(r).post(CHANNEL, RiskClosed(risk(), "Done with it")))
    (call,) = teams_stub.sent(CHANNEL)
    assert len(posted) == 1 and posted[0].channel == CHANNEL and posted[0].ts.startswith("stub-activity-")
    (attachment,) = call.body["attachments"]
    assert attachment["contentType"] == CARD
    assert "R-1" in str(attachment["content"]) and "Done with it" in str(attachment["content"])


def test_a_post_in_a_thread_replies_to_its_message(teams_stub: TeamsStub) -> None:
    posted = run(teams_stub, lambda r: TeamsMessenger(r).post(CHANNEL, "in the thread",
                                                              thread=Posted(CHANNEL, "root-1")))
    (call,) = teams_stub.sent(CHANNEL)
    assert (call.kind, call.activity_id, call.body["replyToId"]) == ("reply", "root-1", "root-1")
    assert posted[0].channel == CHANNEL


def test_a_long_text_is_posted_in_several_messages(teams_stub: TeamsStub) -> None:
    long = "\n".join(f"line {i} " + "x" * 100 for i in range(2 * MAX_TEXT // 100))
    posted = run(teams_stub, lambda r: TeamsMessenger(r).post("aad-ann", long))
    assert len(posted) > 1 and len(teams_stub.sent("a:dm-ann")) == len(posted)
    assert len({p.ts for p in posted}) == len(posted)


def test_update_and_delete_reach_the_message(teams_stub: TeamsStub, monkeypatch: pytest.MonkeyPatch) -> None:

    async def body(r: Reach) -> Posted:
        messenger = TeamsMessenger(r)
        (where,) = await messenger.post("aad-ann", "first")
        await messenger.update(where, RiskClosed(risk()))
        await messenger.delete(where)
        return where

    where = run(teams_stub, body)
    _, update, delete = teams_stub.calls
    assert (update.kind, update.conversation_id, update.activity_id, update.status) == (
        "update", "a:dm-ann", where.ts, 200)
    assert update.body["attachments"][0]["contentType"] == CARD and update.body["id"] == where.ts
    assert (delete.kind, delete.conversation_id, delete.activity_id, delete.status) == (
        "delete", "a:dm-ann", where.ts, 200)


def test_an_update_finds_the_conversation_through_the_resolver(teams_stub: TeamsStub) -> None:
    asked: list[tuple[str, str]] = []
    run(teams_stub, lambda r: TeamsMessenger(r).update(Posted("a:dm-ann", "act-1"), "changed"), asked=asked)
    (call,) = teams_stub.calls
    assert (call.kind, call.activity_id) == ("update", "act-1")
    assert asked == [(teams_stub.tenant_id, "a:dm-ann")]


def test_redraw_edits_adds_and_removes_parts(teams_stub: TeamsStub, monkeypatch: pytest.MonkeyPatch) -> None:
    long = "\n".join(f"line {i} " + "x" * 100 for i in range(2 * MAX_TEXT // 100))

    async def body(r: Reach) -> tuple[list[Posted], list[Posted]]:
        messenger = TeamsMessenger(r)
        (one,) = await messenger.post("aad-ann", "short")
        grown = await messenger.redraw([one], long)  # one part edited, the rest replies to it
        shrunk = await messenger.redraw(grown, "short again")  # the first edited, the others deleted
        return grown, shrunk

    grown, shrunk = run(teams_stub, body)
    assert len(grown) > 1 and shrunk == grown[:1]
    kinds = [c.kind for c in teams_stub.calls]
    assert kinds == ["send", "update"] + ["reply"] * (len(grown) - 1) + ["update"] + ["delete"] * (len(grown) - 1)
    assert {c.activity_id for c in teams_stub.calls if c.kind == "delete"} == {p.ts for p in grown[1:]}


def test_redraw_never_raises(teams_stub: TeamsStub) -> None:
    teams_stub.fail_next(403, retry_after=None)
    where = [Posted("a:dm-ann", "act-1"), Posted("a:dm-nowhere", "act-2")]
    after = run(teams_stub, lambda r: TeamsMessenger(r).redraw(where, "changed"))
    assert after == where[:1]  # the refused edit keeps its place; the part nobody can locate stays undeleted


# ---- reaching people -------------------------------------------------------------------------------

def test_a_recipient_nobody_can_locate_is_unreachable(teams_stub: TeamsStub) -> None:
    for body in (lambda r: TeamsMessenger(r).post("aad-nobody", "hi"),
                 lambda r: TeamsSender(r).send("aad-nobody", {"type": "message", "text": "hi"}, "k1")):
        with pytest.raises(PostFailed) as failed:
            run(teams_stub, body, open_dm=True)
        assert (failed.value.error, failed.value.transient) == ("unreachable", False)
    assert teams_stub.calls == []


def test_a_persons_first_chat_is_opened(teams_stub: TeamsStub) -> None:
    posted = run(teams_stub, lambda r: TeamsMessenger(r).post("aad-bob", "welcome"), open_dm=True)
    create, send = teams_stub.calls
    assert create.kind == "create" and create.body["members"] == [{"id": "29:bob"}]
    assert create.body["tenantId"] == teams_stub.tenant_id and create.body["bot"] == {"id": BOT}
    assert send.kind == "send" and send.conversation_id.startswith("a:stub-conversation-")
    assert posted == [Posted(send.conversation_id, posted[0].ts)]


# ---- the ledger's sender ---------------------------------------------------------------------------

def test_sender_renders_parts_and_passes_stored_ones_through() -> None:
    sender = TeamsSender(Reach(Connector(_no_token), "tenant", _nowhere))
    (part,) = sender.parts(RiskClosed(risk()))
    assert part["type"] == "message" and part["attachments"][0]["contentType"] == CARD
    assert sender.parts(part) == [part] and sender.parts(part)[0] is part
    assert sender.parts("hello")[0]["text"] == "hello"


def test_sender_sends_a_part_as_it_is(teams_stub: TeamsStub) -> None:
    part = {"type": "message", "text": "your summary", "textFormat": "markdown"}

    async def body(r: Reach) -> tuple[Posted, Posted, dict[str, Posted]]:
        sender = TeamsSender(r)
        first = await sender.send("aad-ann", part, "delivery-1:0")
        reply = await sender.send("aad-ann", part, "delivery-1:1", thread=first)
        return first, reply, await sender.already_posted("aad-ann", ["delivery-1:0"], datetime(2030, 1, 1, tzinfo=UTC))

    first, reply, already = run(teams_stub, body)
    send, answer = teams_stub.sent("a:dm-ann")
    assert send.body == part and first == Posted("a:dm-ann", first.ts) and first.ts.startswith("stub-activity-")
    assert answer.kind == "reply" and answer.activity_id == first.ts and reply.channel == "a:dm-ann"
    assert already is None  # Teams cannot be asked: the ledger never sends such a delivery again


def test_sender_waits_out_a_rate_limit(teams_stub: TeamsStub) -> None:
    teams_stub.fail_next(429, retry_after=0.2)
    posted = run(teams_stub, lambda r: TeamsSender(r).send("aad-ann", {"type": "message", "text": "x"}, "k"))
    assert [c.status for c in teams_stub.calls] == [429, 201] and posted.ts.startswith("stub-activity-")


# ---- directory and platform ------------------------------------------------------------------------

def test_directory_asks_its_lookup() -> None:
    async def lookup(team_id: str, user_id: str) -> Profile | None:
        return Profile(user_id, name="Ann", tz="Europe/Paris") if (team_id, user_id) == ("tenant", "aad-ann") else None

    directory = TeamsDirectory("tenant", BOT, lookup)

    async def main() -> tuple[Any, ...]:
        return (await directory.profile("tenant", "aad-ann"), await directory.profile("tenant", "aad-x"),
                await directory.bot_user_id("tenant"), await directory.own_team())

    ann, nobody, bot_id, team = asyncio.run(main())
    assert ann == Profile("aad-ann", name="Ann", tz="Europe/Paris") and nobody is None
    assert (bot_id, team) == (BOT, "tenant")


def test_platform_holds_the_three_ports() -> None:
    async def lookup(team_id: str, user_id: str) -> Profile | None:
        return None

    platform = teams_platform(Connector(_no_token), "tenant", BOT, _nowhere, lookup)
    assert isinstance(platform, Platform)
    assert isinstance(platform.messenger, TeamsMessenger) and isinstance(platform.sender, TeamsSender)
    assert isinstance(platform.directory, TeamsDirectory)
    assert platform.messenger.reach is platform.sender.reach


async def _no_token() -> str:
    raise AssertionError("no request expected")


async def _nowhere(team_id: str, recipient: str) -> Location | None:
    return None
