"""Idle memory: the running bot's resident set size once it has settled.

Starts `python -m bot` in HTTP mode against the Web API stand-in (bench/stand_in.py), waits
until /healthz answers and then ~10 s more (the scheduler's sweeper has run by then), and
prints VmRSS from /proc/PID/status. Target: <= 150 MB.

    python -m bench.idle_memory
    python -m bench.idle_memory --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.common import Child, bot_env, free_port, machine, python, rss_mb, wait_http
from bench.seed import scratch_database

TARGET_MB = 150.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--settle", type=float, default=10.0, help="seconds to wait after /healthz is up")
    parser.add_argument("--database-url", help="a PostgreSQL server: a scratch database is made there and dropped")
    parser.add_argument("--small", action="store_true", help="a quick check that it works (a shorter wait)")
    args = parser.parse_args()
    if args.small:
        args.settle = 1.0
    with tempfile.TemporaryDirectory(prefix="bench-mem-") as tmp_name:
        tmp = Path(tmp_name)
        stand_in_proc = Child("stand-in", [python(), "-m", "bench.stand_in"], tmp, stdout_pipe=True)
        try:
            stand_in = stand_in_proc.read_line().split()[-1]
            with scratch_database(tmp, args.database_url) as db_url:
                port = free_port()
                bot = Child("bot", [python(), "-m", "bot"], tmp,
                            env=bot_env(port=port, api_url=f"{stand_in}/api/", database_url=db_url))
                try:
                    began = time.monotonic()
                    up = wait_http(f"http://127.0.0.1:{port}/healthz", bot)
                    at_start = rss_mb(bot.pid)
                    time.sleep(args.settle)
                    wait_http(f"http://127.0.0.1:{port}/healthz", bot)  # still healthy after settling
                    idle = rss_mb(bot.pid)
                finally:
                    bot.stop()
        finally:
            stand_in_proc.stop()
    met = idle <= TARGET_MB
    print(f"idle memory of `python -m bot` (HTTP mode, {'PostgreSQL' if args.database_url else 'SQLite'}); "
          f"machine: {machine().line()}")
    print(f"healthy {up - began:.1f} s after start; RSS {at_start:.1f} MB then, {idle:.1f} MB after "
          f"{args.settle:.0f} s idle (target <= {TARGET_MB:.0f} MB, {'met' if met else 'MISSED'})")
    return 0 if met or args.small else 1


if __name__ == "__main__":
    raise SystemExit(main())
