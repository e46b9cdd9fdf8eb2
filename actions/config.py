"""The action server's settings: read from the environment in this one place.

| variable              | default                       | meaning                                   |
|-----------------------|-------------------------------|-------------------------------------------|
| BOLT_CONTENT_DIR      | the repository's data/ folder | editors' content (answers, phone table)   |
| BOLT_PHONE_TABLE      | $BOLT_CONTENT_DIR/phone_numbers.yml | the canonical support phone numbers |
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Optional

REPOSITORY = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class ActionSettings:
    content_dir: Path
    phone_table: Path

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> ActionSettings:
        env = os.environ if environ is None else environ
        content_dir = Path(env.get("BOLT_CONTENT_DIR") or REPOSITORY / "data")
        phone_table = Path(env.get("BOLT_PHONE_TABLE") or content_dir / "phone_numbers.yml")
        return cls(content_dir=content_dir, phone_table=phone_table)


@lru_cache(maxsize=1)
def settings() -> ActionSettings:
    return ActionSettings.from_env()
