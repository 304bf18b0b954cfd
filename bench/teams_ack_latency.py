"""Teams ack latency: the bot's `/api/messages` against a bare Teams SDK app that only answers, in one run.

2,000 message activities (half `risk add …`, 40% `risk list`, 10% `feedback …`, each from one of 30 people
in their personal chat with the bot) at concurrency 8 go to the real bot (`python -m bot`, Teams only,
10,000 risks stored) and to a bare Teams SDK app (bench/bare_teams.py). Every request carries a Bot
Framework token minted with the stand-in's key, and both servers verify it. The Microsoft side (keys,
login, connector) is the tests' HTTPS stand-in in a process of its own (bench/teams_stand_in.py). One
asyncio client times each request from send to HTTP response; after a warm-up the two targets are run in
turns, rotated each round, and the medians over the rounds are printed, with the bot's ratios to the bare
app (medians of the per-round ratios). Between rounds the script waits until the bot has answered every
message through the connector, and checks that it did.

    python -m bench.teams_ack_latency            # SQLite in a temp folder
    python -m bench.teams_ack_latency --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import ssl
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import aiohttp
import jwt

from bench.ack_latency import Run, Target
from bench.common import Child, free_port, machine, median, print_log_errors, python, rss_mb, wait_http
from bench.seed import PROJECT, scratch_database, seed_risks
from tests.teams_stub import APP_ID, ISSUER, KID, PASSWORD, TENANT_ID

TARGETS = {"median": 1.2, "p99": 1.5}
PEOPLE = [f"00000000-0000-4000-8000-{n:012d}" for n in range(1, 31)]


def message_mix(n: int, seed: int) -> list[tuple[str, str]]:
    """(text, person): half `risk add`, 40% `risk list`, 10% `feedback`, shuffled."""
    rng = random.Random(seed)
    adds, lists = n // 2, round(n * 0.4)
    kinds = ["add"] * adds + ["list"] * lists + ["feedback"] * (n - adds - lists)
    rng.shuffle(kinds)
    out = []
    for k, kind in enumerate(kinds):
        person = rng.choice(PEOPLE)
        if kind == "add":
            project = f" project={PROJECT}" if rng.random() < 0.7 else ""
            out.append((f'risk add "Vendor {k} may slip the delivery" p={rng.randint(1, 5)} '
                        f'i={rng.randint(1, 5)}{project}', person))
        elif kind == "list":
            out.append(("risk list", person))
        else:
            out.append((f"feedback client project={PROJECT} The weekly demo {k} landed well", person))
    return out


def activities(mix: list[tuple[str, str]], service_url: str) -> list[bytes]:
    """Message activities as Teams sends them to a bot, from each person's personal chat."""
    out = []
    for text, person in mix:
        out.append(json.dumps({
            "type": "message", "id": uuid.uuid4().hex, "timestamp": "2030-01-01T09:00:00.000Z",
            "localTimestamp": "2030-01-01T09:00:00.000+00:00", "localTimezone": "Europe/London",
            "serviceUrl": service_url, "channelId": "msteams",
            "from": {"id": f"29:{person}", "name": f"Person {person[-2:]}", "aadObjectId": person},
            "conversation": {"id": f"a:dm-{person}", "conversationType": "personal", "tenantId": TENANT_ID},
            "recipient": {"id": f"28:{APP_ID}", "name": "Project Sales Bot"},
            "text": text, "textFormat": "plain", "locale": "en-GB",
            "channelData": {"tenant": {"id": TENANT_ID}}}).encode())
    return out


def mint(key_pem: bytes, service_url: str) -> str:
    now = int(time.time())
    return jwt.encode({"iss": ISSUER, "aud": APP_ID, "iat": now, "nbf": now, "exp": now + 600,
                       "serviceurl": service_url}, key_pem, algorithm="RS256", headers={"kid": KID})


async def load(url: str, payloads: list[bytes], token: str, concurrency: int) -> Run:
    latencies: list[float] = []
    errors = 0
    queue = iter(payloads)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as session:

        async def worker() -> None:
            nonlocal errors
            for body in queue:
                start = time.perf_counter()
                try:
                    async with session.post(url, data=body, headers=headers) as resp:
                        await resp.read()
                        ok = 200 <= resp.status < 300
                except (aiohttp.ClientError, TimeoutError):
                    ok = False
                if ok:
                    latencies.append(time.perf_counter() - start)
                else:
                    errors += 1

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - began
    return Run(latencies, errors, wall)


def answers(base: str, ca_file: Path) -> int:
    context = ssl.create_default_context(cafile=str(ca_file))
    with urllib.request.urlopen(f"{base}/bench/stats", timeout=5, context=context) as r:
        return int(json.loads(r.read())["responses"])


async def drain(base: str, ca_file: Path, expected: int, timeout: float) -> float:
    began = time.perf_counter()
    while time.perf_counter() - began < timeout:
        if await asyncio.to_thread(answers, base, ca_file) >= expected:
            return time.perf_counter() - began
        await asyncio.sleep(0.05)
    return float("inf")


def start_targets(tmp: Path, base: str, db_url: str) -> list[Target]:
    trust = {"SSL_CERT_FILE": str(tmp / "ca.pem"), "REQUESTS_CA_BUNDLE": str(tmp / "ca.pem")}
    bare_port, bot_port = free_port(), free_port()
    bare = Child("bare-teams", [python(), "-m", "bench.bare_teams", "--port", str(bare_port), "--base", base], tmp,
                 env=trust)
    env = {**trust, "TEAMS_APP_ID": APP_ID, "TEAMS_APP_PASSWORD": PASSWORD, "TEAMS_TENANT_ID": TENANT_ID,
           "TEAMS_OPENID_URL": f"{base}/v1/.well-known/openidconfiguration", "TEAMS_LOGIN_URL": base,
           "DATABASE_URL": db_url, "PORT": str(bot_port), "BOT_TIMEZONE": "UTC", "SLACK_BOT_TOKEN": "",
           "SLACK_SIGNING_SECRET": "", "SLACK_APP_TOKEN": ""}
    bot = Child("bot", [python(), "-m", "bot"], tmp, env=env)
    wait_http(f"http://127.0.0.1:{bare_port}/api/messages", bare, want=None)
    wait_http(f"http://127.0.0.1:{bot_port}/healthz", bot)
    return [Target("bare Teams SDK", f"http://127.0.0.1:{bare_port}/api/messages", bare),
            Target("bot", f"http://127.0.0.1:{bot_port}/api/messages", bot, is_bot=True)]


async def measure(args: argparse.Namespace, targets: list[Target], base: str, tmp: Path) -> None:
    service_url = f"{base}/amer/"
    key = (tmp / "signing-key.pem").read_bytes()
    warm = activities(message_mix(args.warmup, args.seed + 1), service_url)
    mix = activities(message_mix(args.requests, args.seed), service_url)
    sent_to_bot = 0
    timeout = 30 if args.small else 240
    for t in targets:
        await load(t.url, warm, mint(key, service_url), args.concurrency)
        if t.is_bot:
            sent_to_bot += len(warm)
            await drain(base, tmp / "ca.pem", sent_to_bot, timeout)
    for r in range(args.rounds):
        order = targets[r % len(targets):] + targets[:r % len(targets)]
        for t in order:
            t.runs.append(await load(t.url, mix, mint(key, service_url), args.concurrency))
            if t.is_bot:
                sent_to_bot += len(mix)
                t.drains.append(await drain(base, tmp / "ca.pem", sent_to_bot, timeout))
        print(f"  round {r + 1}/{args.rounds}: " + ", ".join(
            f"{t.name} p50 {t.runs[-1].pct(50):.1f} ms" for t in targets), flush=True)


def report(args: argparse.Namespace, targets: list[Target], base: str, tmp: Path, db_kind: str) -> tuple[bool, bool]:
    m = machine()
    print(f"\nTeams ack latency: {args.requests} messages x {args.rounds} rounds, concurrency {args.concurrency}, "
          f"{args.risks} risks stored ({db_kind}); machine: {m.line()}")
    print(f"{'':16}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'req/s':>9}{'errors':>8}")
    for t in targets:
        errors = sum(r.errors for r in t.runs)
        print(f"{t.name:16}{t.med('50'):9.1f}{t.med('95'):9.1f}{t.med('99'):9.1f}{t.med('throughput'):9.0f}"
              f"{errors:8d}")
    floor, bot = targets
    ratios = {
        "median": median([b.pct(50) / f.pct(50) for b, f in zip(bot.runs, floor.runs, strict=True)]),
        "p99": median([b.pct(99) / f.pct(99) for b, f in zip(bot.runs, floor.runs, strict=True)]),
    }
    ok = {name: ratios[name] <= TARGETS[name] for name in TARGETS}
    print(f"bot / bare Teams SDK app (median of per-round ratios): median {ratios['median']:.2f}x (target <= 1.2x, "
          f"{'met' if ok['median'] else 'MISSED'}), p99 {ratios['p99']:.2f}x (target <= 1.5x, "
          f"{'met' if ok['p99'] else 'MISSED'})")
    got = answers(base, tmp / "ca.pem")
    expected = args.warmup + args.requests * args.rounds
    worst = max(bot.drains) if bot.drains else 0.0
    print(f"bot answers through the connector: {got}/{expected}; every round's work was done {worst:.2f} s after "
          f"its last answer at most")
    complete = got >= expected and not any(r.errors for t in targets for r in t.runs)
    return complete, all(ok.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--risks", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--database-url", help="a PostgreSQL server: a scratch database is made there and dropped")
    parser.add_argument("--small", action="store_true", help="a quick check that it works (figures mean little)")
    args = parser.parse_args()
    if args.small:
        args.requests, args.rounds, args.warmup, args.risks = 40, 1, 10, 300
    complete = False
    with tempfile.TemporaryDirectory(prefix="bench-teams-") as tmp_name:
        tmp = Path(tmp_name)
        stand_in = Child("teams-stand-in", [python(), "-m", "bench.teams_stand_in", str(tmp)], tmp, stdout_pipe=True)
        targets: list[Target] = []
        try:
            base = stand_in.read_line().split()[-1]
            with scratch_database(tmp, args.database_url) as db_url:
                seed_risks(db_url, args.risks, team=TENANT_ID)
                try:
                    targets = start_targets(tmp, base, db_url)
                    asyncio.run(measure(args, targets, base, tmp))
                    complete, met = report(args, targets, base, tmp, "PostgreSQL" if args.database_url else "SQLite")
                    print(f"bot RSS after the run: {rss_mb(targets[-1].child.pid):.0f} MB")
                finally:
                    for t in targets:
                        t.child.stop()
                    print_log_errors(tmp / "bot.log")
        finally:
            stand_in.stop()
    return 2 if not complete else 0 if met or args.small else 1


if __name__ == "__main__":
    raise SystemExit(main())
