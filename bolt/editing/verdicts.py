"""The publish gate's verdicts, kept in the state folder (gate-verdicts.json) by what decides
them: a model's structure and training examples (bolt/editing/retrain.py's fingerprints), the
held-out sets and the bars.

A model that differs from a judged one only in its answers (the answer patch) parses every
message the same way, so it has that verdict without being evaluated again.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Dict, Optional

from bolt.core.private_files import private_folder
from bolt.editing import quality_bars
from bolt.editing.gate import Verdict

VERDICTS_NAME = "gate-verdicts.json"
KEEP_VERDICTS = 20


def verdict_key(structure: str, examples: str, held_out: Path) -> str:
    """What a verdict depends on: the model's structure and examples, the held-out sets and the
    bars (another set or bar judges again)."""
    digest = hashlib.sha256(Path(quality_bars.__file__).read_bytes())
    for path in sorted(held_out.rglob("*.yml")):
        digest.update(str(path.relative_to(held_out)).encode() + b"\0" + path.read_bytes())
    return f"{structure}:{examples}:{digest.hexdigest()[:16]}"


def _read_all(state_dir: Path) -> Dict[str, Dict[str, Any]]:
    try:
        raw = json.loads((state_dir / VERDICTS_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return raw if isinstance(raw, dict) else {}


def known_verdict(state_dir: Path, key: str) -> Optional[Verdict]:
    entry = _read_all(state_dir).get(key)
    try:
        return Verdict(**entry) if isinstance(entry, dict) else None
    except TypeError:
        return None


def keep_verdict(state_dir: Path, key: str, verdict: Verdict) -> None:
    verdicts = _read_all(state_dir)
    verdicts.pop(key, None)
    verdicts[key] = verdict.as_dict()
    kept = dict(list(verdicts.items())[-KEEP_VERDICTS:])
    private_folder(state_dir)
    path = state_dir / VERDICTS_NAME
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(kept, indent=2), encoding="utf-8")
    os.replace(partial, path)
