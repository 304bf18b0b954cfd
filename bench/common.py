"""What the benchmarks share: signed requests, child processes, percentiles and the machine's description."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import platform
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
SECRET = "b3nchm4rk-signing-secret-0000000"
TOKEN = "xoxb-bench-token-000"
TEAM = "T0ACME"


def sign(body: bytes, secret: str = SECRET) -> dict[str, str]:
    """The headers Slack sends with a request: a timestamp and the HMAC signature of it and the body."""
    ts = str(int(time.time()))
    sig = "v0=" + hmac.new(secret.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": sig}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> None:
    """In the child, on Linux: SIGTERM when the benchmark that started it dies, so no server outlives it."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Child:
    """A child process whose output goes to a log file; stopped (and reaped) by `stop()`."""

    def __init__(self, name: str, args: list[str], log_dir: Path, env: dict[str, str] | None = None,
                 stdout_pipe: bool = False) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log: IO[bytes] = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            args, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
            stdout=subprocess.PIPE if stdout_pipe else self._log, stderr=self._log, stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def read_line(self, timeout: float = 20.0) -> str:
        """The child's first line of standard output (how a stand-in tells its address)."""
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline().decode().strip()
            if line:
                return line
            if self.proc.poll() is not None:
                break
        raise RuntimeError(f"{self.name} said nothing; see {self.log_path}:\n{self.tail()}")

    def tail(self, lines: int = 20) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def stop(self, timeout: float = 10.0) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        self._log.close()


def wait_http(url: str, child: Child | None = None, timeout: float = 60.0, want: int | None = 200) -> float:
    """Poll `url` until it answers `want` (any status if None); returns when it did (time.monotonic())."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child is not None and child.proc.poll() is not None:
            raise RuntimeError(f"{child.name} exited with {child.proc.returncode}:\n{child.tail()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if want is None or r.status == want:
                    return time.monotonic()
        except urllib.error.HTTPError as e:
            if want is None or e.code == want:
                return time.monotonic()
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer {want} within {timeout:.0f} s" + (f":\n{child.tail()}" if child else ""))


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of `values`, by the nearest-rank method."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    ordered = sorted(values)
    n = len(ordered)
    if not n:
        return float("nan")
    return ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2


@dataclass
class Machine:
    nproc: int
    cpu: str
    python: str
    os: str

    def line(self) -> str:
        return f"{self.nproc} CPUs ({self.cpu}), Python {self.python}, {self.os}"


def machine() -> Machine:
    cpu = platform.processor() or "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    osname = platform.platform()
    with contextlib.suppress(OSError):
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                osname = f"{line.split('=', 1)[1].strip(chr(34))} (kernel {platform.release()})"
    return Machine(os.cpu_count() or 1, cpu, platform.python_version(), osname)


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc/PID/status (VmRSS), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def bot_env(*, port: int, api_url: str, database_url: str, **extra: str) -> dict[str, str]:
    """The settings `python -m bot` is started with in the benchmarks."""
    env = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": api_url,
           "DATABASE_URL": database_url, "PORT": str(port), "BOT_MANAGERS": "UMGR", "BOT_TIMEZONE": "UTC",
           "SLACK_APP_TOKEN": ""}
    env.update(extra)
    return env


def python() -> str:
    return sys.executable


def print_log_errors(log: Path) -> None:
    """How many error lines and tracebacks a server's log has, and the first of them."""
    if log.exists():
        noisy = [ln for ln in log.read_text(errors="replace").splitlines() if " ERROR " in ln or "Traceback" in ln]
        print(f"bot log: {len(noisy)} error lines" + (f", first: {noisy[0]}" if noisy else ""))
