"""The people of the Slack workspace the Web API stand-in serves."""

from __future__ import annotations

from typing import Any

USERS: dict[str, dict[str, Any]] = {
    "UMGR": {"name": "maria"},  # a manager through BOT_MANAGERS
    "UADMIN": {"name": "ada", "is_admin": True},  # a workspace admin: a manager too
    "UOWNER": {"name": "olga", "is_owner": True},
    "UMEMBER": {"name": "mike"},
    "UMEMBER2": {"name": "nina", "tz": "America/New_York"},
    "UGUEST": {"name": "gail", "is_restricted": True},  # a client in the workspace as a guest
}
