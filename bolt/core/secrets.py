"""The shared secrets of Bolt's processes: from the environment, else made once and kept.

| variable               | meaning                                                            |
|------------------------|--------------------------------------------------------------------|
| BOLT_TOKEN_SECRET      | HMAC secret shared with the help center, which signs user tokens   |
| BOLT_TOKEN_KID         | the key id (`kid` header) of BOLT_TOKEN_SECRET, default `k1`       |
| BOLT_TOKEN_SECRET_PREVIOUS, BOLT_TOKEN_KID_PREVIOUS | during a change of secret: the help center's previous secret and its key id, still accepted |
| BOLT_SERVICE_TOKEN     | bearer token the action server presents to the hub's /api/handoffs |
| BOLT_CLAIMS_SECRET     | HMAC secret of the hub, which signs the verified claims it passes on to the action server (bolt/core/identity.py) |
| BOLT_RASA_TOKEN        | token of Rasa's HTTP API (`--auth-token`), which the hub and `bolt content publish` send |

In production all of them come from the environment. When one is not set (the embedded default, a
developer's machine), it is generated at first use and kept in `$BOLT_STATE_DIR/secrets.json`
(readable by its owner only), so `bolt run`, `bolt token` and every process they start agree
without any manual step. The key ids and the previous secret are never generated: a change of
secret is the operators' to make (docs/accounts.md).
"""
from __future__ import annotations

import fcntl
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Mapping, Optional

from bolt.core.private_files import private_folder

SECRETS_FILE = "secrets.json"
_NAMES = {"token_secret": "BOLT_TOKEN_SECRET", "service_token": "BOLT_SERVICE_TOKEN",
          "claims_secret": "BOLT_CLAIMS_SECRET", "rasa_token": "BOLT_RASA_TOKEN"}
DEFAULT_TOKEN_KID = "k1"


@dataclass(frozen=True)
class Secrets:
    token_secret: str
    service_token: str
    claims_secret: str
    rasa_token: str
    token_kid: str = DEFAULT_TOKEN_KID
    previous_token_secret: str = ""
    previous_token_kid: str = ""

    def token_keys(self) -> Dict[str, str]:
        """The help-center secrets the hub accepts, by key id: the current one, and the previous
        one while a change of secret is under way."""
        keys = {self.token_kid: self.token_secret}
        if self.previous_token_secret:
            keys[self.previous_token_kid] = self.previous_token_secret
        return keys


def load_secrets(state_dir: Path, environ: Optional[Mapping[str, str]] = None) -> Secrets:
    """The secrets from the environment, else from (or newly into) state_dir/secrets.json."""
    env = os.environ if environ is None else environ
    values = {field: env.get(variable) or "" for field, variable in _NAMES.items()}
    if not all(values.values()):
        stored = _stored(Path(state_dir))
        for field in values:
            values[field] = values[field] or stored[field]
    return Secrets(**values, **_token_keys(env))


def _token_keys(env: Mapping[str, str]) -> Dict[str, str]:
    kid = env.get("BOLT_TOKEN_KID") or DEFAULT_TOKEN_KID
    previous = env.get("BOLT_TOKEN_SECRET_PREVIOUS") or ""
    previous_kid = env.get("BOLT_TOKEN_KID_PREVIOUS") or ""
    if previous and not previous_kid:
        raise ValueError("BOLT_TOKEN_SECRET_PREVIOUS needs its key id in BOLT_TOKEN_KID_PREVIOUS")
    if previous and previous_kid == kid:
        raise ValueError("BOLT_TOKEN_KID_PREVIOUS must differ from BOLT_TOKEN_KID")
    return {"token_kid": kid, "previous_token_secret": previous,
            "previous_token_kid": previous_kid if previous else ""}


def _complete(stored: dict) -> bool:
    return all(isinstance(stored.get(field), str) and stored[field] for field in _NAMES)


def _stored(state_dir: Path) -> dict:
    path = state_dir / SECRETS_FILE
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
        if _complete(stored):
            return stored
        return _completed(path, stored)
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


def _completed(path: Path, stored: dict) -> dict:
    """A kept file that lacks a secret Bolt added since gets it; the ones it has stay."""
    fd = os.open(path.parent / f"{SECRETS_FILE}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    with os.fdopen(fd, "r+", encoding="utf-8") as lock:
        # One process adds the missing secrets; the others wait and read what it wrote.
        fcntl.flock(lock, fcntl.LOCK_EX)
        stored = json.loads(path.read_text(encoding="utf-8"))
        if _complete(stored):
            return stored
        for field in _NAMES:
            if not (isinstance(stored.get(field), str) and stored[field]):
                stored[field] = secrets.token_urlsafe(48)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(stored, handle)
        os.replace(partial, path)
    return stored
