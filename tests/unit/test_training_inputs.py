"""The model's fingerprint covers the shared core's code that training runs (bolt/training.py)."""
import ast
from pathlib import Path

from bolt.core.settings import Settings
from bolt.training import fingerprint_inputs

HOME = Path(__file__).resolve().parents[2]


def core_modules_imported_by(path: Path) -> set:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "bolt.core":
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("bolt.core."):
            names.add(node.module.split(".")[2])
        elif isinstance(node, ast.Import):
            names |= {a.name.split(".")[2] for a in node.names if a.name.startswith("bolt.core.")}
    return names


def test_every_core_module_training_runs_is_in_the_fingerprint():
    training_code = sorted((HOME / "bot" / "nlu").glob("*.py")) + [HOME / "bot" / "importer.py"]
    needed, pending = set(), set()
    for path in training_code:
        pending |= core_modules_imported_by(path)
    while pending:
        name = pending.pop()
        if name not in needed:
            needed.add(name)
            pending |= core_modules_imported_by(HOME / "bolt" / "core" / f"{name}.py")
    inputs = set(fingerprint_inputs(Settings.from_env({"BOLT_HOME": str(HOME)})))
    missing = {name for name in needed if HOME / "bolt" / "core" / f"{name}.py" not in inputs}
    assert needed and not missing
