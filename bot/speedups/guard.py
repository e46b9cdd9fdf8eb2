"""The versions each Rasa speed-up was tested on, checked before any speed-up is installed.

A speed-up replaces a part of Rasa (or of a library Rasa calls) with one that answers the same,
faster; "the same" was shown by its tests against the unpatched original on the versions in its
`TESTED_ON`: a literal mapping of each distribution it depends on to a version ("3.6.21") or a
range (">=3.9,<3.10"). On any other version the replaced part may have changed, and the speed-up
could answer differently, so `check` refuses to start, naming the module, the library, the
version found and the versions supported. It reads `TESTED_ON` from the module's source without
importing it: a Rasa whose internals moved gives this error, not a traceback from a speed-up.
"""
from __future__ import annotations

import ast
import importlib.util
from importlib import metadata
from pathlib import Path
from typing import Dict, Iterable, List, Optional

from packaging.specifiers import InvalidSpecifier, SpecifierSet


class UntestedVersion(RuntimeError):
    """An installed library is not a version a speed-up was tested on."""


def installed_version(distribution: str) -> Optional[str]:
    """The installed version of a distribution ("rasa", "jsonschema"), or None."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def tested_on(module: str) -> Dict[str, str]:
    """The module's `TESTED_ON`, read from its source without importing the module."""
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise UntestedVersion(f"{module}: no such speed-up module")
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if any(isinstance(target, ast.Name) and target.id == "TESTED_ON" for target in targets):
            declared = ast.literal_eval(value)
            if not declared or not all(isinstance(name, str) and isinstance(versions, str)
                                       for name, versions in declared.items()):
                raise UntestedVersion(
                    f"{module}: TESTED_ON must map each library to its versions, as text")
            return declared
    raise UntestedVersion(f"{module} declares no TESTED_ON: the versions its tests ran on")


def supports(versions: str, version: str) -> bool:
    """Whether `version` is one of `versions`: one version ("3.6.21") or a range (">=3.6,<3.7")."""
    text = versions.strip()
    try:
        specifiers = SpecifierSet(text if text[:1] in "<>=!~" else f"=={text}")
    except InvalidSpecifier:
        raise UntestedVersion(f"{versions!r} is neither a version nor a version range") from None
    return specifiers.contains(version, prereleases=True)


def mismatches(module: str) -> List[str]:
    """One line for each library of the module's `TESTED_ON` whose installed version is not in it."""
    lines = []
    for distribution, versions in tested_on(module).items():
        found = installed_version(distribution)
        if found is None:
            lines.append(f"{module}: tested on {distribution} {versions}, "
                         f"and {distribution} is not installed")
        elif not supports(versions, found):
            lines.append(f"{module}: tested on {distribution} {versions}, found {distribution} "
                         f"{found}")
    return lines


def check(modules: Iterable[str]) -> None:
    """Raises UntestedVersion listing every mismatch of these modules; returns when none."""
    lines = [line for module in modules for line in mismatches(module)]
    if lines:
        raise UntestedVersion(
            "Bolt's Rasa speed-ups were not tested on the installed versions:\n"
            + "".join(f"  {line}\n" for line in lines)
            + "Run their tests (tests/unit/test_rasa_speedups.py and each module's own) on these "
              "versions and add them to TESTED_ON, or start Rasa without the speed-ups: "
              "BOLT_RASA_SPEEDUPS=off.")
