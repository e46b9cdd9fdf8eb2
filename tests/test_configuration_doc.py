"""docs/configuration.md names every setting the code reads and no other, each once, with the
defaults the code spells out.

A setting is an environment variable named BOLT_<NAME>. The code is read, not run, so no setting
needs registering anywhere but on the page:
- Python (the product's packages, the tests, the benchmarks and what they share): a string literal
  that is exactly such a name (an environment key, or a constant holding one), or a keyword
  argument of that name (an environment built with `dict(BOLT_X=...)`);
- the product's YAML: `${BOLT_NAME}`, which Rasa expands;
- the scripts: `$BOLT_NAME`, `${BOLT_NAME}`, `${BOLT_NAME:-default}`, `export BOLT_NAME=`.

A default is checked where the code gives it as a literal (or a module constant holding one):
`<environment>.get(NAME, DEFAULT)`, `helper(environment, NAME, DEFAULT)`, `<read of NAME> or
DEFAULT`, and `${NAME:-DEFAULT}` in a script. The page's default cell must show it in backticks
(`true`/`false` for a boolean, a whole number without `.0`). Defaults the code computes (paths,
URLs made of other settings) are the page's to explain.
"""
from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple

REPOSITORY = Path(__file__).resolve().parent.parent
PAGE = REPOSITORY / "docs" / "configuration.md"
PRODUCT = ("bolt", "handoff", "actions", "bot")
TOOLS = ("tests", "bench", "support")
SCRIPTS = ("scripts",)

NAME = re.compile(r"BOLT_[A-Z0-9_]+")
YAML_READ = re.compile(r"\$\{(BOLT_[A-Z0-9_]+)\}")
SHELL_READ = re.compile(r"\$\{?(BOLT_[A-Z0-9_]+)(?::-([^}]*))?\}?|\bexport\s+(BOLT_[A-Z0-9_]+)=")
PAGE_ROW = re.compile(r"^\|\s*`(BOLT_[A-Z0-9_]+)`\s*\|([^|]*)\|")

NO_DEFAULT = object()
Found = Tuple[str, Any, str]  # name, default (or NO_DEFAULT), where


def python_files() -> Iterator[Path]:
    for folder in PRODUCT + TOOLS:
        for path in sorted((REPOSITORY / folder).rglob("*.py")):
            if path.resolve() != Path(__file__).resolve():
                yield path


def module_constants(tree: ast.Module) -> Dict[str, Any]:
    """Top-level `NAME = <literal>` assignments."""
    constants: Dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name):
            try:
                constants[node.targets[0].id] = ast.literal_eval(node.value)
            except (ValueError, TypeError, SyntaxError):
                pass
    return constants


def literal(node: ast.AST, constants: Dict[str, Any]) -> Any:
    if isinstance(node, ast.Name):
        return constants.get(node.id, NO_DEFAULT)
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError):
        return NO_DEFAULT


def setting_name(node: ast.AST, constants: Dict[str, Any]) -> Optional[str]:
    value = literal(node, constants)
    return value if isinstance(value, str) and NAME.fullmatch(value) else None


def function_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def read_with_default(call: ast.Call, constants: Dict[str, Any]) -> Optional[Tuple[str, Any]]:
    """(name, default) of `env.get(NAME, DEFAULT)` or `helper(env, NAME, DEFAULT)`."""
    if function_name(call).startswith("set"):  # setenv, setdefault, setitem: not a read
        return None
    args = call.args
    if function_name(call) == "get" and args:
        name = setting_name(args[0], constants)
        if name:
            return name, literal(args[1], constants) if len(args) > 1 else NO_DEFAULT
    if len(args) >= 2 and isinstance(args[0], ast.Name):
        name = setting_name(args[1], constants)
        if name:
            return name, literal(args[2], constants) if len(args) > 2 else NO_DEFAULT
    return None


def python_settings(path: Path) -> Iterator[Found]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    constants = module_constants(tree)
    where = str(path.relative_to(REPOSITORY))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and NAME.fullmatch(node.value):
            yield node.value, NO_DEFAULT, where
        elif isinstance(node, ast.keyword) and node.arg and NAME.fullmatch(node.arg):
            yield node.arg, NO_DEFAULT, where
        elif isinstance(node, ast.Call):
            read = read_with_default(node, constants)
            if read:
                yield read[0], read[1], where
        elif isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or) \
                and isinstance(node.values[0], ast.Call):
            read = read_with_default(node.values[0], constants)
            if read:
                yield read[0], literal(node.values[1], constants), where


def yaml_settings() -> Iterator[Found]:
    for folder in PRODUCT:
        for path in sorted((REPOSITORY / folder).rglob("*.yml")):
            for name in YAML_READ.findall(path.read_text(encoding="utf-8")):
                yield name, NO_DEFAULT, str(path.relative_to(REPOSITORY))


def script_settings() -> Iterator[Found]:
    for folder in SCRIPTS:
        for path in sorted(p for p in (REPOSITORY / folder).rglob("*") if p.is_file()):
            for match in SHELL_READ.finditer(path.read_text(encoding="utf-8")):
                name = match.group(1) or match.group(3)
                default = match.group(2)
                # A default the shell computes ($(...), other variables) is the page's to explain.
                usable = default and "$" not in default
                yield name, default if usable else NO_DEFAULT, str(path.relative_to(REPOSITORY))


def settings_in_code() -> Dict[str, List[Tuple[Any, str]]]:
    found: Dict[str, List[Tuple[Any, str]]] = defaultdict(list)
    everything = [f for path in python_files() for f in python_settings(path)]
    for name, default, where in everything + list(yaml_settings()) + list(script_settings()):
        found[name].append((default, where))
    return found


def page_rows() -> List[Tuple[str, str]]:
    """(name, default cell) of every table row of the page that documents a setting."""
    rows = []
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        match = PAGE_ROW.match(line)
        if match:
            rows.append((match.group(1), match.group(2).strip()))
    return rows


def shown(default: Any) -> str:
    if isinstance(default, bool):
        return "true" if default else "false"
    if isinstance(default, float) and default.is_integer():
        return str(int(default))
    return str(default)


def test_the_code_is_read_and_the_page_has_tables():
    code = settings_in_code()
    # The scan finds what each kind of source holds: a constant, a YAML expansion, a script's.
    assert "BOLT_DEMO" in code and "BOLT_TRACKER_DB" in code and "BOLT_PYTHON" in code
    assert len(page_rows()) >= len(code) > 0


def test_every_setting_read_in_code_is_documented():
    documented = {name for name, _ in page_rows()}
    missing = {name: sorted({where for _, where in places})
               for name, places in settings_in_code().items() if name not in documented}
    assert not missing, f"settings read in code but not in docs/configuration.md: {missing}"


def test_every_documented_setting_is_read_somewhere():
    code = settings_in_code()
    stale = sorted(name for name, _ in page_rows() if name not in code)
    assert not stale, f"documented in docs/configuration.md but read nowhere: {stale}"


def test_each_setting_is_documented_once():
    names = [name for name, _ in page_rows()]
    twice = sorted({name for name in names if names.count(name) > 1})
    assert not twice, f"documented more than once in docs/configuration.md: {twice}"


def test_the_defaults_the_code_spells_out_are_the_documented_ones():
    cells = dict(page_rows())
    wrong: Set[str] = set()
    for name, places in settings_in_code().items():
        for default, where in places:
            if default is NO_DEFAULT or default is None or default == "" or name not in cells:
                continue
            if f"`{shown(default)}`" not in cells[name]:
                wrong.add(f"{name}: {where} gives `{shown(default)}`, the page {cells[name]!r}")
    assert not wrong, "defaults that differ from docs/configuration.md:\n" + "\n".join(sorted(wrong))
