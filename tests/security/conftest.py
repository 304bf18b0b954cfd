"""Hostile input and access: hypothesis profiles, and the served bot with a `Watch` on it.

Profiles (HYPOTHESIS_PROFILE): "ci", the default, keeps this folder to about a minute;
"full" generates well over 10,000 inputs in all (see the README's testing section).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from tests.security.harness import Driver, Watch
from tests.security.world import World, build
from tests.slack_requests import SlackClient
from tests.slack_stub import SlackStub
from tests.support.served import ServedBot

# Examples per property: pure ones (grammar, form readers) take the profile's count; those through
# the served app take a tenth of it (tests.security.profiles.through_app).
_COMMON = {"deadline": None, "database": None, "print_blob": True,
           "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large]}
settings.register_profile("ci", max_examples=150, **_COMMON)
settings.register_profile("full", max_examples=2500, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def watch(served: ServedBot) -> Iterator[Watch]:
    w = Watch(served)
    yield w
    w.close()


@pytest.fixture
def driver(slack: SlackClient, stub: SlackStub, engine, watch: Watch) -> Driver:
    return Driver(slack, stub, engine, watch)


@pytest.fixture
def world(driver: Driver) -> World:
    return build(driver)
