"""`python -m bot` serving Teams only: no SLACK_* setting, /healthz and /api/messages on one port."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.clock import wall_now
from tests.slack_stub import SlackStub
from tests.support.processes import BotProcess, clean_env, start
from tests.support.teams import ANN, TeamsClient, answer_of
from tests.teams_stub import APP_ID, PASSWORD, TENANT_ID, TeamsStub


def test_a_teams_only_bot_starts_and_answers(started: list[BotProcess], tmp_path: Path, stub: SlackStub,
                                             teams_stub: TeamsStub) -> None:
    # A .env of the SDK's generic names beside the bot changes nothing: only TEAMS_* are read.
    (tmp_path / ".env").write_text("CLIENT_ID=wrong\nCLIENT_SECRET=wrong\nTENANT_ID=wrong\n"
                                   "DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS=true\n")
    bot = start(started, tmp_path, stub, SLACK_BOT_TOKEN="", SLACK_SIGNING_SECRET="", SLACK_API_URL="",
                TEAMS_APP_ID=APP_ID, TEAMS_APP_PASSWORD=PASSWORD, TEAMS_TENANT_ID=TENANT_ID,
                TEAMS_OPENID_URL=teams_stub.openid_url, TEAMS_LOGIN_URL=teams_stub.login_url,
                DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}", BOT_MANAGERS="")
    teams = TeamsClient(bot.url, teams_stub)
    assert teams.post(teams.message("risk add Vendor may slip p=2 i=2", ANN), token=None)[0] == 401
    # The bot runs on the real clock, whatever time the suite travels to: its token is minted by that clock.
    now = int(wall_now().timestamp())
    token = teams_stub.mint(iat=now, nbf=now, exp=now + 300)
    assert teams.post(teams.message("risk add Vendor may slip p=2 i=2", ANN), token=token)[0] == 200
    assert "R-1" in answer_of(teams_stub, ANN.dm)


def test_neither_platform_set_exits_2_naming_both(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "bot"], cwd=tmp_path, env=clean_env(), capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    line = done.stderr.strip()
    assert "\n" not in line and "SLACK_BOT_TOKEN" in line and "TEAMS_APP_ID" in line
