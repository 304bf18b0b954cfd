"""The bot as a subprocess (`python -m bot`), optionally without root's power to ignore file
permissions, so that a read-only database file is read-only to it as it would be in production."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
import time
from pathlib import Path

from tests.slack_requests import SECRET
from tests.slack_stub import SlackStub
from tests.support.processes import BotProcess, clean_env, free_port

PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


def _without_file_override() -> None:
    """In the child before exec: drop the capabilities that let root write a file whatever its mode."""
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


class Bot(BotProcess):
    def __init__(self, cwd: Path, port: int, env: dict[str, str], honour_file_modes: bool = False) -> None:
        self.cwd, self.port = cwd, port
        self.out = open(cwd / f"bot-{port}-{time.monotonic_ns()}.log", "w+")  # noqa: SIM115 - closed in stop()
        drop = _without_file_override if honour_file_modes and os.geteuid() == 0 else None
        self.proc = subprocess.Popen([sys.executable, "-m", "bot"], cwd=cwd, env=clean_env(**env), stdout=self.out,
                                     stderr=subprocess.STDOUT, preexec_fn=drop)
        self.url = f"http://127.0.0.1:{port}"


def launch(bots: list[BotProcess], cwd: Path, stub: SlackStub, *, honour_file_modes: bool = False,
           **env: str) -> Bot:
    port = free_port()
    values = {"SLACK_BOT_TOKEN": "xoxb-test-token-000", "SLACK_SIGNING_SECRET": SECRET,
              "SLACK_API_URL": stub.api_url, "PORT": str(port), "BOT_MANAGERS": "UMGR", **env}
    bot = Bot(cwd, port, values, honour_file_modes)
    bots.append(bot)
    bot.wait_healthy()
    return bot
