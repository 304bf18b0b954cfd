"""The Teams front end's dispatch tables match its ids: every command word has a handler, every card
verb a button handler, the app manifest lists every command, and the cards use no other verb."""

from __future__ import annotations

import json
from pathlib import Path

from handlers.teams import ids
from handlers.teams.actions import VERBS
from handlers.teams.commands import COMMANDS, HELP

MANIFEST = Path(__file__).resolve().parents[3] / "teams" / "manifest.json"


def test_every_command_word_is_served_and_listed_in_the_manifest() -> None:
    assert set(COMMANDS) == set(ids.COMMANDS)
    listed = {c["title"] for bot in json.loads(MANIFEST.read_text(encoding="utf-8"))["bots"]
              for command_list in bot["commandLists"] for c in command_list["commands"]}
    assert listed == set(ids.COMMANDS)
    for word in (ids.SCOPE, ids.LESSON):
        assert f"`{word}" in HELP


def test_every_card_verb_has_its_handler() -> None:
    assert set(VERBS) == set(ids.VERBS)
    assert len(ids.VERBS) == len(set(ids.VERBS))
    assert set(ids.SCOPE_VERBS) <= set(VERBS)
    assert {ids.LESSON_SUBMIT, ids.LESSON_PAGE, ids.LESSON_OPEN, ids.RISK_DUPLICATE} <= set(VERBS)
