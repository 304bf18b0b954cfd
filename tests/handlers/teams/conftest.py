"""Fixtures for the Teams front end: the HTTPS stand-in for Microsoft and the keys the tests sign with."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy.engine import Engine

from bot.settings import Settings
from tests.support.served import ServedBot
from tests.support.teams import TeamsClient, teams_settings
from tests.teams_stub import Pki, TeamsStub, rsa_key, trust_in_aiohttp


@pytest.fixture(scope="session")
def teams_pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return Pki.create(tmp_path_factory.mktemp("teams-pki"))


@pytest.fixture(scope="session")
def teams_signing_key() -> rsa.RSAPrivateKey:
    """The key the stand-in publishes and `mint()` signs with by default."""
    return rsa_key()


@pytest.fixture(scope="session")
def other_key() -> rsa.RSAPrivateKey:
    """A key the stand-in does not publish."""
    return rsa_key()


@pytest.fixture
def teams_stub(teams_pki: Pki, teams_signing_key: rsa.RSAPrivateKey,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[TeamsStub]:
    """The stand-in, served on 127.0.0.1 over HTTPS, its CA trusted by urllib, httpx, aiohttp and requests."""
    monkeypatch.setenv("SSL_CERT_FILE", str(teams_pki.ca_file))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(teams_pki.ca_file))
    trust_in_aiohttp(teams_pki)
    stub = TeamsStub(teams_pki, teams_signing_key).start()
    try:
        yield stub
    finally:
        stub.stop()


# ---- the bot serving Teams, end to end -----------------------------------------------------------

@pytest.fixture
def teams_settings_(db_url: str, teams_stub: TeamsStub) -> Settings:
    return teams_settings(db_url, teams_stub)


@pytest.fixture
def teams_served(teams_settings_: Settings, engine: Engine) -> Iterator[ServedBot]:
    """The real app, Teams only, on a loopback port (uvicorn in a thread), against the stand-in."""
    from bot.app import teams_of

    bot = ServedBot(teams_settings_, engine)
    # Teams allows about one message a second per conversation and the connector keeps to it; the stand-in
    # has no such limit, and tests that wait for several answers would wait that long for each.
    platform = teams_of(bot.runtime.deps)
    if platform is not None and platform.connector is not None:
        platform.connector.min_gap = 0.02
    bot.url = bot.start()  # type: ignore[attr-defined]
    yield bot
    bot.stop()


@pytest.fixture
def teams(teams_served: ServedBot, teams_stub: TeamsStub) -> TeamsClient:
    return TeamsClient(teams_served.url, teams_stub)  # type: ignore[attr-defined]
