"""Each benchmark script, run small: it starts what it measures, finishes, and prints its figures.

These check that the scripts work and that nothing was lost on the way, not how fast anything was:
a `--small` run never fails on a missed target (bench/README.md has the real figures)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(module: str, *args: str, timeout: float = 60) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", module, "--small", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}\n{done.stderr[-3000:]}"
    return done.stdout


def test_ack_latency_measures_the_bot_and_a_bare_app_on_each_stack() -> None:
    out = run("bench.ack_latency")
    for target in ("bare asgi", "bare wsgi", "bot"):
        assert re.search(rf"^{target} +[\d.]+ +[\d.]+ +[\d.]+ +\d+ +0$", out, re.M), out  # p50 p95 p99 req/s errors
    assert re.search(r"^bare starlette +[\d.]+", out, re.M) or "bare starlette: skipped" in out, out
    assert re.search(r"bot / floor .*median [\d.]+x.*p99 [\d.]+x.*throughput [\d.]+x", out), out
    answered = re.search(r"bot answers through response_url: (\d+)/(\d+)", out)
    assert answered and answered[1] == answered[2], out
    assert "bot log: 0 error lines" in out


def test_fanout_sends_each_stakeholder_one_poll_through_a_rate_limit() -> None:
    out = run("bench.fanout")
    assert re.search(r"wall time [\d.]+ s \(ideal [\d.]+ s\); [\d.]+ messages/s = \d+% of the allowed rate", out), out
    assert "duplicates 0, missing 0" in out
    assert re.search(r"report: sent 40, failed 0", out), out


@pytest.mark.postgres
def test_fanout_runs_on_postgresql(pg_url: str) -> None:
    out = run("bench.fanout", "--database-url", pg_url)
    assert "(PostgreSQL)" in out and "duplicates 0, missing 0" in out, out


def test_idle_memory_reads_the_running_bots_rss() -> None:
    out = run("bench.idle_memory")
    assert re.search(r"RSS [\d.]+ MB then, [\d.]+ MB after \d+ s idle", out), out


def test_summary_at_scale_times_the_summary() -> None:
    out = run("bench.summary_scale")
    assert re.search(r"^sqlite: seeded \d+ projects", out, re.M), out
    assert re.search(r"/summary \(all projects\): median \d+ ms", out), out
    assert re.search(r"/summary \(one project\): median \d+ ms", out), out


@pytest.mark.postgres
def test_summary_at_scale_runs_on_postgresql(pg_url: str) -> None:
    out = run("bench.summary_scale", "--database-url", pg_url)
    assert re.search(r"^postgresql: /summary \(all projects\): median \d+ ms", out, re.M), out


def test_teams_ack_latency_measures_the_bot_and_a_bare_teams_sdk_app() -> None:
    out = run("bench.teams_ack_latency", timeout=120)
    for target in ("bare Teams SDK", "bot"):
        assert re.search(rf"^{target} +[\d.]+ +[\d.]+ +[\d.]+ +\d+ +0$", out, re.M), out  # p50 p95 p99 req/s errors
    assert re.search(r"bot / bare Teams SDK app .*median [\d.]+x.*p99 [\d.]+x", out), out
    answered = re.search(r"bot answers through the connector: (\d+)/(\d+)", out)
    assert answered and int(answered[1]) >= int(answered[2]), out
    assert "bot log: 0 error lines" in out
