"""The package's shape: five rooms around a small hall, imports running one way.

Read with `ast`, so the rules hold for imports inside functions too (most of narrate imports lazily
to keep `narrate --help` fast); only imports under `if TYPE_CHECKING:` are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "narrate"
ROOMS = ("article", "speech", "audio", "podcast", "follow")
HALL = {"cli", "pipeline", "config", "models", "errors", "cache", "__main__", "__init__"}
MAX_HALL_MODULES = 8
# What a room may import besides the hall's shared modules (models, errors, config, cache): the show builds
# episodes through the pipeline, and following a publication publishes them into the show.
ROOM_ALLOWS = {"podcast": {"narrate.pipeline"}, "follow": {"narrate.pipeline"}}
ROOMS_ALLOWED = {"follow": {"podcast"}}
SHARED = {"narrate.models", "narrate.errors", "narrate.config", "narrate.cache", "narrate"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def imported_names(source: str, package: str) -> set[str]:
    """Every dotted name an import statement in `source` reaches, outside `if TYPE_CHECKING:`."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return found


def run_time_imports(path: Path, modules: set[str]) -> set[str]:
    """The narrate modules `path` imports when it runs (`from a import b` names b only if it is a module)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return imported_names(path.read_text(encoding="utf-8"), package) & modules


_ALL = {module_name(p) for p in PACKAGE.rglob("*.py")}
MODULES = {module_name(p): run_time_imports(p, _ALL) for p in sorted(PACKAGE.rglob("*.py"))}


def room_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ROOMS else None


def test_the_hall_keeps_at_most_eight_modules():
    top = [p.stem for p in PACKAGE.glob("*.py")]
    assert len(top) <= MAX_HALL_MODULES, top
    assert set(top) <= HALL, set(top) - HALL
    assert {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()} == set(ROOMS)


@pytest.mark.parametrize("room", ROOMS)
def test_each_room_says_what_it_is_for(room):
    doc = ast.get_docstring(ast.parse((PACKAGE / room / "__init__.py").read_text(encoding="utf-8")))
    assert doc and 2 <= len(doc.splitlines()) <= 4


def test_only_main_imports_the_cli():
    importers = sorted(m for m, imports in MODULES.items() if "narrate.cli" in imports)
    assert importers == ["narrate.__main__"]


@pytest.mark.parametrize("room", ROOMS)
def test_a_room_imports_only_itself_and_the_hall(room):
    wrong = {}
    for module, imports in MODULES.items():
        if room_of(module) != room:
            continue
        allowed = SHARED | ROOM_ALLOWS.get(room, set())
        rooms = {None, room, *ROOMS_ALLOWED.get(room, ())}
        bad = {i for i in imports if room_of(i) not in rooms or (room_of(i) is None and i not in allowed)}
        if bad:
            wrong[module] = sorted(bad)
    assert wrong == {}


def test_the_shared_hall_modules_do_not_reach_into_the_rooms():
    for module in ("narrate.models", "narrate.errors", "narrate.cache"):
        assert not {i for i in MODULES[module] if room_of(i) or i in {"narrate.pipeline", "narrate.cli"}}, module
    # config checks the keys that name an engine or an Apple category against what the package declares
    # (entry points, a data file), never by importing a room: no room is loaded to read a config.
    assert not {i for i in MODULES["narrate.config"] if room_of(i)}


def test_no_import_cycles_at_run_time():
    graph = {m: {i for i in imports if i != m and i != "narrate"} for m, imports in MODULES.items()}
    # A package's __init__ runs before its modules: importing narrate.a.b imports narrate.a too.
    for module in list(graph):
        for ancestor in (".".join(module.split(".")[:n]) for n in range(2, module.count(".") + 1)):
            if ancestor in graph and ancestor != module:
                graph[module].add(ancestor)
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def walk(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt])
            elif nxt not in state:
                walk(nxt, path + [nxt])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            walk(module, [module])
    assert cycles == []


def test_the_reader_sees_lazy_and_relative_imports_and_skips_type_checking_ones():
    """The rules above are only as good as the reader: an import inside a function must be found."""
    source = ("from typing import TYPE_CHECKING\n"
              "def f():\n    from ..article import clean\n    from narrate.audio.ffmpeg import run_ffmpeg\n"
              "if TYPE_CHECKING:\n    from narrate.podcast import feed\n")
    found = imported_names(source, "narrate.speech")
    assert {"narrate.article.clean", "narrate.audio.ffmpeg"} <= found
    assert not any(name.startswith("narrate.podcast") for name in found)
