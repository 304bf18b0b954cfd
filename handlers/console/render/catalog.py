"""Every feature's rendering registered: render through here."""

from __future__ import annotations

from handlers.console.render import Choice, choices, render
from handlers.console.render import checkins as _checkins  # noqa: F401
from handlers.console.render import common as _common  # noqa: F401
from handlers.console.render import feedback as _feedback  # noqa: F401
from handlers.console.render import lessons as _lessons  # noqa: F401
from handlers.console.render import projects as _projects  # noqa: F401
from handlers.console.render import reviews as _reviews  # noqa: F401
from handlers.console.render import risks as _risks  # noqa: F401
from handlers.console.render import scope as _scope  # noqa: F401
from handlers.console.render import standups as _standups  # noqa: F401
from handlers.console.render import summaries as _summaries  # noqa: F401

__all__ = ["Choice", "choices", "render"]
