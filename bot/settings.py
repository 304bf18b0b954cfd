"""The bot's settings: one typed object, read from the environment and `.env`.

A missing or malformed setting is reported as one line that names it and says
how to fix it (`SettingsError`); `bot.__main__` turns that into exit status 2.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
"""Microsoft app (client) ids and Entra tenant ids."""

HOW_TO_FIX = {
    "SLACK_BOT_TOKEN": "set it to the app's bot token (xoxb-…) from OAuth & Permissions",
    "SLACK_SIGNING_SECRET": "set it to the Signing Secret from Basic Information (needed in HTTP mode)",
    "SLACK_APP_TOKEN": "set it to an app-level token (xapp-…) with connections:write, or unset it for HTTP mode",
    "SLACK_API_URL": "set it to an http(s) URL ending in /api/, or unset it to use Slack's own",
    "DATABASE_URL": "set it to an SQLAlchemy URL such as sqlite:///data/bot.db or postgresql+psycopg://host/db",
    "PORT": "set it to a TCP port number between 1 and 65535",
    "BOT_MANAGERS": ("set it to comma-separated Slack user ids such as U012ABC,U034DEF and/or Entra object ids "
                     "(GUIDs) of Teams users"),
    "BOT_TIMEZONE": "set it to an IANA time zone such as Europe/London",
    "LOG_LEVEL": "set it to DEBUG, INFO, WARNING or ERROR",
    "TEAMS_APP_ID": "set it to the bot's Microsoft app (client) id, a GUID, or unset it to serve no Teams",
    "TEAMS_APP_PASSWORD": "set it to a client secret of the bot's app registration (Certificates & secrets)",
    "TEAMS_TENANT_ID": "set it to the Entra tenant id (a GUID) of the bot's single-tenant app registration",
    "TEAMS_OPENID_URL": "set it to an https URL of a Bot Framework OpenID configuration, or unset it for the default",
    "TEAMS_LOGIN_URL": "set it to an https URL such as https://login.microsoftonline.com, or unset it for the default",
}


class SettingsError(Exception):
    """A setting is missing or malformed; `str()` is the one line to show."""


class Settings(BaseSettings):
    """Every setting of the bot.

    Slack is served when `SLACK_BOT_TOKEN` is set, Teams when `TEAMS_APP_ID` is; at least one of
    the two is needed. A Teams-only bot needs no `SLACK_*` setting and a Slack-only one no `TEAMS_*`.
    """

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    database_url: str = "sqlite:///data/bot.db"
    port: int = Field(default=3000, ge=1, le=65535)
    bot_managers: str = ""
    bot_timezone: str = "UTC"
    log_level: str = "INFO"
    teams_app_id: str | None = None
    teams_app_password: SecretStr | None = None
    teams_tenant_id: str | None = None
    teams_openid_url: str = "https://login.botframework.com/v1/.well-known/openidconfiguration"
    teams_login_url: str = "https://login.microsoftonline.com"

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and not v.get_secret_value().startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return v

    @field_validator("slack_bot_token", "slack_app_token", "slack_signing_secret", "teams_app_id", "teams_app_password",
                     "teams_tenant_id", mode="before")
    @classmethod
    def _blank_is_unset(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and not v.get_secret_value().startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return v

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, v: str) -> str:
        v = v.strip()
        if not re.match(r"^https?://[^/\s]+", v):
            raise ValueError("must be an http(s) URL")
        return v if v.endswith("/") else v + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, v: str) -> str:
        try:
            url = make_url(v)
        except ArgumentError as e:
            raise ValueError("is not a database URL") from e
        if url.drivername in ("postgres", "postgresql"):  # storage.db uses psycopg for these
            return v
        # An unknown kind (foo://) or a driver that is not installed would otherwise fail at start with a traceback.
        try:
            url.get_dialect().import_dbapi()
        except NoSuchModuleError as e:
            raise ValueError(f"names an unknown kind of database ({url.drivername})") from e
        except ImportError as e:
            raise ValueError(f"needs a driver that is not installed ({e.name or url.drivername})") from e
        return v

    @field_validator("bot_managers")
    @classmethod
    def _managers(cls, v: str) -> str:
        ids = [x.strip() for x in v.split(",") if x.strip()]
        bad = [x for x in ids if not USER_ID.match(x) and not GUID.match(x)]
        if bad:
            raise ValueError(f"{bad[0]!r} is neither a Slack user id nor an Entra object id")
        ids = [x.lower() if GUID.match(x) else x for x in ids]  # Teams sends aadObjectIds in lower case
        return ",".join(ids)

    @field_validator("bot_timezone")
    @classmethod
    def _timezone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ValueError(f"{v!r} is not a known time zone") from e
        return v

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, v: str) -> str:
        v = v.upper()
        if v not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("is not a log level")
        return v

    @field_validator("teams_app_id", "teams_tenant_id")
    @classmethod
    def _guid(cls, v: str | None) -> str | None:
        if v is None:
            return None
        v = v.strip()
        if not GUID.match(v):
            raise ValueError("must be a GUID like 1b4e28ba-2fa1-11d2-883f-0016d3cca427")
        return v

    @field_validator("teams_openid_url")
    @classmethod
    def _openid_url(cls, v: str) -> str:
        return _https_url(v)

    @field_validator("teams_login_url")
    @classmethod
    def _login_url(cls, v: str) -> str:
        # the token endpoint is built as {TEAMS_LOGIN_URL}/{tenant}/oauth2/v2.0/token
        return _https_url(v).rstrip("/")

    @model_validator(mode="after")
    def _mode(self) -> Settings:
        if self.slack_bot_token is None and self.teams_app_id is None:
            raise ValueError("SLACK_BOT_TOKEN is missing, and so is TEAMS_APP_ID (set one of them, or both)")
        if self.slack_bot_token is not None and self.slack_app_token is None and self.slack_signing_secret is None:
            raise ValueError("SLACK_SIGNING_SECRET is required in HTTP mode")
        return self

    @model_validator(mode="after")
    def _teams(self) -> Settings:
        if self.teams_app_id is not None:
            if self.teams_app_password is None:
                raise ValueError("TEAMS_APP_PASSWORD is required with TEAMS_APP_ID")
            if self.teams_tenant_id is None:
                raise ValueError("TEAMS_TENANT_ID is required with TEAMS_APP_ID")
        return self

    @property
    def managers(self) -> frozenset[str]:
        return frozenset(x for x in self.bot_managers.split(",") if x)

    @property
    def socket_mode(self) -> bool:
        return self.slack_enabled and self.slack_app_token is not None

    @property
    def slack_enabled(self) -> bool:
        """Whether the bot serves Slack (`SLACK_BOT_TOKEN` is set)."""
        return self.slack_bot_token is not None

    @property
    def teams_enabled(self) -> bool:
        """Whether the Teams settings are given (validated together: id, password and tenant)."""
        return self.teams_app_id is not None

    def secrets(self) -> list[str]:
        """Values that must never reach a log line."""
        out = []
        for s in (self.slack_bot_token, self.slack_signing_secret, self.slack_app_token, self.teams_app_password):
            if s is not None:
                out.append(s.get_secret_value())
        return out


def _https_url(v: str) -> str:
    """`v` stripped, or ValueError unless it is an https URL with a host.

    The Teams URLs say where the bot fetches the keys it trusts and its own token, so plain http is
    never accepted; tests use a local HTTPS stand-in instead.
    """
    v = v.strip()
    try:
        parts = urlsplit(v)
        good = parts.scheme.lower() == "https" and bool(parts.hostname) and parts.port != 0
    except ValueError:  # a malformed port or IPv6 host
        good = False
    if not good or re.search(r"\s", v):
        raise ValueError("must be an https URL")
    return v


def load_settings(**overrides: object) -> Settings:
    """Read and validate the settings, or raise `SettingsError` with one clear line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as e:
        err = e.errors()[0]
        loc = [str(x) for x in err.get("loc", ())]
        # a whole-model check has no location: its message begins with the setting's name
        message = re.sub(r"^(Value error|Assertion failed), ", "", err["msg"])
        name = loc[0].upper() if loc else next((k for k in HOW_TO_FIX if message.startswith(f"{k} ")),
                                               "SLACK_SIGNING_SECRET")
        problem = "is missing" if err["type"] == "missing" else message.removeprefix(f"{name} ")
        raise SettingsError(f"setting {name} {problem}: {HOW_TO_FIX.get(name, 'check its value')}") from None
