"""Verifying the token on every request Bot Framework sends to `/api/messages`.

A request is accepted only when its `Authorization: Bearer <JWT>` is signed (RS256) by a key
published at the `jwks_uri` of `TEAMS_OPENID_URL`, was issued by `https://api.botframework.com`,
is meant for this bot (its app id or the `api://` forms of it), has not expired (five minutes'
leeway for clock skew), and names in its `serviceurl` claim the `serviceUrl` of the activity it
carries. The last check matters because the bot later sends its own bearer token to that
`serviceUrl`: without it, anyone holding a valid token could have the bot post its credentials to
a server of their choosing. There is deliberately no way to switch verification off.

The signing keys are fetched in a worker thread, never on the event loop: the loop also serves
Slack, and a key server answering from the same loop must not be starved by a blocking fetch. They
are cached, and fetched again when a token names a key the cache does not hold (at most once a
minute, so a flood of forged tokens cannot turn into a flood of key fetches) and once a day.
"""

from __future__ import annotations

import asyncio
import json
import logging
import urllib.parse
import urllib.request
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import jwt

from storage import clock

log = logging.getLogger(__name__)

ISSUER = "https://api.botframework.com"
ALGORITHM = "RS256"
LEEWAY = timedelta(minutes=5)
KEYS_TTL = timedelta(hours=24)
REFETCH_INTERVAL = timedelta(minutes=1)
FETCH_TIMEOUT_S = 10.0
_MAX_DOCUMENT_BYTES = 1 << 20


class Unauthorized(Exception):
    """The request's token is missing or not acceptable; the front end answers 401 and does nothing else.

    `reason` says which check failed, for the log; it is not meant for the caller."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class KeyFetchError(Exception):
    """The OpenID metadata or the key set could not be fetched or read."""


def audiences(app_id: str) -> list[str]:
    """The audiences a token for this bot may name: the app id itself and its `api://` forms."""
    return [app_id, f"api://{app_id}", f"api://botid-{app_id}"]


def _get_json(url: str) -> dict[str, Any]:
    """GET an https URL and parse its JSON body (blocking: only ever called in a worker thread).

    urllib builds a fresh default TLS context for each connection, so it trusts what `SSL_CERT_FILE`
    names at the time of the call."""
    if urllib.parse.urlsplit(url).scheme != "https":
        raise KeyFetchError(f"refusing to fetch signing keys over a non-https URL: {url}")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_S) as response:  # noqa: S310 (https only)
            body = response.read(_MAX_DOCUMENT_BYTES + 1)
    except OSError as e:  # URLError, HTTPError, timeouts and TLS failures are all OSErrors
        raise KeyFetchError(f"could not fetch {url}: {e}") from e
    if len(body) > _MAX_DOCUMENT_BYTES:
        raise KeyFetchError(f"{url} answered more than {_MAX_DOCUMENT_BYTES} bytes")
    try:
        document = json.loads(body)
    except ValueError as e:
        raise KeyFetchError(f"{url} did not answer JSON: {e}") from e
    if not isinstance(document, dict):
        raise KeyFetchError(f"{url} did not answer a JSON object")
    return document


def fetch_signing_keys(openid_url: str) -> dict[str, jwt.PyJWK]:
    """The RSA signing keys published at the `jwks_uri` of the OpenID metadata, by key id (blocking).

    Keys that are not RSA signing keys, or that cannot be read, are left out rather than failing the
    whole set: the published set may hold keys for other purposes."""
    metadata = _get_json(openid_url)
    jwks_uri = metadata.get("jwks_uri")
    if not isinstance(jwks_uri, str) or not jwks_uri:
        raise KeyFetchError(f"the OpenID metadata at {openid_url} names no jwks_uri")
    entries = _get_json(jwks_uri).get("keys")
    if not isinstance(entries, list):
        raise KeyFetchError(f"the key set at {jwks_uri} has no list of keys")
    keys: dict[str, jwt.PyJWK] = {}
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("kty") != "RSA" or entry.get("use", "sig") != "sig":
            continue
        kid = entry.get("kid")
        if not isinstance(kid, str) or not kid:
            continue
        try:
            keys[kid] = jwt.PyJWK(entry, algorithm=ALGORITHM)
        except jwt.PyJWKError as e:
            log.warning("teams: skipping unreadable signing key %s from %s: %s", kid, jwks_uri, e)
    if not keys:
        raise KeyFetchError(f"the key set at {jwks_uri} holds no usable RSA signing key")
    return keys


class SigningKeys:
    """The cached signing keys of one OpenID metadata URL, fetched off the event loop."""

    def __init__(self, openid_url: str) -> None:
        self.openid_url = openid_url
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: datetime | None = None  # when the keys held were fetched
        self._attempted_at: datetime | None = None  # when a fetch was last tried, successful or not
        self._last_error = ""
        self._lock = asyncio.Lock()

    async def get(self, kid: str) -> jwt.PyJWK | None:
        """The key named `kid`, or None when the publisher does not (or, within the last minute, did not) have it."""
        if not self._stale() and kid in self._keys:
            return self._keys[kid]
        async with self._lock:
            # Another request may have fetched the keys while this one waited for the lock.
            if self._stale() or (kid not in self._keys and self._may_refetch()):
                await self._refresh()
            if not self._keys:
                raise KeyFetchError(self._last_error or "no signing keys fetched yet")
            return self._keys.get(kid)

    def _stale(self) -> bool:
        if self._fetched_at is None or clock.now() - self._fetched_at >= KEYS_TTL:
            return self._may_refetch()
        return False

    def _may_refetch(self) -> bool:
        return self._attempted_at is None or clock.now() - self._attempted_at >= REFETCH_INTERVAL

    async def _refresh(self) -> None:
        self._attempted_at = clock.now()
        try:
            keys = await asyncio.to_thread(fetch_signing_keys, self.openid_url)
        except KeyFetchError as e:
            self._last_error = str(e)
            if not self._keys:
                raise
            # Keys are rotated rarely and announced well ahead: the ones held stay good meanwhile.
            log.warning("teams: keeping the %d signing keys held: %s", len(self._keys), e)
            return
        self._keys = keys
        self._fetched_at = clock.now()
        log.info("teams: fetched %d signing keys from %s", len(keys), self.openid_url)


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header value."""
    if not authorization:
        raise Unauthorized("no Authorization header")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise Unauthorized("the Authorization header is not a Bearer token")
    token = token.strip()
    if not token:
        raise Unauthorized("the Bearer token is empty")
    return token


class InboundVerifier:
    """Verifies the Bot Framework token of each inbound request for the bot `app_id`."""

    def __init__(self, openid_url: str, app_id: str) -> None:
        if not app_id:
            raise ValueError("a Teams app id is required to verify inbound tokens")
        self.app_id = app_id
        self.keys = SigningKeys(openid_url)

    async def verify(self, authorization: str | None, service_url: str | None) -> dict[str, Any]:
        """The token's claims when the request may be served; otherwise `Unauthorized`.

        `authorization` is the request's `Authorization` header and `service_url` the `serviceUrl`
        of the activity in its body."""
        token = bearer_token(authorization)
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as e:
            raise Unauthorized(f"malformed token: {e}") from e
        if header.get("alg") != ALGORITHM:
            raise Unauthorized(f"token algorithm {header.get('alg')!r} is not {ALGORITHM}")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise Unauthorized("token names no signing key (kid)")
        try:
            key = await self.keys.get(kid)
        except KeyFetchError as e:
            raise Unauthorized(f"signing keys unavailable: {e}") from e
        if key is None:
            raise Unauthorized(f"token signed by unknown key {kid!r}")
        claims = self._decode(token, key)
        _check_lifetime(claims)
        _check_service_url(claims, service_url)
        return claims

    def _decode(self, token: str, key: jwt.PyJWK) -> dict[str, Any]:
        """Check signature, issuer and audience. Expiry is checked against the bot's own clock afterwards."""
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=[ALGORITHM],
                audience=audiences(self.app_id),
                issuer=ISSUER,
                options={
                    "require": ["exp", "iss", "aud"],
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                },
            )
        except jwt.InvalidSignatureError as e:
            raise Unauthorized("token signature does not verify") from e
        except jwt.InvalidAudienceError as e:
            raise Unauthorized(f"token is not meant for this bot: {e}") from e
        except jwt.InvalidIssuerError as e:
            raise Unauthorized(f"token not issued by {ISSUER}: {e}") from e
        except jwt.InvalidTokenError as e:
            raise Unauthorized(f"invalid token: {e}") from e
        return claims


def _timestamp(claims: Mapping[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Unauthorized(f"token claim {name} is not a number")
    return float(value)


def _check_lifetime(claims: Mapping[str, Any]) -> None:
    now = clock.now().timestamp()
    leeway = LEEWAY.total_seconds()
    expires = _timestamp(claims, "exp")
    if expires is None or now > expires + leeway:
        raise Unauthorized("token has expired")
    not_before = _timestamp(claims, "nbf")
    if not_before is not None and now < not_before - leeway:
        raise Unauthorized("token is not valid yet")


def _check_service_url(claims: Mapping[str, Any], service_url: str | None) -> None:
    claimed = claims.get("serviceurl")
    if not isinstance(claimed, str) or not claimed:
        raise Unauthorized("token has no serviceurl claim")
    if not service_url:
        raise Unauthorized("the activity has no serviceUrl")
    if claimed != service_url:
        raise Unauthorized(f"token serviceurl {claimed!r} is not the activity's serviceUrl {service_url!r}")
