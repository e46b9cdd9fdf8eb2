"""The shared secrets of Bolt's processes: from the environment, else made once and kept.

| variable               | meaning                                                            |
|------------------------|--------------------------------------------------------------------|
| BOLT_TOKEN_SECRET      | HMAC secret shared with the help center, which signs user tokens   |
| BOLT_SERVICE_TOKEN     | bearer token the action server presents to the hub's /api/handoffs |

In production both come from the environment. When one is not set (the embedded default, a
developer's machine), it is generated at first use and kept in `$BOLT_STATE_DIR/secrets.json`
(readable by its owner only), so `bolt run`, `bolt token` and every process they start agree
without any manual step.
"""
from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

from bolt.core.private_files import private_folder

SECRETS_FILE = "secrets.json"
_NAMES = {"token_secret": "BOLT_TOKEN_SECRET", "service_token": "BOLT_SERVICE_TOKEN"}


@dataclass(frozen=True)
class Secrets:
    token_secret: str
    service_token: str


def load_secrets(state_dir: Path, environ: Optional[Mapping[str, str]] = None) -> Secrets:
    """The secrets from the environment, else from (or newly into) state_dir/secrets.json."""
    env = os.environ if environ is None else environ
    values = {field: env.get(variable) or "" for field, variable in _NAMES.items()}
    if all(values.values()):
        return Secrets(**values)
    stored = _stored(Path(state_dir))
    for field in values:
        values[field] = values[field] or stored[field]
    return Secrets(**values)


def _stored(state_dir: Path) -> dict:
    path = state_dir / SECRETS_FILE
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
        if all(isinstance(stored.get(field), str) and stored[field] for field in _NAMES):
            return stored
    private_folder(state_dir)
    stored = {field: secrets.token_urlsafe(48) for field in _NAMES}
    # Written beside, then renamed: two processes starting at once never read half a file.
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(stored, handle)
    try:
        os.link(partial, path)  # fails if another process got there first: keep theirs
    except FileExistsError:
        stored = json.loads(path.read_text(encoding="utf-8"))
    finally:
        partial.unlink()
    return stored
