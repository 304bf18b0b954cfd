"""Ack latency: the bot against bare Bolt apps that only ack, under the same load, in the same run.

2,000 signed slash commands (half `/risk add`, 40% `/risk list`, 10% `/feedback`) at concurrency 8
go to the real bot (`python -m bot`, HTTP mode, 10,000 risks stored) and to a bare Bolt app on each
serving stack (bench/bare_apps.py). Every server is a process of its own, the Web API and
response_url stand-in another (bench/stand_in.py); one asyncio client with keep-alive connections
measures each request from send to HTTP response. After a warm-up the targets are run in turns,
rotated each round, so machine noise falls on all of them; medians over the rounds are printed,
and the bot's ratios to the fastest bare stack (the floor) are the medians of the per-round ratios.

    python -m bench.ack_latency            # SQLite in a temp folder
    python -m bench.ack_latency --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bench.bare_apps import STACKS, available
from bench.common import (
    TEAM,
    Child,
    bot_env,
    free_port,
    machine,
    median,
    percentile,
    print_log_errors,
    python,
    rss_mb,
    sign,
    wait_http,
)
from bench.seed import PROJECT, scratch_database, seed_risks

TARGETS = {"median": 1.2, "p99": 1.5, "throughput": 0.8}
USERS = [f"U{n:04d}" for n in range(1, 31)] + ["UMGR", "UADMIN"]


@dataclass
class Run:
    latencies: list[float]
    errors: int
    wall: float

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.wall if self.wall else 0.0

    def pct(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000


@dataclass
class Target:
    name: str
    url: str
    child: Child
    is_bot: bool = False
    runs: list[Run] = field(default_factory=list)
    drains: list[float] = field(default_factory=list)  # bot: seconds from the last ack to the last answer

    def med(self, what: str) -> float:
        return median([r.throughput if what == "throughput" else r.pct(float(what)) for r in self.runs])


def command_mix(n: int, seed: int) -> list[tuple[str, str, str]]:
    """(command, text, user): half `/risk add`, 40% `/risk list`, 10% `/feedback`, shuffled."""
    rng = random.Random(seed)
    adds, lists = n // 2, round(n * 0.4)
    kinds = ["add"] * adds + ["list"] * lists + ["feedback"] * (n - adds - lists)
    rng.shuffle(kinds)
    out = []
    for k, kind in enumerate(kinds):
        user = rng.choice(USERS)
        if kind == "add":
            project = f" project={PROJECT}" if rng.random() < 0.7 else ""
            text = f'add "Vendor {k} may slip the delivery" p={rng.randint(1, 5)} i={rng.randint(1, 5)}{project}'
            out.append(("/risk", text, user))
        elif kind == "list":
            out.append(("/risk", "list", user))
        else:
            out.append(("/feedback", f"client project={PROJECT} The weekly demo {k} landed well", user))
    return out


def bodies(mix: list[tuple[str, str, str]], stand_in: str, tag: str) -> list[bytes]:
    out = []
    for n, (command, text, user) in enumerate(mix):
        out.append(urllib.parse.urlencode({
            "token": "legacy", "team_id": TEAM, "team_domain": "acme", "channel_id": "CSALES",
            "channel_name": "sales", "user_id": user, "user_name": user.lower(), "command": command, "text": text,
            "api_app_id": "A0BOT", "is_enterprise_install": "false", "response_url": f"{stand_in}/response/{tag}{n}",
            "trigger_id": f"{n}.1234.{tag}"}).encode())
    return out


async def load(url: str, payloads: list[bytes], concurrency: int) -> Run:
    """Send every payload, `concurrency` at a time over keep-alive connections; time each to its response."""
    latencies: list[float] = []
    errors = 0
    queue = iter(payloads)
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30)) as session:

        async def worker() -> None:
            nonlocal errors
            for body in queue:
                headers = sign(body)
                start = time.perf_counter()
                try:
                    async with session.post(url, data=body, headers=headers) as resp:
                        await resp.read()
                        ok = resp.status == 200
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


def answers(stand_in: str) -> int:
    with urllib.request.urlopen(f"{stand_in}/bench/stats", timeout=5) as r:
        return int(json.loads(r.read())["responses"])


async def drain(stand_in: str, expected: int, timeout: float) -> float:
    """Wait until the bot has answered every command through response_url; seconds it took."""
    began = time.perf_counter()
    while time.perf_counter() - began < timeout:
        if await asyncio.to_thread(answers, stand_in) >= expected:
            return time.perf_counter() - began
        await asyncio.sleep(0.05)
    return float("inf")


def start_targets(args: argparse.Namespace, tmp: Path, stand_in: str, db_url: str) -> list[Target]:
    targets = []
    for stack in args.stacks:
        if not available(stack):
            print(f"bare {stack}: skipped (install the bench extra: pip install -e '.[bench]')")
            continue
        port = free_port()
        child = Child(f"bare-{stack}", [python(), "-m", "bench.bare_apps", stack, "--port", str(port),
                                        "--api-url", f"{stand_in}/api/"], tmp)
        targets.append(Target(f"bare {stack}", f"http://127.0.0.1:{port}/slack/events", child))
    port = free_port()
    child = Child("bot", [python(), "-m", "bot"], tmp,
                  env=bot_env(port=port, api_url=f"{stand_in}/api/", database_url=db_url))
    bot = Target("bot", f"http://127.0.0.1:{port}/slack/events", child, is_bot=True)
    for t in targets:
        wait_http(t.url, t.child, want=None)
    wait_http(f"http://127.0.0.1:{port}/healthz", child)
    return [*targets, bot]


async def measure(args: argparse.Namespace, targets: list[Target], stand_in: str) -> None:
    warm = command_mix(args.warmup, args.seed + 1)
    mix = command_mix(args.requests, args.seed)
    sent_to_bot = 0
    drain_timeout = 30 if args.small else 180
    for t in targets:  # warm-up: connections, caches, the bot's first users.info per person
        await load(t.url, bodies(warm, stand_in, "w"), args.concurrency)
        if t.is_bot:
            sent_to_bot += len(warm)
            await drain(stand_in, sent_to_bot, drain_timeout)
    for r in range(args.rounds):
        order = targets[r % len(targets):] + targets[:r % len(targets)]
        for t in order:
            run = await load(t.url, bodies(mix, stand_in, f"r{r}-"), args.concurrency)
            t.runs.append(run)
            if t.is_bot:
                sent_to_bot += len(mix)
                t.drains.append(await drain(stand_in, sent_to_bot, drain_timeout))
        print(f"  round {r + 1}/{args.rounds}: " + ", ".join(
            f"{t.name} p50 {t.runs[-1].pct(50):.1f} ms" for t in targets), flush=True)


def report(args: argparse.Namespace, targets: list[Target], stand_in: str, db_kind: str) -> tuple[bool, bool]:
    """Prints the figures; returns whether every request was acked and answered, and whether the targets were met."""
    m = machine()
    print(f"\nack latency: {args.requests} signed commands x {args.rounds} rounds, concurrency {args.concurrency}, "
          f"{args.risks} risks stored ({db_kind}); machine: {m.line()}")
    print(f"{'':16}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'req/s':>9}{'errors':>8}")
    for t in targets:
        errors = sum(r.errors for r in t.runs)
        print(f"{t.name:16}{t.med('50'):9.1f}{t.med('95'):9.1f}{t.med('99'):9.1f}{t.med('throughput'):9.0f}"
              f"{errors:8d}")
    bare = [t for t in targets if not t.is_bot]
    bot = targets[-1]
    floor = min(bare, key=lambda t: (t.med("50"), -t.med("throughput")))
    ratios = {
        "median": median([b.pct(50) / f.pct(50) for b, f in zip(bot.runs, floor.runs, strict=True)]),
        "p99": median([b.pct(99) / f.pct(99) for b, f in zip(bot.runs, floor.runs, strict=True)]),
        "throughput": median([b.throughput / f.throughput for b, f in zip(bot.runs, floor.runs, strict=True)]),
    }
    ok = {
        "median": ratios["median"] <= TARGETS["median"], "p99": ratios["p99"] <= TARGETS["p99"],
        "throughput": ratios["throughput"] >= TARGETS["throughput"],
    }
    print(f"floor (fastest bare stack): {floor.name}")
    print(f"bot / floor (median of per-round ratios): median {ratios['median']:.2f}x (target <= 1.2x, "
          f"{'met' if ok['median'] else 'MISSED'}), p99 {ratios['p99']:.2f}x (target <= 1.5x, "
          f"{'met' if ok['p99'] else 'MISSED'}), throughput {ratios['throughput']:.2f}x (target >= 0.8x, "
          f"{'met' if ok['throughput'] else 'MISSED'})")
    got = answers(stand_in)
    expected = args.warmup + args.requests * args.rounds
    worst = max(bot.drains) if bot.drains else 0.0
    print(f"bot answers through response_url: {got}/{expected}; every round's work was done "
          f"{worst:.2f} s after its last ack at most")
    print("per-round p50 ms: " + "; ".join(f"{t.name} " + " ".join(f"{r.pct(50):.1f}" for r in t.runs)
                                           for t in targets))
    complete = got == expected and not any(r.errors for t in targets for r in t.runs)
    return complete, all(ok.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--risks", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--stacks", nargs="+", choices=STACKS, default=list(STACKS))
    parser.add_argument("--database-url", help="a PostgreSQL server: a scratch database is made there and dropped")
    parser.add_argument("--small", action="store_true", help="a quick check that it works (figures mean little)")
    args = parser.parse_args()
    if args.small:
        args.requests, args.rounds, args.warmup, args.risks = 40, 1, 10, 300
    with tempfile.TemporaryDirectory(prefix="bench-ack-") as tmp_name:
        tmp = Path(tmp_name)
        stand_in_proc = Child("stand-in", [python(), "-m", "bench.stand_in"], tmp, stdout_pipe=True)
        targets: list[Target] = []
        try:
            stand_in = stand_in_proc.read_line().split()[-1]
            with scratch_database(tmp, args.database_url) as db_url:
                seed_risks(db_url, args.risks)
                try:
                    targets = start_targets(args, tmp, stand_in, db_url)
                    try:
                        import uvloop

                        uvloop.run(measure(args, targets, stand_in))
                    except ImportError:
                        asyncio.run(measure(args, targets, stand_in))
                    complete, met = report(args, targets, stand_in, "PostgreSQL" if args.database_url else "SQLite")
                    print(f"bot RSS after the run: {rss_mb(targets[-1].child.pid):.0f} MB")
                finally:
                    for t in targets:
                        t.child.stop()
                    print_log_errors(tmp / "bot.log")
        finally:
            stand_in_proc.stop()
    # 2: something was lost or refused; 1: a target was missed (not judged in a --small run)
    return 2 if not complete else 0 if met or args.small else 1


if __name__ == "__main__":
    raise SystemExit(main())
