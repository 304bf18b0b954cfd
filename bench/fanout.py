"""Fan-out: a check-in poll to 1,000 stakeholders through a Web API that allows 50 `chat.*` calls a second.

The poll goes through the real flow (`bot.checkins.flows.send_poll`, the delivery ledger, the
bot's Web API client with its connection pool) to the tests' Slack stand-in, which answers
calls over its rate with 429 and `Retry-After`. Printed: wall time against the ideal
(recipients / rate), the share of the allowed rate reached, duplicates and missing messages.

    python -m bench.fanout            # SQLite in a temp folder
    python -m bench.fanout --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import Counter
from pathlib import Path

import aiohttp

from bench.common import SECRET, TEAM, TOKEN, machine
from bench.seed import scratch_database, seed_stakeholders
from bot.app import build_deps
from bot.checkins.flows import send_poll
from bot.delivery import Report
from bot.settings import Settings
from handlers.slack.client import PooledWebClient, make_client
from scheduler import build_scheduler
from scheduler.runtime import Rhythm
from storage.repositories import deliveries
from tests.slack_stub import SlackStub

TARGET_SHARE = 0.9


async def fan_out(settings: Settings, project_id: int) -> tuple[Report, float]:
    """The poll, sent as the running bot sends it: pooled connections on this loop."""
    client = make_client(settings)
    deps = build_deps(settings, client=client)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15)) as pool:
        if isinstance(client, PooledWebClient):
            client.use_pool(pool)
        rhythm = Rhythm(deps, build_scheduler(settings.bot_timezone))
        began = time.perf_counter()
        report = await send_poll(rhythm, TEAM, project_id, occurrence="bench-fanout")
        wall = time.perf_counter() - began
    deps.engine.dispose()
    return report, wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--rate", type=int, default=50, help="chat.* calls a second the stand-in allows")
    parser.add_argument("--database-url", help="a PostgreSQL server: a scratch database is made there and dropped")
    parser.add_argument("--small", action="store_true", help="a quick check that it works (figures mean little)")
    args = parser.parse_args()
    if args.small:
        args.recipients, args.rate = 40, 20
    stub = SlackStub(rate_limit_per_s=args.rate).start()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-fanout-") as tmp, \
                scratch_database(Path(tmp), args.database_url) as db_url:
            project_id, people = seed_stakeholders(db_url, args.recipients)
            settings = Settings(_env_file=None, slack_bot_token=TOKEN, slack_signing_secret=SECRET,  # type: ignore[call-arg]
                                slack_api_url=stub.api_url, database_url=db_url, bot_timezone="UTC")
            report, wall = asyncio.run(fan_out(settings, project_id))
            deps = build_deps(settings)
            with deps.session(write=False) as session:
                ledger = deliveries.status_counts(session=session, team_id=TEAM, what_prefix="checkin:")
            deps.engine.dispose()
    finally:
        stub.stop()
    got = Counter(p["channel"] for p in stub.find("chat.postMessage"))
    duplicates = sum(n - 1 for n in got.values() if n > 1)
    missing = len(set(people) - set(got))
    ideal = args.recipients / args.rate
    share = (len(got) / wall) / args.rate if wall else 0.0
    print(f"fan-out: {args.recipients} stakeholders, stand-in allows {args.rate} chat.* calls/s "
          f"({'PostgreSQL' if args.database_url else 'SQLite'}); machine: {machine().line()}")
    print(f"wall time {wall:.1f} s (ideal {ideal:.1f} s); {len(got) / wall:.1f} messages/s = {share:.0%} of the "
          f"allowed rate (target >= {TARGET_SHARE:.0%}, {'met' if share >= TARGET_SHARE else 'MISSED'})")
    print(f"duplicates {duplicates}, missing {missing} (target 0 and 0); answered 429 {stub.throttled} times")
    print(f"report: sent {report.sent}, failed {report.failed}, left for retry {report.retry}; ledger {ledger}")
    # 2: a message was lost or doubled; 1: the rate target was missed (not judged in a --small run)
    return 2 if duplicates or missing else 0 if share >= TARGET_SHARE or args.small else 1


if __name__ == "__main__":
    raise SystemExit(main())
