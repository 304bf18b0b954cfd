"""The bot's settings: one typed object, read from the environment and `.env`.

A missing or malformed setting is reported as one line that names it and says
how to fix it (`SettingsError`); `bot.__main__` turns that into exit status 2.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")

HOW_TO_FIX = {
    "SLACK_BOT_TOKEN": "set it to the app's bot token (xoxb-…) from OAuth & Permissions",
    "SLACK_SIGNING_SECRET": "set it to the Signing Secret from Basic Information (needed in HTTP mode)",
    "SLACK_APP_TOKEN": "set it to an app-level token (xapp-…) with connections:write, or unset it for HTTP mode",
    "SLACK_API_URL": "set it to an http(s) URL ending in /api/, or unset it to use Slack's own",
    "DATABASE_URL": "set it to an SQLAlchemy URL such as sqlite:///data/bot.db or postgresql+psycopg://host/db",
    "PORT": "set it to a TCP port number between 1 and 65535",
    "BOT_MANAGERS": "set it to comma-separated Slack user ids such as U012ABC,U034DEF",
    "BOT_TIMEZONE": "set it to an IANA time zone such as Europe/London",
    "LOG_LEVEL": "set it to DEBUG, INFO, WARNING or ERROR",
}


class SettingsError(Exception):
    """A setting is missing or malformed; `str()` is the one line to show."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    slack_bot_token: SecretStr
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    database_url: str = "sqlite:///data/bot.db"
    port: int = Field(default=3000, ge=1, le=65535)
    bot_managers: str = ""
    bot_timezone: str = "UTC"
    log_level: str = "INFO"

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, v: SecretStr) -> SecretStr:
        if not v.get_secret_value().startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return v

    @field_validator("slack_app_token", "slack_signing_secret", mode="before")
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
        bad = [x for x in ids if not USER_ID.match(x)]
        if bad:
            raise ValueError(f"{bad[0]!r} is not a Slack user id")
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

    @model_validator(mode="after")
    def _mode(self) -> Settings:
        if self.slack_app_token is None and self.slack_signing_secret is None:
            raise ValueError("SLACK_SIGNING_SECRET is required in HTTP mode")
        return self

    @property
    def managers(self) -> frozenset[str]:
        return frozenset(x for x in self.bot_managers.split(",") if x)

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    def secrets(self) -> list[str]:
        """Values that must never reach a log line."""
        out = [self.slack_bot_token.get_secret_value()]
        for s in (self.slack_signing_secret, self.slack_app_token):
            if s is not None:
                out.append(s.get_secret_value())
        return out


def load_settings(**overrides: object) -> Settings:
    """Read and validate the settings, or raise `SettingsError` with one clear line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as e:
        err = e.errors()[0]
        loc = [str(x) for x in err.get("loc", ())]
        # a whole-model check has no location: its message names the setting
        name = loc[0].upper() if loc else next((k for k in HOW_TO_FIX if k in err["msg"]), "SLACK_SIGNING_SECRET")
        if err["type"] == "missing":
            problem = "is missing"
        else:
            problem = re.sub(r"^(Value error|Assertion failed), ", "", err["msg"])
            problem = problem.replace(f"{name} ", "")
        raise SettingsError(f"setting {name} {problem}: {HOW_TO_FIX.get(name, 'check its value')}") from None
