"""Sample rows and views for the Teams renderers, and checks every activity must pass."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any

from handlers.teams.render.cards import CARD, MAX_ACTIVITY, SCHEMA
from storage.models import Feedback, Project, Risk, RiskEvent
from storage.models_lessons import Lesson, ProjectClosing
from storage.models_rhythm import Standup, StandupAnswer

NOW = datetime(2030, 1, 2, 3, 4, tzinfo=UTC)
LIMIT = 28 * 1024  # Teams refuses a message over 28 KB
LONG = "Ünïcode & <b>markup</b> [pay](http://evil.example) **x** " * 60


def risk(number: int = 1, title: str = "Vendor may slip", p: int = 4, i: int = 5, **kw: Any) -> Risk:
    values: dict[str, Any] = dict(id=number, team_id="tenant", number=number, title=title, probability=p, impact=i,
                                  score=p * i, status="open", owner_id="aad-owner", created_by="aad-member",
                                  review_date=date(2030, 2, 1), project_id=1, created_at=NOW, updated_at=NOW)
    values.update(kw)
    return Risk(**values)


def project(name: str = "Apollo", **kw: Any) -> Project:
    values: dict[str, Any] = dict(id=1, team_id="tenant", name=name, name_key=name.lower(), client="Acme",
                                  channel_id="19:chan", deadline=date(2030, 6, 1), budget=50_000.0,
                                  created_by="aad-mgr")
    values.update(kw)
    return Project(**values)


def item(number: int = 1, text: str = "Great demo", **kw: Any) -> Feedback:
    values: dict[str, Any] = dict(id=number, team_id="tenant", number=number, text=text, source="client",
                                  sentiment="positive", author_id="aad-member", created_at=NOW)
    values.update(kw)
    return Feedback(**values)


def event(action: str = "updated", changes: dict[str, Any] | None = None, note: str | None = None) -> RiskEvent:
    return RiskEvent(team_id="tenant", risk_id=1, at=NOW, actor_id="aad-mgr", action=action,
                     changes=json.dumps(changes or {}), note=note)


def standup(**kw: Any) -> Standup:
    values: dict[str, Any] = dict(id=7, team_id="tenant", channel_id="19:chan", time="09:30",
                                  days="mon,tue,wed,thu,fri", tz="Europe/Paris", post_mode="each",
                                  created_by="aad-mgr")
    values.update(kw)
    return Standup(**values)


def answer(n: int = 1, **kw: Any) -> StandupAnswer:
    values: dict[str, Any] = dict(id=n, team_id="tenant", standup_id=7, user_id=f"aad-{n}", day=date(2030, 1, 2),
                                  yesterday="Wrote the offer", today="Call the client", blockers="Legal review",
                                  created_at=NOW, updated_at=NOW)
    values.update(kw)
    return StandupAnswer(**values)


def lesson(number: int = 1, text: str = "Sign the scope off in writing", **kw: Any) -> Lesson:
    values: dict[str, Any] = dict(id=number, team_id="tenant", number=number, text=text, tags=",scope,acme,",
                                  search=text.lower(), project_id=1, created_by="aad-member", created_at=NOW)
    values.update(kw)
    return Lesson(**values)


def closing(**kw: Any) -> ProjectClosing:
    values: dict[str, Any] = dict(project_id=1, team_id="tenant", outcome="won", note="Signed", closed_by="aad-mgr",
                                  closed_at=NOW)
    values.update(kw)
    return ProjectClosing(**values)


# ---- checks -------------------------------------------------------------------------------------

def check(activities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each activity is a message ready for the connector, under 28 KB; a card is Adaptive Card 1.5."""
    assert activities
    for a in activities:
        assert len(json.dumps(a)) <= min(MAX_ACTIVITY, LIMIT), len(json.dumps(a))
        assert a["type"] == "message"
        if "attachments" in a:
            (att,) = a["attachments"]
            assert att["contentType"] == CARD
            c = att["content"]
            assert c["$schema"] == SCHEMA and c["type"] == "AdaptiveCard" and c["version"] == "1.5"
            assert c["body"]
            for action in actions(c):
                assert action["type"] == "Action.Execute" and action["verb"] and action["title"]
        else:
            assert a["textFormat"] == "markdown" and a["text"].strip()
    return activities


def content(activities: list[dict[str, Any]]) -> dict[str, Any]:
    (a,) = check(activities)
    return a["attachments"][0]["content"]


def walk(obj: Any) -> list[dict[str, Any]]:
    """Every element and action in a card, nested ones included."""
    out: list[dict[str, Any]] = []
    if isinstance(obj, dict):
        if "type" in obj:
            out.append(obj)
        for v in obj.values():
            out += walk(v)
    elif isinstance(obj, list):
        for v in obj:
            out += walk(v)
    return out


def actions(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for e in walk(card) if str(e.get("type", "")).startswith("Action.")]


def inputs(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in walk(card) if str(e.get("type", "")).startswith("Input.")}


def markdown_strings(activities: list[dict[str, Any]]) -> list[str]:
    """Every string a reader takes as markdown: message texts, TextBlocks, facts."""
    out = []
    for a in activities:
        if "text" in a:
            out.append(a["text"])
        for e in walk(a.get("attachments", [])):
            if e.get("type") == "TextBlock":
                out.append(e["text"])
            if e.get("type") == "FactSet":
                out += [s for f in e["facts"] for s in (f["title"], f["value"])]
    return out


def unescape(md: str) -> str:
    """What a markdown reader shows for escaped text: backslash escapes and the three entities undone."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", md).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def shown(activities: list[dict[str, Any]]) -> str:
    """All the markdown of some activities as a reader sees it, as one string (to look for data in)."""
    return "\n".join(unescape(s) for s in markdown_strings(activities))
