"""YAML documents that remember the line of every value, for findings with file and line."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, List, Optional, Tuple, Union

import yaml

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Key = Union[str, int]


class YamlProblem(ValueError):
    def __init__(self, path: Path, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


@dataclass
class LocatedDocument:
    """A parsed YAML file: `data` as yaml.safe_load gives it, and the node tree for lines."""

    path: Path
    data: Any
    root: Optional[yaml.Node]

    def node(self, *keys: Key) -> Optional[yaml.Node]:
        node = self.root
        for key in keys:
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if k.value == key), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                node = node.value[key] if 0 <= key < len(node.value) else None
            else:
                return None
        return node

    def line(self, *keys: Key) -> int:
        """The 1-based line of the value at keys, or of the nearest enclosing value found."""
        for depth in range(len(keys), -1, -1):
            node = self.node(*keys[:depth])
            if node is not None:
                return node.start_mark.line + 1
        return 1

    def key_line(self, *keys: Key) -> int:
        """The line of the last key itself (where `name:` is written)."""
        parent = self.node(*keys[:-1])
        if isinstance(parent, yaml.MappingNode):
            for key_node, _ in parent.value:
                if key_node.value == keys[-1]:
                    return key_node.start_mark.line + 1
        return self.line(*keys)

    def block_lines(self, *keys: Key) -> List[Tuple[int, str]]:
        """The lines of a text value with their file line: exact for `|` blocks."""
        node = self.node(*keys)
        if not isinstance(node, yaml.ScalarNode) or not isinstance(node.value, str):
            return []
        first = node.start_mark.line + 1
        if node.style == "|":
            first += 1  # the text starts below the `|` indicator
            return [(first + index, text) for index, text in enumerate(node.value.split("\n"))]
        return [(first, text) for text in node.value.split("\n")]


def load_located(path: Path) -> LocatedDocument:
    """Parses a YAML file; YamlProblem with the line of the error if it cannot be."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise YamlProblem(path, 1, f"cannot read the file: {error}") from error
    try:
        root = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader) if root is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        what = error.problem or "cannot be parsed"
        if error.context and error.context_mark and error.context_mark.line + 1 != line:
            what += f" ({error.context} that starts on line {error.context_mark.line + 1})"
        elif error.context:
            what = f"{error.context}: {what}"
        raise YamlProblem(path, line, f"not valid YAML: {what}") from error
    except yaml.YAMLError as error:
        raise YamlProblem(path, 1, f"not valid YAML: {error}") from error
    return LocatedDocument(path=path, data=data, root=root)

