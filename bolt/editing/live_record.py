"""Which model is live on Bolt's Rasa servers and which was live before: the record
`bolt content publish` writes and `bolt content rollback` reads, in the state folder
(live-model.json).

The record names model files in the models folder; training keeps both of them there (the
pruning spares what this record names), so a rollback never needs to train.
"""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from bolt.core.private_files import private_folder

RECORD_NAME = "live-model.json"


@dataclass(frozen=True)
class LiveRecord:
    live: str
    previous: Optional[str]
    changed_at: str  # ISO time, UTC
    by: str  # who published or rolled back


def record_file(state_dir: Path) -> Path:
    return state_dir / RECORD_NAME


def read_live(state_dir: Path) -> Optional[LiveRecord]:
    """The last record, or None when nothing was ever published from here (or it is unreadable:
    then the servers' own status is all there is)."""
    path = record_file(state_dir)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return LiveRecord(live=str(raw["live"]), previous=raw.get("previous"),
                          changed_at=str(raw.get("changed_at", "")), by=str(raw.get("by", "")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_live(state_dir: Path, live: str, previous: Optional[str], by: str) -> LiveRecord:
    record = LiveRecord(live=live, previous=previous, by=by,
                        changed_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    private_folder(state_dir)
    path = record_file(state_dir)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(asdict(record), indent=2), encoding="utf-8")
    os.replace(partial, path)  # a reader sees the old record or the new one, never half
    return record
