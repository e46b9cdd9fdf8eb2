"""Which folders may import which. The hub (handoff/) and the action server (actions/) speak HTTP
and never import each other, nor the Rasa assistant (bot/); the shared core (bolt/core/) imports no
part; the help center's articles (bolt/articles/) import only the shared core, and the hub and the
action server may import them; no part imports the command line (bolt/cli/); the tests and the benchmarks share support/
and never import each other, and support/ imports neither (it is what both stand on). Read from
the source with `ast`, so that an import inside a function or behind a condition counts too."""
from __future__ import annotations

import ast
from typing import Iterator, List, Tuple

import pytest
import tomli
from setuptools import find_namespace_packages

from support import REPOSITORY

# folder: the packages (and everything below them) its modules must not import
PARTS = {"handoff", "actions", "bot"}
CLOSED_DOORS = {
    "handoff": {"actions", "bot", "bolt.cli", "bolt.editing"},
    "actions": {"handoff", "bot", "bolt.cli", "bolt.editing"},
    "bot": {"handoff", "actions", "bolt.cli"},
    "bolt/core": PARTS | {"bolt.cli", "bolt.editing", "bolt.processes", "bolt.training",
                          "bolt.articles"},
    # The hub and the action server may import the articles; the articles import neither.
    "bolt/articles": PARTS | {"bolt.cli", "bolt.editing", "bolt.processes", "bolt.training"},
    "bolt/editing": {"bolt.cli"},
    "tests": {"bench"},
    "bench": {"tests"},
    "support": {"tests", "bench"},
}


def imported_modules(tree: ast.AST) -> Iterator[Tuple[int, str]]:
    """(line, dotted name) of every absolute import, and of every `importlib.import_module` or
    `__import__` of a literal name."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and ast.unparse(node.func) in ("importlib.import_module", "import_module",
                                             "__import__")):
            yield node.lineno, node.args[0].value


def crossings(folder: str) -> List[str]:
    closed = CLOSED_DOORS[folder]
    found = []
    for path in sorted((REPOSITORY / folder).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, module in imported_modules(tree):
            if any(module == door or module.startswith(door + ".") for door in closed):
                found.append(f"{path.relative_to(REPOSITORY)}:{line} imports {module}")
    return found


@pytest.mark.parametrize("folder", sorted(CLOSED_DOORS))
def test_no_folder_imports_what_it_must_not(folder):
    assert crossings(folder) == []


def test_the_check_sees_every_kind_of_import():
    tree = ast.parse("import bench.x\nfrom tests.y import z\n"
                     "def f():\n    importlib.import_module('bench.w')\n    __import__('tests')\n")
    assert [module for _, module in imported_modules(tree)] == [
        "bench.x", "tests.y", "bench.w", "tests"]


def test_the_wheel_holds_none_of_them():
    config = tomli.loads((REPOSITORY / "pyproject.toml").read_text(encoding="utf-8"))
    include = config["tool"]["setuptools"]["packages"]["find"]["include"]
    packaged = find_namespace_packages(where=str(REPOSITORY), include=include)
    assert "bolt" in packaged and "handoff" in packaged
    assert [name for name in packaged if name.split(".")[0] in ("tests", "bench", "support")] == []
