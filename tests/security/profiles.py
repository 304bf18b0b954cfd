"""Hypothesis settings for properties that go through the served app (the profiles are loaded in conftest.py)."""

from __future__ import annotations

from hypothesis import settings


def through_app() -> settings:
    """Settings for properties that go through the served app: fewer examples, each a real request.

    Read when a property is decorated, after conftest.py has loaded the profile (HYPOTHESIS_PROFILE)."""
    return settings(max_examples=max(12, settings.default.max_examples // 10))
