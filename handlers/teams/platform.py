"""The core's ports over Teams, backed by what the bot has seen (`storage.repositories.teams`).

`teams_platform` (in `handlers.teams.ports`) takes three lookups; here they read and write the
Teams tables: where a person or conversation is reached (`where`), a 1:1 chat opened with a person
the bot has seen but never talked to alone (`open_dm`: `POST {serviceUrl}v3/conversations`, then
remembered), and who a person is (`lookup`: their name and the time zone of their latest message).
A person the bot has never seen, or whose 1:1 chat Teams will not open (they have not installed the
app), is unreachable: posts to them fail with `PostFailed("unreachable")` and the flows name them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.database import Database
from bot.ports import Platform, PostFailed, Profile
from bot.settings import Settings
from handlers.teams.connector import Connector
from handlers.teams.ports import Location, teams_platform
from handlers.teams.text import remember_name
from handlers.teams.tokens import TokenProvider
from storage.repositories import teams as repo

log = logging.getLogger(__name__)


def bot_id(app_id: str) -> str:
    """The bot's id in Teams' activities and conversations (`28:<app id>`)."""
    return f"28:{app_id}"


class Lookups:
    """The three lookups `teams_platform` takes, over the database and the connector."""

    def __init__(self, db: Database, connector: Connector, bot: str) -> None:
        self.db = db
        self.connector = connector
        self.bot = bot

    async def where(self, tenant_id: str, recipient: str) -> Location | None:
        return await self.db.read(repo.where_to_reach, tenant_id=tenant_id, recipient_id=recipient)

    async def open_dm(self, tenant_id: str, recipient: str) -> Location | None:
        someone = await self.db.read(repo.person, tenant_id=tenant_id, aad_object_id=recipient)
        if someone is None:
            return None
        try:
            conversation = await self.connector.create_conversation(someone.service_url, tenant_id, self.bot,
                                                                    someone.bot_scoped_id)
        except PostFailed as e:
            if e.transient:
                raise
            log.info("teams: could not open a 1:1 chat with a person (%s)", e.error)
            return None
        await self.db.write(repo.set_dm, tenant_id=tenant_id, aad_object_id=recipient, conversation_id=conversation)
        return someone.service_url, conversation

    async def lookup(self, tenant_id: str, user_id: str) -> Profile | None:
        someone = await self.db.read(repo.person, tenant_id=tenant_id, aad_object_id=user_id)
        if someone is None:
            return None
        remember_name(user_id, someone.name)
        return Profile(user_id=user_id, name=someone.name, tz=someone.tz)


@dataclass(frozen=True)
class TeamsPlatform(Platform):
    """Teams as the core reaches it, with the connector the front end answers through too (closed at a stop)."""

    connector: Connector | None = None
    tokens: TokenProvider | None = None


def build(settings: Settings, db: Database) -> TeamsPlatform:
    """The Teams ports, with the connector and token provider behind them."""
    assert settings.teams_app_id and settings.teams_app_password and settings.teams_tenant_id
    tokens = TokenProvider(settings.teams_app_id, settings.teams_app_password, settings.teams_tenant_id,
                           settings.teams_login_url)
    connector = Connector(tokens.token)
    lookups = Lookups(db, connector, bot_id(settings.teams_app_id))
    ports = teams_platform(connector, settings.teams_tenant_id.lower(), lookups.bot, lookups.where, lookups.lookup,
                           lookups.open_dm)
    return TeamsPlatform(messenger=ports.messenger, directory=ports.directory, sender=ports.sender,
                         connector=connector, tokens=tokens)
