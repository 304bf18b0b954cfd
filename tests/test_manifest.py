"""manifest.yml creates the Slack app as the bot expects it: every command it answers, escaped
mentions, interactivity on /slack/events, only the scopes it uses, and Socket Mode off by default."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from handlers.slack import ids

MANIFEST = Path(__file__).resolve().parent.parent / "manifest.yml"

# What each scope is for: commands (slash commands), chat:write (answers, DMs, channel posts),
# chat:write.public (announcements in public channels the bot was not invited to),
# users:read (roles and time zones from users.info), im:write (conversations.open for DMs),
# im:history (after a crash, checking a DM for a message before sending it again).
EXPECTED_SCOPES = {"commands", "chat:write", "chat:write.public", "users:read", "im:write", "im:history"}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _commands(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["command"]: c for c in manifest["features"]["slash_commands"]}


def test_format_version_2(manifest: dict[str, Any]) -> None:
    assert manifest["_metadata"]["major_version"] == 2


def test_display_information_within_slack_limits(manifest: dict[str, Any]) -> None:
    info = manifest["display_information"]
    assert 1 <= len(info["name"]) <= 35
    assert 1 <= len(info["description"]) <= 140
    assert 175 <= len(info["long_description"]) <= 4000
    bot_user = manifest["features"]["bot_user"]
    assert 1 <= len(bot_user["display_name"]) <= 80 and bot_user["always_online"] is True


def test_commands_match_the_bot(manifest: dict[str, Any]) -> None:
    listed = [c["command"] for c in manifest["features"]["slash_commands"]]
    assert len(listed) == len(set(listed)), "a command is listed twice"
    assert set(listed) == set(ids.COMMANDS)


@pytest.mark.parametrize("command", ids.COMMANDS)
def test_each_command_is_described_and_escapes_mentions(manifest: dict[str, Any], command: str) -> None:
    c = _commands(manifest)[command]
    assert 2 <= len(c["command"]) <= 32
    assert isinstance(c.get("description"), str) and 1 <= len(c["description"].strip()) <= 2000
    assert isinstance(c.get("usage_hint"), str) and 1 <= len(c["usage_hint"].strip()) <= 1000
    assert c.get("should_escape") is True  # mentions arrive as <@U…|name>, which the parser expects


def test_request_urls_point_at_slack_events(manifest: dict[str, Any]) -> None:
    urls = [c["url"] for c in manifest["features"]["slash_commands"]]
    urls.append(manifest["settings"]["interactivity"]["request_url"])
    for url in urls:
        assert url.startswith("https://") and url.endswith("/slack/events"), url


def test_interactivity_enabled_and_no_event_subscriptions(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    assert "event_subscriptions" not in settings


def test_scopes_are_exactly_what_the_bot_uses(manifest: dict[str, Any]) -> None:
    scopes = manifest["oauth_config"]["scopes"]
    assert set(scopes["bot"]) == EXPECTED_SCOPES
    assert len(scopes["bot"]) == len(EXPECTED_SCOPES)
    assert not scopes.get("user")


def test_socket_mode_off_by_default(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is False
    assert settings["org_deploy_enabled"] is False
    assert settings["token_rotation_enabled"] is False


def test_dms_are_visible_in_the_messages_tab(manifest: dict[str, Any]) -> None:
    home = manifest["features"]["app_home"]
    assert home["messages_tab_enabled"] is True
