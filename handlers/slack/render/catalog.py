"""Every feature's Slack renderers, loaded: import `render` from here to render any view."""

from __future__ import annotations

from handlers.slack.render import (  # noqa: F401 - imported for the renderers they register
    checkins,
    feedback,
    lessons,
    projects,
    render,
    reviews,
    risks,
    scope,
    standups,
    summaries,
)

__all__ = ["render"]
