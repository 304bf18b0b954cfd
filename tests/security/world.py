"""One workspace with something of every kind, built through the bot's own commands and buttons:
a project, risks, feedback, a check-in poll sent to four people, a stand-up with an answer and a
blocker, and a copy of every form the bot opens (so hostile submissions start from real views)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session, col, select

from handlers.slack import ids
from storage.models import Risk
from storage.models_rhythm import CheckinPoll, Standup, StandupAnswer
from tests.security.harness import Driver, state_of
from tests.slack_requests import text_value
from tests.slack_stub import TEAM

PROJECT = "Apollo"
PROJECT_CHANNEL = "CAPOLLO"
STANDUP_CHANNEL = "CSTAND"
# Asked in check-ins and members of the stand-up: one of each role (the guest is a client's contact).
PEOPLE = ("UMEMBER", "UMGR", "UADMIN", "UGUEST")
MENTION = {"UMEMBER": "<@UMEMBER|mike>", "UMEMBER2": "<@UMEMBER2|nina>", "UMGR": "<@UMGR|maria>",
           "UADMIN": "<@UADMIN|ada>", "UGUEST": "<@UGUEST|gail>"}


@dataclass
class World:
    team: str
    project_id: int
    poll_id: int
    standup_id: int
    blocker_answer_id: int
    today: dict[str, str]  # user -> their local date of the stand-up prompt they were sent
    views: dict[str, dict[str, Any]] = field(default_factory=dict)  # callback_id -> a form the bot opened

    def __repr__(self) -> str:  # short, for hypothesis' reports
        return f"World({self.team}, poll={self.poll_id}, standup={self.standup_id})"

    def risk_number(self, engine: Any, title: str) -> int:
        with Session(engine) as s:
            return s.exec(select(Risk.number).where(Risk.team_id == self.team, Risk.title == title)).one()


def _ok(outcome: Any, *needles: str) -> Any:
    t = outcome.text()
    assert outcome.status == 200 and all(n in t for n in needles), t[:500]
    return outcome


def _away(hours: int) -> str:
    """A time of day `hours` from now (UTC), so no scheduled prompt fires while the tests run."""
    return (datetime.now(UTC) + timedelta(hours=hours)).strftime("%H:%M")


def build(d: Driver, team: str = TEAM) -> World:
    cmd = d.command
    _ok(cmd("/project", f"new {PROJECT} channel=<#{PROJECT_CHANNEL}|apollo>", "UMGR", team=team), "Created")
    _ok(cmd("/risk", f"add Vendor may slip p=4 i=4 project={PROJECT}", "UMEMBER", team=team), "R-1")
    _ok(cmd("/feedback", "client The client is happy", "UMEMBER", team=team), "F-1")

    # Check-ins: configured by an admin (so both managers hear of a low answer), sent now.
    people = " ".join(MENTION[u] for u in (*PEOPLE, "UMEMBER2"))
    _ok(cmd("/checkin", f"add {people} project={PROJECT}", "UADMIN", team=team), "will get check-ins")
    day = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[(datetime.now(UTC).weekday() + 3) % 7]
    _ok(cmd("/checkin", f"schedule project={PROJECT} day={day} time={_away(12)}", "UADMIN", team=team))
    _ok(cmd("/checkin", f"send project={PROJECT}", "UMGR", team=team), "Sent the")
    with Session(d.engine) as s:
        poll_id = s.exec(select(CheckinPoll.id).where(CheckinPoll.team_id == team)).one()

    # A stand-up in its own channel with one of each role; prompted now, answered by the member.
    members = ",".join(MENTION[u] for u in PEOPLE)
    _ok(cmd("/standup", f"setup channel=<#{STANDUP_CHANNEL}|standup> members={members} time={_away(12)} "
            "days=daily", "UMGR", team=team), "Set up the stand-up")
    _ok(cmd("/standup", "now", "UMGR", team=team, channel=STANDUP_CHANNEL), "Sent the stand-up prompt")
    with Session(d.engine) as s:
        standup_id = s.exec(select(Standup.id).where(Standup.team_id == team)).one()
    today = {}
    for u in PEOPLE:
        [dm] = [p for p in d.stub.find("chat.postMessage", channel=u)
                if ids.STANDUP_OPEN in json.dumps(p.get("blocks"))][-1:]
        value = next(e["value"] for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"])
        today[u] = value.split(":", 1)[1]
    world = World(team, _project_id(d, team), poll_id, standup_id, 0, today)

    opened = d.press(ids.STANDUP_OPEN, "UMEMBER", value=f"{standup_id}:{today['UMEMBER']}", team=team).opened()
    world.views[ids.STANDUP_MODAL] = opened[0]
    view = opened[0]
    _ok(d.submit(view, state_of(view, {ids.B_TODAY: text_value("Call Acme"),
                                       ids.B_BLOCKERS: text_value("Legal has not signed")}), "UMEMBER", team=team))
    with Session(d.engine) as s:
        world.blocker_answer_id = s.exec(select(StandupAnswer.id).where(StandupAnswer.team_id == team)
                                         .order_by(col(StandupAnswer.id))).first() or 0

    # A copy of every other form.
    world.views[ids.RISK_MODAL] = cmd("/risk", "", "UMEMBER", team=team).opened()[0]
    world.views[ids.FEEDBACK_MODAL] = cmd("/feedback", "", "UMEMBER", team=team).opened()[0]
    world.views[ids.CHECKIN_COMMENT_MODAL] = d.press(ids.CHECKIN_COMMENT, "UMEMBER", value=str(poll_id),
                                                     team=team).opened()[0]
    world.views[ids.RISK_UPDATE_MODAL] = d.press(ids.REVIEW_UPDATE, "UMGR", value=json.dumps({"n": 1}),
                                                 team=team).opened()[0]
    _ok(cmd("/scope", f"change project={PROJECT} Add SSO days=3", "UMEMBER", team=team), "C-1")
    world.views[ids.SCOPE_BASELINE_MODAL] = cmd("/scope", f"set project={PROJECT}", "UMGR", team=team).opened()[0]
    world.views[ids.SCOPE_CHANGE_MODAL] = cmd("/scope", "change", "UMEMBER", team=team).opened()[0]
    world.views[ids.LESSON_MODAL] = cmd("/lesson", "", "UMEMBER", team=team).opened()[0]
    return world


def _project_id(d: Driver, team: str) -> int:
    from storage.models import Project

    with Session(d.engine) as s:
        return s.exec(select(Project.id).where(Project.team_id == team, Project.name == PROJECT)).one()
