"""A finding of `bolt content validate`: a place in a content file and what is wrong there."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List


@dataclass(frozen=True, order=True)
class Finding:
    path: Path
    line: int  # 1-based
    check: str  # a short name of the check, for filtering and tests
    message: str

    def render(self, root: Path) -> str:
        try:
            shown = self.path.relative_to(root)
        except ValueError:
            shown = self.path
        return f"{shown}:{self.line}: {self.message}"


def sorted_findings(findings: Iterable[Finding]) -> List[Finding]:
    return sorted(set(findings))
