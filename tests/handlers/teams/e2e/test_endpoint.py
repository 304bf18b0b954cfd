"""`POST /api/messages` of the running app: every request's token checked first, then commands."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage.models import Risk
from storage.models_teams import TeamsConversation, TeamsPerson
from tests.handlers.slack.e2e import table_counts
from tests.support.served import ServedBot
from tests.support.teams import ANN, MANAGER, TeamsClient, answer_of
from tests.teams_stub import TeamsStub


def test_healthz_and_a_command_on_a_teams_only_bot(teams: TeamsClient, teams_served: ServedBot,
                                                   teams_stub: TeamsStub, engine: Engine) -> None:
    import urllib.request

    with urllib.request.urlopen(teams_served.url + "/healthz", timeout=10) as r:  # type: ignore[attr-defined]
        assert r.status == 200
    status, _ = teams.say("risk add Vendor may slip p=4 i=5", ANN)
    assert status == 200
    text = answer_of(teams_stub, ANN.dm)
    assert "R-1" in text and "Vendor may slip" in text
    with Session(engine) as s:
        risk = s.exec(select(Risk)).one()
        assert (risk.team_id, risk.created_by, risk.score) == (teams_stub.tenant_id, ANN.aad, 20)
        person = s.exec(select(TeamsPerson)).one()
        assert (person.aad_object_id, person.bot_scoped_id, person.conversation_id, person.tz) == (
            ANN.aad, ANN.scoped, ANN.dm, "Europe/London")
        assert s.exec(select(TeamsConversation)).one().kind == "personal"


@pytest.mark.parametrize("case", ["no token", "other key", "wrong audience", "expired", "serviceurl mismatch",
                                  "garbage"])
def test_every_auth_failure_is_401_and_writes_nothing(case: str, teams: TeamsClient, teams_stub: TeamsStub,
                                                      engine: Engine, other_key) -> None:
    before = table_counts(engine)
    now = int(__import__("storage.clock", fromlist=["now"]).now().timestamp())
    token = {
        "no token": None,
        "other key": teams_stub.mint(key=other_key),
        "wrong audience": teams_stub.mint(aud="11111111-1111-4111-8111-111111111111"),
        "expired": teams_stub.mint(iat=now - 3600, nbf=now - 3600, exp=now - 900),
        "serviceurl mismatch": teams_stub.mint(serviceurl="https://evil.example/"),
        "garbage": "not-a-jwt",
    }[case]
    status, _ = teams.post(teams.message("risk add Sneaky p=5 i=5", ANN), token=token)
    assert status == 401
    assert table_counts(engine) == before
    with Session(engine) as s:
        assert s.exec(select(TeamsPerson)).all() == []
    assert teams_stub.sent() == []


def test_a_body_that_is_not_json_is_refused_before_it_is_read(teams: TeamsClient, engine: Engine) -> None:
    status, _ = teams.post({}, raw=b"{not json")
    assert status == 401  # no serviceUrl to match the token's


def test_channel_messages_need_the_bots_mention(teams: TeamsClient, teams_stub: TeamsStub, engine: Engine) -> None:
    body = teams.activity("message", MANAGER, channel=True, text="risk add Overheard p=1 i=1", entities=[])
    assert teams.post(body)[0] == 200
    status, _ = teams.say("risk add Said to me p=2 i=2", MANAGER, channel=True)
    assert status == 200
    text = answer_of(teams_stub, "19:sales@thread.tacv2")
    assert "Said to me" in text
    with Session(engine) as s:
        assert [r.title for r in s.exec(select(Risk))] == ["Said to me"]


def test_a_signed_body_that_is_no_activity_is_400_and_writes_nothing(teams: TeamsClient, teams_stub: TeamsStub,
                                                                     engine: Engine) -> None:
    before = table_counts(engine)
    status, _ = teams.post({"serviceUrl": teams_stub.service_url, "type": 5, "from": "nobody"})
    assert status == 400
    assert table_counts(engine) == before


def test_another_tenant_is_refused(teams: TeamsClient, teams_stub: TeamsStub, engine: Engine) -> None:
    body = teams.message("risk add Elsewhere p=1 i=1", ANN)
    body["conversation"]["tenantId"] = body["channelData"]["tenant"]["id"] = "99999999-9999-4999-8999-999999999999"
    assert teams.post(body)[0] == 403
    with Session(engine) as s:
        assert s.exec(select(TeamsPerson)).all() == [] and s.exec(select(Risk)).all() == []


def test_the_sdk_is_not_loaded_by_the_core_or_a_slack_only_bot() -> None:
    import subprocess
    import sys

    code = ("import sys, bot.app, bot.server, bot.__main__; "
            "assert not [m for m in sys.modules if m.startswith('microsoft_teams')], 'loaded'")
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0


def test_an_unexpected_error_is_logged_and_the_person_told(teams: TeamsClient, teams_stub: TeamsStub,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    from handlers.teams.commands import COMMANDS

    async def boom(turn, text):  # type: ignore[no-untyped-def]
        raise RuntimeError("kaput")

    monkeypatch.setitem(COMMANDS, "boom", boom)
    assert teams.say("boom now", ANN)[0] == 200
    assert "something went wrong" in answer_of(teams_stub, ANN.dm)
    assert any(r.exc_info and "kaput" in str(r.exc_info[1]) for r in caplog.records)
