"""Every feature's Teams renderers, loaded: import `render` from here to render any view."""

from __future__ import annotations

from handlers.teams.render import (  # noqa: F401 - imported for the renderers they register
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
