"""A private copy of the project's content for each test that changes it."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import List

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
CONTENT = ("data", "bot/domain.yml", "tests/data/holdout", "tests/data/out_of_scope",
           "tests/conversations")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of everything `bolt content validate` reads, in tmp_path."""
    for part in CONTENT:
        source, target = REPOSITORY / part, tmp_path / part
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
    return tmp_path


def line_of(path: Path, needle: str) -> int:
    lines: List[str] = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if needle in line)
