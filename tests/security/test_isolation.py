"""Workspace isolation for every feature: requests from another workspace (another team_id), by its
managers, naming or pressing the first workspace's projects, risks, feedback, check-in polls, stand-ups
and answers, never see any of it and never change a row of it.

(tests/handlers/test_workspaces.py shows the same for the register, feedback and projects one by one;
here every feature, and every button and form, carries the first workspace's ids.)
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from handlers.slack import ids
from tests.handlers.slack.e2e import OTHER_TEAM
from tests.security.harness import Driver, Outcome, state_of
from tests.security.world import PROJECT, World
from tests.slack_requests import select_value, text_value
from tests.slack_stub import TEAM

# Only the first workspace holds these; the other never types them.
MARKERS = ("Vendor may slip", "client is happy", "Legal has not signed", "Call Acme", "CAPOLLO", "Apollo",
           "Did you mean")


def rows_of(engine: Engine, team: str) -> dict[str, list[str]]:
    """Every row of every table that belongs to `team`, as text, in a stable order (less the journal
    of commands in progress, whose rows go on their own once each command is answered)."""
    out = {}
    with engine.connect() as c:
        for table in SQLModel.metadata.sorted_tables:
            if "team_id" in table.c and table.name != "pending_command":
                found = c.execute(select(table).where(table.c.team_id == team)).all()
                out[table.name] = sorted(json.dumps(list(r), default=str) for r in found)
    return out


def commands(world: World) -> list[tuple[str, str, str]]:
    """Every command, as the other workspace's manager, naming the first workspace's things (or near them:
    a name a letter off would get "Did you mean Apollo?" if the lookup crossed workspaces)."""
    return [
        (ids.RISK, "list all", "CSALES"), (ids.RISK, "show R-1", "CSALES"), (ids.RISK, "update R-1 p=1", "CSALES"),
        (ids.RISK, "close R-1 Gone", "CSALES"), (ids.RISK, "add Other risk project=Apolo", "CSALES"),
        (ids.RISK, "list project=Apolo", "CSALES"), (ids.RISK, "", "CSALES"),
        (ids.FEEDBACK, "list", "CSALES"), (ids.FEEDBACK, "act F-1 Done", "CSALES"),
        (ids.FEEDBACK, "project=Apolo Fine", "CSALES"), (ids.FEEDBACK, "", "CSALES"),
        (ids.PROJECT, "", "CSALES"), (ids.PROJECT, "show Apolo", "CSALES"),
        (ids.CHECKIN, "results project=Apolo", "CSALES"), (ids.CHECKIN, "send project=Apolo", "CSALES"),
        (ids.CHECKIN, "remove <@UMEMBER|mike> project=Apolo", "CSALES"),
        (ids.CHECKIN, "schedule project=Apolo day=mon time=09:00", "CSALES"),
        (ids.STANDUP, "report", "CSTAND"), (ids.STANDUP, "now", "CSTAND"), (ids.STANDUP, "skip", "CSTAND"),
        (ids.STANDUP, "report channel=<#CSTAND|standup>", "CSALES"),
        (ids.SUMMARY, "", "CSALES"), (ids.SUMMARY, "project=Apolo", "CSALES"),
    ]


def presses(world: World) -> list[tuple[str, str, Any, str]]:
    """Every button, pressed in the other workspace by someone the first one asked, with the first's ids."""
    poll, sid, day = world.poll_id, world.standup_id, world.today["UMEMBER"]
    return [
        (f"{ids.CHECKIN_SCORE}_5", "UMEMBER", str(poll), "DUMEMBER"),
        (ids.CHECKIN_STATUS, "UMEMBER", {"value": f"{poll}:off_track"}, "DUMEMBER"),
        (ids.CHECKIN_COMMENT, "UMEMBER", str(poll), "DUMEMBER"),
        (ids.CHECKIN_LOG_RISK, "UMGR", json.dumps({"poll": poll, "u": "UMEMBER"}), "DUMGR"),
        (ids.STANDUP_OPEN, "UMEMBER", f"{sid}:{day}", "DUMEMBER"),
        (ids.STANDUP_BLOCKER_RISK, "UMGR", str(world.blocker_answer_id), "CSTAND"),
        (ids.REVIEW_VALID, "UMGR", json.dumps({"n": 1}), "DUMGR"),
        (ids.REVIEW_UPDATE, "UMGR", json.dumps({"n": 1}), "DUMGR"),
        (ids.REVIEW_CLOSE, "UMGR", json.dumps({"n": 1}), "DUMGR"),
        (f"{ids.RISK_PAGE}_next", "UMGR", json.dumps({"p": world.project_id, "a": True, "page": 1}), "CSALES"),
        (f"{ids.FEEDBACK_PAGE}_prev", "UMGR", json.dumps({"p": world.project_id, "page": 1}), "CSALES"),
        (ids.SUMMARY_FULL_RISKS, "UMGR", json.dumps({"p": world.project_id}), "DUMGR"),
    ]


def forms(world: World) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """Every form, submitted in the other workspace with the first's ids in its metadata and fields."""
    pid = str(world.project_id)
    return [
        (ids.CHECKIN_COMMENT_MODAL, {ids.B_COMMENT: text_value("From elsewhere")},
         {"poll": world.poll_id, "channel": "DUMEMBER", "ts": "1.2"}),
        (ids.STANDUP_MODAL, {ids.B_TODAY: text_value("From elsewhere")},
         {"s": world.standup_id, "d": world.today["UMEMBER"]}),
        (ids.RISK_UPDATE_MODAL, {ids.B_PROBABILITY: select_value("1"), ids.B_IMPACT: select_value("1"),
                                 ids.B_STATUS: select_value("closed")}, {"n": 1}),
        (ids.RISK_MODAL, {ids.B_TITLE: text_value("Other risk"), ids.B_PROJECT: select_value(pid)},
         {"channel": "CSALES"}),
        (ids.FEEDBACK_MODAL, {ids.B_TEXT: text_value("Other feedback"), ids.B_SOURCE: select_value("team"),
                              ids.B_PROJECT: select_value(pid)}, {"channel": "CSALES"}),
    ]


def seen_nothing(o: Outcome, what: str) -> str | None:
    if o.status != 200 or o.errors:
        return f"{what}: HTTP {o.status}, errors {[r.getMessage() for r in o.errors]}"
    if not o.to_person():
        return f"{what}: no answer"
    shown = o.text() + json.dumps([p for m, p in o.calls if m.startswith(("views.", "chat."))])
    leaked = [m for m in MARKERS if m in shown]
    return f"{what}: shows {leaked}: {o.text()[:200]!r}" if leaked else None


def test_another_workspace_never_sees_or_changes_the_first(driver: Driver, world: World, engine: Engine) -> None:
    first = rows_of(engine, TEAM)
    problems = []
    for command, text, channel in commands(world):
        o = driver.command(command, text, "UMGR", team=OTHER_TEAM, channel=channel)
        problems.append(seen_nothing(o, f"{command} {text}"))
    for action_id, user, value, channel in presses(world):
        kw = {"selected": value} if isinstance(value, dict) else {"value": value}
        o = driver.press(action_id, user, team=OTHER_TEAM, channel=channel, **kw)
        problems.append(seen_nothing(o, f"{action_id} {value}"))
        assert not o.opened(), f"{action_id}: a form of the first workspace opened"
    for callback_id, values, meta in forms(world):
        view = world.views[callback_id]
        o = driver.submit(view, state_of(view, values), "UMGR" if "risk" in callback_id else "UMEMBER",
                          team=OTHER_TEAM, metadata=json.dumps(meta))
        problems.append(seen_nothing(o, f"{callback_id} {meta}"))
    assert not [p for p in problems if p], "\n".join(p for p in problems if p)
    assert rows_of(engine, TEAM) == first


def test_the_first_workspace_sees_nothing_of_the_other(driver: Driver, world: World, engine: Engine) -> None:
    """The other way round: the other workspace's own data, made through its own commands, stays its own."""
    assert "Created" in driver.command(ids.PROJECT, "new Zephyr client=Initech", "UMGR", team=OTHER_TEAM).text()
    assert "R-1" in driver.command(ids.RISK, "add Zephyr slips project=Zephyr", "UMEMBER", team=OTHER_TEAM).text()
    driver.command(ids.FEEDBACK, "project=Zephyr Zephyr praise", "UMEMBER", team=OTHER_TEAM)
    driver.command(ids.CHECKIN, "add <@UMEMBER2|nina> project=Zephyr", "UMGR", team=OTHER_TEAM)
    other = rows_of(engine, OTHER_TEAM)
    for command, text in ((ids.RISK, "list all"), (ids.FEEDBACK, "list"), (ids.PROJECT, ""),
                          (ids.SUMMARY, ""), (ids.CHECKIN, f"results project={PROJECT}")):
        t = driver.command(command, text, "UMGR").text()
        assert "Zephyr" not in t and "Initech" not in t, (command, t[:300])
    assert rows_of(engine, OTHER_TEAM) == other
