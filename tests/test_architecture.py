"""The architecture, checked: which package may import which, no import cycles, modules of a readable
size, and a core that speaks no chat platform.

The core is `bot/` minus the composition root (`bot/__main__.py`, `bot/app.py`, `bot/server.py`), which
alone wires the front ends (`handlers/`) and the platform SDKs in; `scheduler/` is held to the same
rules. The import rules themselves are the import-linter contracts in pyproject.toml (`lint-imports`
runs them on its own too); the tests here add what contracts cannot say. Every failure lists all the
offenders at once, so one run shows everything that is left to fix.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grimp

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "handlers", "scheduler", "storage")
COMPOSITION_ROOT = {REPO / "bot" / "__main__.py", REPO / "bot" / "app.py", REPO / "bot" / "server.py"}
# Generated migration scripts are kept as written when they were made, whatever their length.
LENGTH_EXEMPT = REPO / "storage" / "migrations" / "versions"
MAX_LINES = 400

# Slack's own markup for mentions (<@U…>), channels (<#C…>) and special tokens (<!here>, <!date^…>).
SLACK_MARKUP = ("<@", "<#", "<!")
# Block Kit: string literals that only mean something in a Slack message payload.
BLOCK_KIT_STRINGS = {"mrkdwn", "blocks"}
BLOCK_KIT_FRAGMENTS = ('"type": "section"', '"mrkdwn"', '"blocks"')


def _python_files(*roots: Path) -> Iterator[Path]:
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            if "__pycache__" not in path.parts:
                yield path


def _relative(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def test_import_contracts_hold() -> None:
    """The import-linter contracts in pyproject.toml are kept (front ends, SDKs, layers)."""
    command = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-c", command, "--no-cache", "--no-logo", "pyproject.toml"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, f"lint-imports reports broken contracts:\n{result.stdout}\n{result.stderr}"


def _strongly_connected_components(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative so that deep import chains cannot exhaust Python's stack."""
    index: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    counter = 0

    for start in sorted(graph):
        if start in index:
            continue
        index[start] = lowlink[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        work: list[tuple[str, Iterator[str]]] = [(start, iter(sorted(graph[start])))]
        while work:
            node, successors = work[-1]
            advanced = False
            for successor in successors:
                if successor not in index:
                    index[successor] = lowlink[successor] = counter
                    counter += 1
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(sorted(graph[successor]))))
                    advanced = True
                    break
                if successor in on_stack:
                    lowlink[node] = min(lowlink[node], index[successor])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                lowlink[parent] = min(lowlink[parent], lowlink[node])
            if lowlink[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def test_strongly_connected_components_finds_cycles() -> None:
    """The cycle finder itself: a loop, a self-import and an acyclic tail."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}, "f": {"d"}}
    components = sorted(_strongly_connected_components(graph))
    assert components == [["a", "b", "c"], ["d"], ["e"], ["f"]]


def test_no_import_cycles() -> None:
    """No two modules import each other, however indirectly.

    Every import counts: at module level, inside functions, under `if TYPE_CHECKING:`, and a package's
    `__init__` importing its own submodules like any other module. A cycle is reported as its modules and
    the imports that close it.
    """
    for package in PACKAGES:  # grimp finds packages on sys.path, where tests/ has packages of these names too
        spec = importlib.util.find_spec(package)
        assert spec is not None and spec.origin == str(REPO / package / "__init__.py"), (package, spec)
    imports = grimp.build_graph(*PACKAGES, cache_dir=None)
    graph = {module: set(imports.find_modules_directly_imported_by(module)) for module in imports.modules}
    cycles = [
        component for component in _strongly_connected_components(graph)
        if len(component) > 1 or component[0] in graph[component[0]]
    ]
    report: list[str] = []
    for component in sorted(cycles):
        members = set(component)
        report.append(f"cycle of {len(component)} modules: {', '.join(component)}")
        for importer in component:
            for imported in sorted(graph[importer] & members):
                lines = sorted(
                    detail["line_number"]
                    for detail in imports.get_import_details(importer=importer, imported=imported)
                )
                report.append(f"    {importer} -> {imported} (l.{', l.'.join(map(str, lines))})")
    assert not cycles, f"{len(cycles)} import cycle(s):\n" + "\n".join(report)


def test_modules_are_at_most_400_lines() -> None:
    """Every module of the application stays readable in one sitting."""
    long_modules = []
    for path in _python_files(*(REPO / package for package in PACKAGES)):
        if path.is_relative_to(LENGTH_EXEMPT):
            continue
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > MAX_LINES:
            long_modules.append((count, _relative(path)))
    report = "\n".join(f"    {name}: {count} lines" for count, name in sorted(long_modules, reverse=True))
    assert not long_modules, f"{len(long_modules)} module(s) over {MAX_LINES} lines:\n{report}"


def _docstrings(tree: ast.Module) -> set[int]:
    """The ids of the docstring nodes: prose about Slack's markup may name it, code may not write it."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                found.add(id(first.value))
    return found


def _platform_markup(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """Where the code (string literals and f-string parts; not comments or docstrings) writes Slack markup
    or Block Kit, as (line, what) pairs."""
    docstrings = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            text = node.value
            for markup in SLACK_MARKUP:
                if markup in text:
                    yield node.lineno, f"Slack markup {markup}…"
            if text in BLOCK_KIT_STRINGS:
                yield node.lineno, f'Block Kit "{text}"'
            for fragment in BLOCK_KIT_FRAGMENTS:
                if fragment in text:
                    yield node.lineno, f"Block Kit {fragment}"
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "type" \
                        and isinstance(value, ast.Constant) and value.value == "section":
                    yield key.lineno, 'Block Kit "type": "section"'


def test_core_writes_no_slack_markup_or_block_kit() -> None:
    """The core and the scheduler draw people and places with `bot.text` tokens and describe messages as
    views; only the front ends write `<@U…>`, `<#C…>`, `<!…>` or Block Kit."""
    offenders: list[str] = []
    for path in _python_files(REPO / "bot", REPO / "scheduler"):
        if path in COMPOSITION_ROOT:
            continue
        source = path.read_text(encoding="utf-8")
        lines = source.splitlines()
        for line, what in sorted(set(_platform_markup(ast.parse(source, filename=str(path))))):
            offenders.append(f"    {_relative(path)}:{line}: {what}: {lines[line - 1].strip()[:100]}")
    assert not offenders, f"{len(offenders)} place(s) in the core write platform markup:\n" + "\n".join(offenders)
