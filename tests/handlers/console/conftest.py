"""The console driven by a list of typed lines (tests.handlers.console.driving), on a real database,
with the real scheduler runtime."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from tests.handlers.console.driving import Drive, drive_console


@pytest.fixture
def drive(engine: Engine) -> Drive:
    return lambda lines, **kw: drive_console(engine, lines, **kw)
