"""The bot's own token for Bot Framework's connector: client credentials through MSAL.

The token comes from `{TEAMS_LOGIN_URL}/{TEAMS_TENANT_ID}` (a single-tenant bot registration) for
the scope `https://api.botframework.com/.default`. MSAL is built with `instance_discovery=False`:
with the default it first asks login.microsoftonline.com whether the authority is known, which
would reach the internet from every test and from a bot pointed at another authority.

MSAL is blocking (it speaks HTTP through `requests`), and so is even its constructor, which fetches
the authority's OpenID configuration; both run in a worker thread so the event loop that serves
Slack and Teams never waits on the login server. The token is kept until five minutes before it
expires, which is also when MSAL's own cache stops handing it out, so each refresh is one request.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any

import msal
import requests
from msal.exceptions import MsalError
from pydantic import SecretStr

from storage import clock

log = logging.getLogger(__name__)

BOT_FRAMEWORK_SCOPE = "https://api.botframework.com/.default"
REFRESH_MARGIN = timedelta(minutes=5)


class TokenError(Exception):
    """The login authority did not give the bot a token; the message says why (never the secret)."""


class TokenProvider:
    """Hands out the bot's current connector token, getting a new one shortly before it expires."""

    def __init__(self, app_id: str, password: SecretStr | str, tenant_id: str, login_url: str) -> None:
        if not (app_id and tenant_id and login_url):
            raise ValueError("a Teams app id, tenant id and login URL are required for the bot's token")
        self.app_id = app_id
        self.authority = f"{login_url.rstrip('/')}/{tenant_id}"
        self._password = password if isinstance(password, SecretStr) else SecretStr(password)
        self._app: msal.ConfidentialClientApplication | None = None
        self._token: str | None = None
        self._expires_at: datetime | None = None
        self._lock = asyncio.Lock()

    def __repr__(self) -> str:
        return f"TokenProvider(app_id={self.app_id!r}, authority={self.authority!r})"

    async def token(self) -> str:
        """The bearer token to send to the connector."""
        if self._fresh():
            assert self._token is not None
            return self._token
        async with self._lock:
            # A concurrent caller may have got a new token while this one waited.
            if not self._fresh():
                await asyncio.to_thread(self._acquire)
            assert self._token is not None
            return self._token

    def _fresh(self) -> bool:
        return (
            self._token is not None
            and self._expires_at is not None
            and clock.now() < self._expires_at - REFRESH_MARGIN
        )

    def _client(self) -> msal.ConfidentialClientApplication:
        """The MSAL application, built on first use (its constructor fetches the authority's configuration)."""
        if self._app is None:
            self._app = msal.ConfidentialClientApplication(
                self.app_id,
                client_credential=self._password.get_secret_value(),
                authority=self.authority,
                instance_discovery=False,
            )
        return self._app

    def _acquire(self) -> None:
        """Get a token from MSAL (blocking: runs in a worker thread) and keep it with its expiry."""
        requested_at = clock.now()
        try:
            result: dict[str, Any] = self._client().acquire_token_for_client(scopes=[BOT_FRAMEWORK_SCOPE])
        except (MsalError, ValueError, RuntimeError, OSError, requests.RequestException) as e:
            raise TokenError(f"could not get the bot's token from {self.authority}: {e}") from e
        token = result.get("access_token")
        if "error" in result or not isinstance(token, str) or not token:
            error = result.get("error", "no access_token in the answer")
            description = result.get("error_description", "")
            raise TokenError(f"{self.authority} refused the bot's token request: {error}: {description}".rstrip(": "))
        try:
            expires_in = float(result.get("expires_in", 0))
        except (TypeError, ValueError):
            expires_in = 0.0
        self._token = token
        # Counted from before the request, so the kept expiry is never later than the real one.
        self._expires_at = requested_at + timedelta(seconds=expires_in)
        log.info("teams: got the bot's token from %s (%s), valid %ds", self.authority,
                 result.get("token_source", "identity provider"), int(expires_in))
