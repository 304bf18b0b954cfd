"""The bot's own connector token: got from the login stand-in through MSAL, cached, refreshed, errors told."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
import requests
import time_machine
from pydantic import SecretStr

from handlers.teams.tokens import BOT_FRAMEWORK_SCOPE, TokenError, TokenProvider
from storage import clock
from tests.teams_stub import TeamsStub


def provider(stub: TeamsStub, password: str | SecretStr | None = None, tenant: str | None = None) -> TokenProvider:
    return TokenProvider(stub.app_id, SecretStr(stub.password) if password is None else password,
                         tenant or stub.tenant_id, stub.login_url)


def travel(delta: timedelta) -> time_machine.travel:
    return time_machine.travel((clock.now() + delta).timestamp(), tick=True)


@pytest.fixture
def urls_asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every URL MSAL's HTTP client requests."""
    asked: list[str] = []
    original = requests.Session.request

    def recording(self: requests.Session, method: str, url: str, *args: Any, **kwargs: Any) -> requests.Response:
        asked.append(url)
        return original(self, method, url, *args, **kwargs)

    monkeypatch.setattr(requests.Session, "request", recording)
    return asked


def test_the_token_comes_from_the_tenants_authority(teams_stub: TeamsStub, urls_asked: list[str]) -> None:
    token = asyncio.run(provider(teams_stub).token())
    assert token == teams_stub.issued_tokens[0]
    (form,) = teams_stub.token_requests
    assert form["grant_type"] == "client_credentials"
    assert form["client_id"] == teams_stub.app_id
    assert BOT_FRAMEWORK_SCOPE in form["scope"].split()
    # Only the stand-in was asked: no instance discovery at login.microsoftonline.com.
    assert urls_asked and all(url.startswith(f"{teams_stub.base}/{teams_stub.tenant_id}/") for url in urls_asked)


def test_a_plain_string_password_works_too(teams_stub: TeamsStub) -> None:
    assert asyncio.run(provider(teams_stub, password=teams_stub.password).token()) in teams_stub.issued_tokens


def test_the_token_is_cached(teams_stub: TeamsStub) -> None:
    p = provider(teams_stub)

    async def twice() -> tuple[str, str]:
        return await p.token(), await p.token()

    first, second = asyncio.run(twice())
    assert first == second
    assert len(teams_stub.token_requests) == 1


def test_concurrent_callers_share_one_request(teams_stub: TeamsStub) -> None:
    p = provider(teams_stub)

    async def many() -> list[str]:
        return await asyncio.gather(*(p.token() for _ in range(5)))

    assert len(set(asyncio.run(many()))) == 1
    assert len(teams_stub.token_requests) == 1


def test_the_token_is_refreshed_shortly_before_it_expires(teams_stub: TeamsStub) -> None:
    p = provider(teams_stub)
    first = asyncio.run(p.token())
    with travel(timedelta(minutes=54)):  # six minutes left: still good
        assert asyncio.run(p.token()) == first
        assert len(teams_stub.token_requests) == 1
    with travel(timedelta(minutes=56)):  # four minutes left: time for a new one
        second = asyncio.run(p.token())
        assert second != first
        assert len(teams_stub.token_requests) == 2
        assert asyncio.run(p.token()) == second
        assert len(teams_stub.token_requests) == 2


def test_a_short_lived_token_is_not_reused(teams_stub: TeamsStub) -> None:
    teams_stub.token_expires_in = 120  # already inside the refresh margin
    p = provider(teams_stub)
    asyncio.run(p.token())
    asyncio.run(p.token())
    assert len(teams_stub.token_requests) == 2


def test_a_refused_request_is_reported_clearly(teams_stub: TeamsStub) -> None:
    teams_stub.token_error = (400, "unauthorized_client", "AADSTS700016: Application not found in the directory.")
    with pytest.raises(TokenError) as e:
        asyncio.run(provider(teams_stub).token())
    message = str(e.value)
    assert "unauthorized_client" in message and "AADSTS700016" in message
    assert teams_stub.tenant_id in message


def test_a_wrong_secret_is_reported_without_the_secret(teams_stub: TeamsStub) -> None:
    p = provider(teams_stub, password=SecretStr("not-the-secret-123"))
    with pytest.raises(TokenError) as e:
        asyncio.run(p.token())
    assert "invalid_client" in str(e.value)
    assert "not-the-secret-123" not in str(e.value) and "not-the-secret-123" not in repr(p)


def test_an_unknown_tenant_is_reported_clearly(teams_stub: TeamsStub) -> None:
    with pytest.raises(TokenError) as e:
        asyncio.run(provider(teams_stub, tenant="no-such-tenant").token())
    assert "no-such-tenant" in str(e.value)


def test_an_unreachable_authority_is_reported_clearly(teams_stub: TeamsStub) -> None:
    p = provider(teams_stub)
    teams_stub.stop()
    with pytest.raises(TokenError, match="could not get the bot's token"):
        asyncio.run(p.token())


def test_a_failure_is_not_cached(teams_stub: TeamsStub) -> None:
    p = provider(teams_stub)
    teams_stub.token_error = (500, "temporarily_unavailable", "AADSTS50001: try again")
    with pytest.raises(TokenError):
        asyncio.run(p.token())
    teams_stub.token_error = None
    with travel(timedelta(seconds=120)):  # well past MSAL's own back-off after a 5xx (5 s without Retry-After)
        assert asyncio.run(p.token()) in teams_stub.issued_tokens


def test_getting_the_token_does_not_block_the_loop(teams_stub: TeamsStub, monkeypatch: pytest.MonkeyPatch) -> None:
    p = provider(teams_stub)
    acquire = p._acquire

    def slow_acquire() -> None:
        import time

        time.sleep(0.3)
        acquire()

    monkeypatch.setattr(p, "_acquire", slow_acquire)

    async def token_while_ticking() -> int:
        ticks = 0
        task = asyncio.create_task(p.token())
        while not task.done():
            await asyncio.sleep(0.01)
            ticks += 1
        await task
        return ticks

    assert asyncio.run(token_while_ticking()) >= 10


# ---- the stand-in's connector, reached with the provider's token ----------------------------------

def test_the_connector_accepts_the_providers_token(teams_stub: TeamsStub) -> None:
    import aiohttp

    async def converse() -> list[tuple[int, dict[str, Any], str | None]]:
        token = await provider(teams_stub).token()
        auth = {"Authorization": f"Bearer {token}"}
        base = f"{teams_stub.service_url}v3/conversations"
        answers: list[tuple[int, dict[str, Any], str | None]] = []
        async with aiohttp.ClientSession() as http:
            async def call(method: str, url: str, body: dict[str, Any], headers: dict[str, str]) -> str:
                async with http.request(method, url, json=body, headers=headers) as r:
                    answers.append((r.status, await r.json(), r.headers.get("Retry-After")))
                    return str(answers[-1][1].get("id", ""))

            conversation = await call("POST", base, {"members": [{"id": "29:someone"}]}, auth)
            activity = await call("POST", f"{base}/{conversation}/activities", {"type": "message", "text": "hi"}, auth)
            await call("PUT", f"{base}/{conversation}/activities/{activity}", {"type": "message", "text": "hi!"}, auth)
            teams_stub.fail_next(429, retry_after=2)
            await call("POST", f"{base}/{conversation}/activities", {"type": "message", "text": "again"}, auth)
            await call("POST", f"{base}/{conversation}/activities", {"type": "message", "text": "x"},
                       {"Authorization": "Bearer forged"})
        return answers

    answers = asyncio.run(converse())
    assert [status for status, _, _ in answers] == [201, 201, 200, 429, 401]
    assert answers[3][2] == "2"
    assert [c.kind for c in teams_stub.calls] == ["create", "send", "update", "send", "send"]
    (update,) = [c for c in teams_stub.calls if c.kind == "update"]
    assert update.activity_id == answers[1][1]["id"] and update.body["text"] == "hi!"
    assert [c.body["text"] for c in teams_stub.sent()] == ["hi", "hi!"]
