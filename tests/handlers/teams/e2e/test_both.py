"""One process serving Slack and Teams on one database: workspaces kept apart, each reached through
its own platform, and what Teams told the bot kept through a restart."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.settings import Settings
from storage.models import Risk
from tests.slack_requests import SlackClient
from tests.slack_stub import TEAM, SlackStub
from tests.support.served import ServedBot, make_settings
from tests.support.teams import ANN, MANAGER, TeamsClient, answer_of, cards_in, shown, teams_settings, wait_for
from tests.teams_stub import APP_ID, PASSWORD, TENANT_ID, TeamsStub


@pytest.fixture
def both_settings(db_url: str, stub: SlackStub, teams_stub: TeamsStub) -> Settings:
    return make_settings(db_url, stub.api_url, bot_managers=f"UMGR,{MANAGER.aad}", teams_app_id=APP_ID,
                         teams_app_password=PASSWORD, teams_tenant_id=TENANT_ID,
                         teams_openid_url=teams_stub.openid_url, teams_login_url=teams_stub.login_url)


@pytest.fixture
def both(both_settings: Settings, engine: Engine) -> Iterator[ServedBot]:
    bot = ServedBot(both_settings, engine)
    bot.url = bot.start()  # type: ignore[attr-defined]
    yield bot
    bot.stop()


def test_a_slack_team_and_a_teams_tenant_in_one_database_stay_apart(
        both: ServedBot, stub: SlackStub, teams_stub: TeamsStub, engine: Engine) -> None:
    slack = SlackClient(both.url, stub)  # type: ignore[attr-defined]
    teams = TeamsClient(both.url, teams_stub)  # type: ignore[attr-defined]
    assert "R-1" in slack.command("/risk", "add Slack side risk p=2 i=2", user="UMEMBER").text()
    teams.say("risk add Teams side risk p=3 i=3", ANN)
    assert "R-1" in answer_of(teams_stub, ANN.dm)
    slack_list = slack.command("/risk", "list", user="UMEMBER").text()
    assert "Slack side risk" in slack_list and "Teams side risk" not in slack_list
    before = len(teams_stub.sent(ANN.dm))
    teams.say("risk list", ANN)
    teams_list = answer_of(teams_stub, ANN.dm, since=before)
    assert "Teams side risk" in teams_list and "Slack side risk" not in teams_list
    with Session(engine) as s:
        owners = {r.title: r.team_id for r in s.exec(select(Risk))}
    assert owners == {"Slack side risk": TEAM, "Teams side risk": TENANT_ID}
    # a scheduled flow in each workspace goes out through its own platform
    for text in ("project new Apollo", "checkin add {0} project=Apollo", "checkin send project=Apollo"):
        before = len(teams_stub.sent(MANAGER.dm))  # one command after the other has answered
        teams.say(text, MANAGER, mentions=(ANN,))
        answer_of(teams_stub, MANAGER.dm, since=before)
    got = wait_for(lambda: [c for c in cards_in(teams_stub, ANN.dm) if "checkin.answer" in json.dumps(c)])
    assert got, [shown(c) for c in teams_stub.sent(MANAGER.dm)]
    slack_targets = {str(args.get("channel") or args.get("users") or "") for _, args in stub.calls}
    assert not [t for t in slack_targets if ":" in t or t.lower() in (ANN.aad, MANAGER.aad)]
    # and a Slack check-in still goes out through Slack
    slack.command("/project", "new Gemini", user="UMGR").text()
    slack.command("/checkin", "add <@UMEMBER|mike> project=Gemini", user="UMGR").text()
    slack.command("/checkin", "send project=Gemini", user="UMGR").text()
    assert wait_for(lambda: [a for m, a in stub.calls if m == "chat.postMessage" and "Gemini" in json.dumps(a)])


def test_what_teams_told_is_kept_through_a_restart(db_url: str, teams_stub: TeamsStub, engine: Engine) -> None:
    settings = teams_settings(db_url, teams_stub)
    first = ServedBot(settings, engine)
    teams = TeamsClient(first.start(), teams_stub)
    teams.say("project new Apollo", MANAGER)
    answer_of(teams_stub, MANAGER.dm)
    teams.say("risk add Survives restarts p=4 i=4", ANN)
    answer_of(teams_stub, ANN.dm)
    before = len(teams_stub.sent(MANAGER.dm))
    teams.say("checkin add {0} project=Apollo", MANAGER, mentions=(ANN,))
    answer_of(teams_stub, MANAGER.dm, since=before)
    first.stop()

    second = ServedBot(settings, engine)
    teams = TeamsClient(second.start(), teams_stub)
    try:
        before = len(teams_stub.sent(ANN.dm))
        teams.say("checkin send project=Apollo", MANAGER)  # Ann is reached without writing again
        assert wait_for(lambda: [c for c in cards_in(teams_stub, ANN.dm)[0:] if "checkin.answer" in json.dumps(c)])
        assert len(teams_stub.sent(ANN.dm)) > before
        creates = [c for c in teams_stub.calls if c.kind == "create"]
        assert creates == []  # her 1:1 chat was remembered
        before = len(teams_stub.sent(MANAGER.dm))
        teams.say("risk list", MANAGER)
        assert "Survives restarts" in answer_of(teams_stub, MANAGER.dm, since=before)
    finally:
        second.stop()
