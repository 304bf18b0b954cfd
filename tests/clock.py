"""The wall clock, for tests that talk to a bot in a process of its own.

The suite may travel in time (`TEST_CLOCK`, time-machine); a `python -m bot` the tests start runs on the
real clock. What such a test signs, seeds or compares with that process's rows is taken from here.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import time_machine


def wall_time() -> float:
    """The real time, also while the test travels in time."""
    escape = time_machine.escape_hatch
    return escape.time.time() if escape.is_travelling() else time.time()


def wall_now() -> datetime:
    """The real instant, aware, in UTC: what a bot in a process of its own reads."""
    return datetime.fromtimestamp(wall_time(), UTC)


@contextmanager
def on_wall_clock() -> Iterator[None]:
    """Run the block on the real clock (ticking), e.g. to seed rows a bot process will read."""
    if not time_machine.escape_hatch.is_travelling():
        yield
        return
    with time_machine.travel(wall_time(), tick=True):
        yield
