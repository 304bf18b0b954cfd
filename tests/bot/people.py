"""The workspace and the people the service tests act as."""

from __future__ import annotations

from bot.people import Actor

TEAM = "T1"
MANAGER = Actor(TEAM, "UMGR", is_manager=True)
MEMBER = Actor(TEAM, "UMEMBER")
OTHER = Actor(TEAM, "UMEMBER2")
OWNER = Actor(TEAM, "UOWNER")
