"""Reads a YAML file of Bolt's own, reporting any failure with the file's path."""
from pathlib import Path
from typing import Any, Type


def read_yaml(path: Path, description: str, error: Type[Exception]) -> Any:
    """The parsed file; `error` ("<path>: cannot read the <description>: ...") if it cannot be."""
    try:
        import yaml

        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as problem:
        raise error(f"{path}: cannot read the {description}: {problem}") from problem
