"""`python -m bot console`: started without any Slack setting, and scheduled messages on a moved clock."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy.engine import Engine

from handlers.console import main as console_main
from storage import clock
from tests.handlers.console.driving import drive_console

REPO = Path(__file__).resolve().parents[3]


def friday_after_three() -> datetime:
    """The next Friday (at least a day ahead), 30 s after 15:00 UTC, when new check-ins go out:
    after the schedule is made, so its first occurrence is one to catch up."""
    now = clock.now()
    days = (4 - now.weekday()) % 7 or 7
    return (now + timedelta(days=days)).replace(hour=15, minute=0, second=30, microsecond=0)


def test_runs_with_no_slack_settings(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-m", "bot", "console", "--user", "ann", "--db", str(tmp_path / "c.db")],
                            input="help\nexit\n", capture_output=True, text=True, cwd=tmp_path, timeout=120,
                            env={**env, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr
    assert "Console: you are @ann in #sales." in result.stdout
    assert "people are @name, channels #name" in result.stdout
    assert (tmp_path / "c.db").exists()


def test_default_database_file(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    result = subprocess.run([sys.executable, "-m", "bot", "console"], input="", capture_output=True, text=True,
                            cwd=tmp_path, timeout=120, env={**env, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "console.db").exists()


def test_a_scheduled_checkin_arrives_after_time_travel(engine: Engine) -> None:
    drive_console(engine, ['/project new Acme', "/checkin add @ann project=Acme"])
    friday = friday_after_three()
    with time_machine.travel(friday, tick=True):
        out = drive_console(engine, ["time"])
    assert f"The console's clock says Fri {friday:%Y-%m-%d} 15:00" in out
    assert "[DM @ann] How happy are you with Acme this week?" in out  # caught up at start, within its grace


def test_now_moves_the_clock_and_the_poll_arrives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "_offset", timedelta(0))  # restored after the test
    db = str(tmp_path / "c.db")
    out: list[str] = []
    setup = iter(["/project new Acme", "/checkin add @ann project=Acme"])

    async def read_setup(prompt: str) -> str | None:
        return next(setup, None)

    assert console_main.main(["--db", db], read=read_setup, write=out.append) == 0

    async def read_until_poll(prompt: str) -> str | None:
        deadline = time.monotonic() + 30
        while not any("[DM @ann]" in line for line in out) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        return None

    friday = friday_after_three()
    now = friday.isoformat()
    assert console_main.main(["--db", db, "--now", now], read=read_until_poll, write=out.append) == 0
    assert any("[DM @ann] How happy are you with Acme this week?" in line for line in out), out
    assert clock.now() > friday


def test_bad_arguments() -> None:
    with pytest.raises(SystemExit):
        console_main.parse_args(["--now", "soon"])
    with pytest.raises(SystemExit):
        console_main.parse_args(["--user", "a b"])
    assert console_main.parse_args(["--member", "--user", "bo"]).member
