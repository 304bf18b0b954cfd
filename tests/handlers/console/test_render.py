"""Every view of the core has a plain-text rendering; what is typed becomes core text."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
from dataclasses import dataclass

import bot
from bot import text
from handlers.console.render import render
from handlers.console.render.catalog import render as catalog_render
from handlers.console.text import show, to_core


def _view_classes() -> list[type]:
    found = []
    for info in pkgutil.iter_modules(bot.__path__):
        try:
            module = importlib.import_module(f"bot.{info.name}.views")
        except ModuleNotFoundError:
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and dataclasses.is_dataclass(cls):
                found.append(cls)
    return found


def test_every_view_class_has_its_own_rendering() -> None:
    assert catalog_render is render
    helpers = {"Answer", "Schedule", "DayStatus", "WeekScore", "ProjectScores"}  # parts of views, not views
    missing = [c.__name__ for c in _view_classes()
               if c.__name__ not in helpers and render.dispatch(c) is render.dispatch(object)]
    assert not missing, f"no console rendering for {missing}"


def test_an_unknown_view_falls_back_to_its_fields() -> None:
    @dataclass
    class Surprise:
        count: int
        rows: list[int]

    assert render(Surprise(3, [1])) == ["Surprise: count=3"]


def test_typed_references_become_core_references() -> None:
    typed = f"ask @ann and @bo. in #sales, mail ann@example.com {text.OPEN}@evil{text.CLOSE}"
    core = to_core(typed)
    assert text.person("ann") in core and text.person("bo") + "." in core and text.place("sales") in core
    assert "ann@example.com" in core
    assert core == to_core("ask @ann and @bo. in #sales, mail ann@example.com @evil")  # typed delimiters dropped
    assert show(core) == "ask @ann and @bo. in #sales, mail ann@example.com @evil"
    assert show("*Usage of /risk*") == "Usage of /risk"
