"""Inbound Bot Framework tokens: what is accepted, what is refused, and how signing keys are fetched."""

from __future__ import annotations

import asyncio
import json
import ssl
import time
from datetime import timedelta
from typing import Any

import jwt
import pytest
import time_machine
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa

from handlers.teams.auth import InboundVerifier, Unauthorized
from storage import clock
from tests.teams_stub import APP_ID, Pki, TeamsStub, public_jwk, rsa_key


def verifier(stub: TeamsStub) -> InboundVerifier:
    return InboundVerifier(stub.openid_url, stub.app_id)


def check(v: InboundVerifier, authorization: str | None, service_url: str | None) -> dict[str, Any]:
    return asyncio.run(v.verify(authorization, service_url))


def refused(v: InboundVerifier, authorization: str | None, service_url: str | None) -> str:
    with pytest.raises(Unauthorized) as e:
        check(v, authorization, service_url)
    return e.value.reason


def travel(delta: timedelta) -> time_machine.travel:
    return time_machine.travel((clock.now() + delta).timestamp(), tick=True)


def test_a_good_token_is_accepted(teams_stub: TeamsStub) -> None:
    claims = check(verifier(teams_stub), f"Bearer {teams_stub.mint()}", teams_stub.service_url)
    assert claims["aud"] == APP_ID
    assert claims["serviceurl"] == teams_stub.service_url


@pytest.mark.parametrize("audience", [APP_ID, f"api://{APP_ID}", f"api://botid-{APP_ID}"])
def test_the_app_id_and_its_api_forms_are_accepted_audiences(teams_stub: TeamsStub, audience: str) -> None:
    check(verifier(teams_stub), f"Bearer {teams_stub.mint(aud=audience)}", teams_stub.service_url)


def test_the_bearer_scheme_is_case_insensitive(teams_stub: TeamsStub) -> None:
    check(verifier(teams_stub), f"bearer {teams_stub.mint()}", teams_stub.service_url)


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc", "not-a-jwt"])
def test_no_header_or_not_a_bearer_token_is_refused(teams_stub: TeamsStub, header: str | None) -> None:
    refused(verifier(teams_stub), header, teams_stub.service_url)
    assert teams_stub.key_fetches == 0


def test_a_malformed_token_is_refused(teams_stub: TeamsStub) -> None:
    assert "malformed" in refused(verifier(teams_stub), "Bearer abc.def.ghi", teams_stub.service_url)


def test_a_token_signed_by_another_key_is_refused(teams_stub: TeamsStub, other_key: rsa.RSAPrivateKey) -> None:
    token = teams_stub.mint(key=other_key)  # the published key's kid, another key's signature
    assert "signature" in refused(verifier(teams_stub), f"Bearer {token}", teams_stub.service_url)


def test_a_token_naming_an_unknown_key_is_refused(teams_stub: TeamsStub, other_key: rsa.RSAPrivateKey) -> None:
    token = teams_stub.mint(key=other_key, kid="not-published")
    assert "unknown key" in refused(verifier(teams_stub), f"Bearer {token}", teams_stub.service_url)


def test_a_token_of_another_algorithm_is_refused(teams_stub: TeamsStub) -> None:
    claims = jwt.decode(teams_stub.mint(), options={"verify_signature": False})
    token = jwt.encode(claims, "a shared secret of thirty-two bytes!", algorithm="HS256",
                       headers={"kid": teams_stub.kid})
    assert "algorithm" in refused(verifier(teams_stub), f"Bearer {token}", teams_stub.service_url)


@pytest.mark.parametrize("issuer", ["https://sts.windows.net/x/", "https://api.botframework.com/", None])
def test_a_token_of_another_issuer_is_refused(teams_stub: TeamsStub, issuer: str | None) -> None:
    refused(verifier(teams_stub), f"Bearer {teams_stub.mint(iss=issuer)}", teams_stub.service_url)


@pytest.mark.parametrize("audience", ["another-app", f"api://{APP_ID}x", f"https://{APP_ID}", None])
def test_a_token_for_another_audience_is_refused(teams_stub: TeamsStub, audience: str | None) -> None:
    refused(verifier(teams_stub), f"Bearer {teams_stub.mint(aud=audience)}", teams_stub.service_url)


def test_a_token_expired_beyond_the_leeway_is_refused(teams_stub: TeamsStub) -> None:
    now = int(clock.now().timestamp())
    token = teams_stub.mint(iat=now - 3600, nbf=now - 3600, exp=now - 6 * 60)
    assert "expired" in refused(verifier(teams_stub), f"Bearer {token}", teams_stub.service_url)


def test_a_token_expired_within_the_leeway_is_accepted(teams_stub: TeamsStub) -> None:
    now = int(clock.now().timestamp())
    token = teams_stub.mint(iat=now - 3600, nbf=now - 3600, exp=now - 4 * 60)
    check(verifier(teams_stub), f"Bearer {token}", teams_stub.service_url)


def test_a_token_without_expiry_is_refused(teams_stub: TeamsStub) -> None:
    refused(verifier(teams_stub), f"Bearer {teams_stub.mint(exp=None)}", teams_stub.service_url)


def test_a_token_not_valid_yet_is_refused(teams_stub: TeamsStub) -> None:
    now = int(clock.now().timestamp())
    token = teams_stub.mint(nbf=now + 10 * 60, exp=now + 20 * 60)
    assert "not valid yet" in refused(verifier(teams_stub), f"Bearer {token}", teams_stub.service_url)


def test_the_expiry_follows_the_bots_clock(teams_stub: TeamsStub) -> None:
    token = teams_stub.mint()  # valid for five minutes, plus five of leeway
    v = verifier(teams_stub)
    with travel(timedelta(minutes=9)):
        check(v, f"Bearer {token}", teams_stub.service_url)
    with travel(timedelta(minutes=11)):
        assert "expired" in refused(v, f"Bearer {token}", teams_stub.service_url)


@pytest.mark.parametrize("activity_url", ["https://attacker.example/amer/", "SUFFIX", "", None])
def test_a_serviceurl_other_than_the_activitys_is_refused(teams_stub: TeamsStub, activity_url: str | None) -> None:
    if activity_url == "SUFFIX":
        activity_url = teams_stub.service_url + "x"
    refused(verifier(teams_stub), f"Bearer {teams_stub.mint()}", activity_url)


def test_a_token_without_serviceurl_claim_is_refused(teams_stub: TeamsStub) -> None:
    token = teams_stub.mint(serviceurl=None)
    assert "serviceurl" in refused(verifier(teams_stub), f"Bearer {token}", teams_stub.service_url)


# ---- signing keys ---------------------------------------------------------------------------------

def test_keys_are_fetched_once_and_cached(teams_stub: TeamsStub) -> None:
    v = verifier(teams_stub)
    for _ in range(3):
        check(v, f"Bearer {teams_stub.mint()}", teams_stub.service_url)
    assert (teams_stub.metadata_fetches, teams_stub.key_fetches) == (1, 1)


def test_concurrent_first_requests_fetch_the_keys_once(teams_stub: TeamsStub) -> None:
    teams_stub.keys_delay_s = 0.3
    v = verifier(teams_stub)

    async def many() -> None:
        await asyncio.gather(*(v.verify(f"Bearer {teams_stub.mint()}", teams_stub.service_url) for _ in range(5)))

    asyncio.run(many())
    assert teams_stub.key_fetches == 1


def test_an_unknown_kid_refetches_the_keys_at_most_once_a_minute(teams_stub: TeamsStub) -> None:
    v = verifier(teams_stub)
    check(v, f"Bearer {teams_stub.mint()}", teams_stub.service_url)
    rotated = rsa_key()
    teams_stub.publish(rotated, "rotated-key")
    rotated_token = teams_stub.mint(key=rotated, kid="rotated-key")
    refused(v, f"Bearer {rotated_token}", teams_stub.service_url)
    assert teams_stub.key_fetches == 1  # the keys were fetched less than a minute ago
    with travel(timedelta(seconds=61)):
        check(v, f"Bearer {teams_stub.mint(key=rotated, kid='rotated-key')}", teams_stub.service_url)
        assert teams_stub.key_fetches == 2
        for kid in ("forged-1", "forged-2", "forged-3"):
            refused(v, f"Bearer {teams_stub.mint(kid=kid)}", teams_stub.service_url)
        assert teams_stub.key_fetches == 2  # the refetch for the rotated key was less than a minute ago
    with travel(timedelta(seconds=123)):
        refused(v, f"Bearer {teams_stub.mint(kid='forged-4')}", teams_stub.service_url)
        assert teams_stub.key_fetches == 3
        check(v, f"Bearer {teams_stub.mint()}", teams_stub.service_url)
        assert teams_stub.key_fetches == 3


def test_keys_are_refetched_after_a_day(teams_stub: TeamsStub) -> None:
    v = verifier(teams_stub)
    check(v, f"Bearer {teams_stub.mint()}", teams_stub.service_url)
    with travel(timedelta(hours=23)):
        check(v, f"Bearer {teams_stub.mint()}", teams_stub.service_url)
        assert teams_stub.key_fetches == 1
    with travel(timedelta(hours=24, seconds=1)):
        check(v, f"Bearer {teams_stub.mint()}", teams_stub.service_url)
        assert teams_stub.key_fetches == 2


def test_the_keys_held_stay_in_use_while_the_key_server_is_down(teams_stub: TeamsStub) -> None:
    v = verifier(teams_stub)
    check(v, f"Bearer {teams_stub.mint()}", teams_stub.service_url)
    teams_stub.stop()
    with travel(timedelta(hours=25)):
        check(v, f"Bearer {teams_stub.mint()}", teams_stub.service_url)


def test_without_keys_every_token_is_refused(teams_stub: TeamsStub) -> None:
    token, url = teams_stub.mint(), teams_stub.service_url
    teams_stub.stop()
    v = verifier(teams_stub)
    assert "signing keys unavailable" in refused(v, f"Bearer {token}", url)
    assert "signing keys unavailable" in refused(v, f"Bearer {token}", url)  # not retried within the minute


def test_an_untrusted_key_server_is_not_used(teams_stub: TeamsStub, monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Any) -> None:
    other_ca = Pki.create(tmp_path).ca_file
    monkeypatch.setenv("SSL_CERT_FILE", str(other_ca))
    refused(verifier(teams_stub), f"Bearer {teams_stub.mint()}", teams_stub.service_url)
    assert teams_stub.key_fetches == 0


def test_fetching_keys_does_not_block_the_loop(teams_stub: TeamsStub) -> None:
    teams_stub.keys_delay_s = 0.5
    v = verifier(teams_stub)

    async def verify_while_ticking() -> int:
        ticks = 0
        task = asyncio.create_task(v.verify(f"Bearer {teams_stub.mint()}", teams_stub.service_url))
        while not task.done():
            await asyncio.sleep(0.01)
            ticks += 1
        await task
        return ticks

    assert asyncio.run(verify_while_ticking()) >= 20


def test_a_key_server_on_the_same_loop_answers(teams_stub: TeamsStub, teams_pki: Pki,
                                               teams_signing_key: rsa.RSAPrivateKey) -> None:
    """The metadata and keys served by the very loop that verifies: a blocking fetch would hang here."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(teams_pki.cert_file, teams_pki.key_file)

    async def scenario() -> float:
        base = ""

        async def metadata(_: web.Request) -> web.Response:
            return web.json_response({"issuer": "https://api.botframework.com", "jwks_uri": f"{base}/keys"})

        async def keys(_: web.Request) -> web.Response:
            return web.Response(text=json.dumps({"keys": [public_jwk(teams_signing_key, teams_stub.kid)]}),
                                content_type="application/json")

        app = web.Application()
        app.router.add_get("/v1/.well-known/openidconfiguration", metadata)
        app.router.add_get("/keys", keys)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        base = f"https://127.0.0.1:{port}"
        try:
            v = InboundVerifier(f"{base}/v1/.well-known/openidconfiguration", teams_stub.app_id)
            started = time.monotonic()
            await asyncio.wait_for(v.verify(f"Bearer {teams_stub.mint()}", teams_stub.service_url), timeout=5)
            return time.monotonic() - started
        finally:
            await runner.cleanup()

    assert asyncio.run(scenario()) < 5
    assert teams_stub.key_fetches == 0  # the keys came from the loop's own server


def test_there_is_no_verifier_without_an_app_id(teams_stub: TeamsStub) -> None:
    with pytest.raises(ValueError):
        InboundVerifier(teams_stub.openid_url, "")
