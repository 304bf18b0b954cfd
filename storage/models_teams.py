"""Tables of the Microsoft Teams front end: the people and conversations the bot has seen, and
where to reach each of them.

A Teams tenant is a workspace like a Slack team, so its id goes in `team_id` as everywhere else
(and every query is scoped by it). Teams addresses a message by conversation, at the `serviceUrl`
last seen from it; that URL can change, so every activity refreshes it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from storage import clock

TENANT_ID_LEN = 64  # an Entra tenant id is a GUID (36 characters)
AAD_ID_LEN = 64  # so is an Entra object id
BOT_SCOPED_ID_LEN = 200
CONVERSATION_ID_LEN = 200
SERVICE_URL_LEN = 500
NAME_LEN = 256  # an Entra display name is at most 256 characters
TZ_LEN = 64


class TeamsPerson(SQLModel, table=True):
    """A person, keyed by their Entra object id (`from.aadObjectId`) within the tenant.

    `bot_scoped_id` is the app-scoped `29:` id Teams uses for them in activities and mentions;
    `conversation_id` is the bot's 1:1 chat with them, unset until they write to the bot, install
    the app, or the bot creates one; `tz` is the `localTimezone` of their latest message."""

    __tablename__ = "teams_person"
    __table_args__ = (Index("ix_teams_person_conversation", "team_id", "conversation_id"),)

    team_id: str = Field(primary_key=True, max_length=TENANT_ID_LEN)  # the tenant id
    aad_object_id: str = Field(primary_key=True, max_length=AAD_ID_LEN)
    bot_scoped_id: str = Field(max_length=BOT_SCOPED_ID_LEN)
    name: str | None = Field(default=None, max_length=NAME_LEN)
    conversation_id: str | None = Field(default=None, max_length=CONVERSATION_ID_LEN)
    service_url: str = Field(max_length=SERVICE_URL_LEN)
    tz: str | None = Field(default=None, max_length=TZ_LEN)  # IANA name
    seen_at: datetime = Field(default_factory=clock.now)


class TeamsConversation(SQLModel, table=True):
    """A conversation the bot was added to or written to in: a team channel, a group chat or a
    personal (1:1) chat. `team_aad_group_id` is the Microsoft 365 group of a channel's team."""

    __tablename__ = "teams_conversation"

    team_id: str = Field(primary_key=True, max_length=TENANT_ID_LEN)  # the tenant id
    conversation_id: str = Field(primary_key=True, max_length=CONVERSATION_ID_LEN)
    kind: str = Field(max_length=16)  # personal | channel | groupChat
    team_aad_group_id: str | None = Field(default=None, max_length=AAD_ID_LEN)
    service_url: str = Field(max_length=SERVICE_URL_LEN)
    name: str | None = Field(default=None, max_length=NAME_LEN)
    seen_at: datetime = Field(default_factory=clock.now)
