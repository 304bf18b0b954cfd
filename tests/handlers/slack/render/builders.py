"""Checking Block Kit against Slack's limits (known block types, lengths, counts, plain JSON), and sample
rows for the builders to draw."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from handlers.slack.render import common
from storage.models import Feedback, Project, Risk

NOW = datetime(2030, 1, 2, 3, 4, tzinfo=UTC)


# ---- a checker for Slack's limits ---------------------------------------------------------------

def _text_obj(obj: Any, limit: int, kind: str | None = None) -> None:
    assert isinstance(obj, dict) and obj.get("type") in ("plain_text", "mrkdwn"), obj
    if kind:
        assert obj["type"] == kind, obj
    assert isinstance(obj["text"], str) and 0 < len(obj["text"]) <= limit, (len(obj["text"]), limit)


def _element(e: dict[str, Any]) -> None:
    kind = e["type"]
    assert "action_id" in e and len(e["action_id"]) <= 255
    if kind == "button":
        _text_obj(e["text"], 75, "plain_text")
        assert len(e.get("value", "")) <= 2000
        assert e.get("style") in (None, "primary", "danger")
    elif kind == "static_select":
        assert 0 < len(e["options"]) <= 100
        for o in e["options"]:
            _text_obj(o["text"], 75, "plain_text")
            assert 0 < len(o["value"]) <= 150
        if "initial_option" in e:
            assert e["initial_option"] in e["options"]
        if "placeholder" in e:
            _text_obj(e["placeholder"], 150, "plain_text")
    elif kind == "plain_text_input":
        assert 1 <= e.get("max_length", 3000) <= 3000
        assert len(e.get("initial_value", "")) <= e.get("max_length", 3000)
        if "placeholder" in e:
            _text_obj(e["placeholder"], 150, "plain_text")
    elif kind == "checkboxes":
        assert 0 < len(e["options"]) <= 10
        for o in e["options"]:
            _text_obj(o["text"], 75 * 4)
    else:
        assert kind in ("users_select", "datepicker"), kind


def check_blocks(blocks: list[dict[str, Any]], max_blocks: int) -> None:
    assert 0 < len(blocks) <= max_blocks, len(blocks)
    block_ids = [b["block_id"] for b in blocks if "block_id" in b]
    assert len(block_ids) == len(set(block_ids)) and all(len(b) <= 255 for b in block_ids)
    for b in blocks:
        kind = b["type"]
        if kind == "section":
            assert "text" in b or "fields" in b
            if "text" in b:
                _text_obj(b["text"], common.MAX_SECTION)
            if "fields" in b:
                assert 0 < len(b["fields"]) <= 10
                for f in b["fields"]:
                    _text_obj(f, 2000)
            if "accessory" in b:
                _element(b["accessory"])
        elif kind == "header":
            _text_obj(b["text"], common.MAX_HEADER, "plain_text")
        elif kind == "context":
            assert 0 < len(b["elements"]) <= 10
            for e in b["elements"]:
                _text_obj(e, common.MAX_SECTION)
        elif kind == "actions":
            assert 0 < len(b["elements"]) <= 25
            for e in b["elements"]:
                _element(e)
        elif kind == "input":
            _text_obj(b["label"], 2000, "plain_text")
            _element(b["element"])
            if "hint" in b:
                _text_obj(b["hint"], 2000, "plain_text")
        else:
            assert kind == "divider", kind


def check_message(msg: dict[str, Any]) -> dict[str, Any]:
    json.dumps(msg)  # plain JSON, nothing else
    assert isinstance(msg["text"], str) and 0 < len(msg["text"]) <= common.MAX_FALLBACK
    if "blocks" in msg:
        check_blocks(msg["blocks"], common.MAX_BLOCKS)
    return msg


def check_modal(view: dict[str, Any], callback_id: str) -> dict[str, Any]:
    json.dumps(view)
    assert view["type"] == "modal" and view["callback_id"] == callback_id
    for key in ("title", "submit", "close"):
        _text_obj(view[key], 24, "plain_text")
    assert len(view.get("private_metadata", "")) <= 3000
    json.loads(view["private_metadata"])
    check_blocks(view["blocks"], common.MAX_MODAL_BLOCKS)
    for b in view["blocks"]:
        if b["type"] == "input":
            assert b["element"]["action_id"] == b["block_id"]  # the form readers look them up by block_id
    return view


# ---- sample rows --------------------------------------------------------------------------------

def risk(number: int = 1, p: int = 4, i: int = 5, title: str = "Vendor may slip", **kw: Any) -> Risk:
    values: dict[str, Any] = dict(
        id=number, team_id="T1", number=number, title=title, probability=p, impact=i, score=p * i,
        status="open", owner_id="UOWNER", created_by="UMEMBER", review_date=date(2030, 2, 1), project_id=1,
        created_at=NOW, updated_at=NOW)
    values.update(kw)
    return Risk(**values)


def project(name: str = "Apollo", **kw: Any) -> Project:
    values: dict[str, Any] = dict(id=1, team_id="T1", name=name, name_key=name.lower(), client="Acme",
                                  channel_id="C1", deadline=date(2030, 6, 1), budget=50_000.0, created_by="UMGR")
    values.update(kw)
    return Project(**values)


def item(number: int = 1, text: str = "Great demo", **kw: Any) -> Feedback:
    values: dict[str, Any] = dict(id=number, team_id="T1", number=number, text=text, source="client",
                                  sentiment="positive", author_id="UMEMBER", created_at=NOW)
    values.update(kw)
    return Feedback(**values)
