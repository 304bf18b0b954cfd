"""Fixtures shared with the process tests of tests/bot/test_main.py."""

from tests.bot.test_main import started  # noqa: F401  (a fixture: bots started as `python -m bot`)
