"""Calling services directly, each call in its own unit of work on the real database
(tests.bot.units.Db; the people the tests act as are in tests.bot.people)."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from tests.bot.units import Db


@pytest.fixture
def db(engine: Engine) -> Db:
    return Db(engine)
