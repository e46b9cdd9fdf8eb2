"""What `bolt content publish` and `bolt content rollback` tell their caller.

With `--json` each prints exactly one JSON object on stdout, `{"ok", "live", "previous",
"failed_check", "message"}`, and exits LIVE (0) when the model went live on every Rasa server,
REFUSED (3) when a quality check refused it (the live model stays), or FAILED (1) on any other
error. The console's Publish and Roll back buttons run these commands and read that object.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Optional

LIVE = 0
FAILED = 1
REFUSED = 3


@dataclass(frozen=True)
class PublishOutcome:
    ok: bool
    live: Optional[str]  # the model file's name now live (None: no model known to be live)
    previous: Optional[str]  # the model that was live before (what a rollback brings back)
    failed_check: Optional[str]  # the quality check that refused the model, when one did
    message: str  # one sentence for an editor

    @property
    def exit_code(self) -> int:
        if self.ok:
            return LIVE
        return REFUSED if self.failed_check else FAILED

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


def went_live(live: str, previous: Optional[str], message: str) -> PublishOutcome:
    return PublishOutcome(True, live, previous, None, message)


def refused(check: str, live: Optional[str], previous: Optional[str],
            message: str) -> PublishOutcome:
    return PublishOutcome(False, live, previous, check, message)


def failed(live: Optional[str], previous: Optional[str], message: str) -> PublishOutcome:
    return PublishOutcome(False, live, previous, None, message)
