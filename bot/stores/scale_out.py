"""Rasa's tracker store and lock store for several Rasa servers, chosen by the environment.

| variable                 | default                              | meaning                                    |
|--------------------------|--------------------------------------|--------------------------------------------|
| BOLT_TRACKER_STORE_URL   | (none: the SQLite tracker store of bot/endpoints.yml) | SQLAlchemy URL of Rasa's SQLTrackerStore, e.g. postgresql://rasa:pw@db:5432/rasa |
| BOLT_LOCK_STORE_URL      | (none: Rasa's in-memory lock store)  | redis://[:password@]host:port/db: Rasa's RedisLockStore, so that several Rasa servers share conversations |

With neither set, Rasa runs with `bot/endpoints.yml` as it is (one server; its tracker store is
the SQLite file `bolt run` names in BOLT_TRACKER_DB).
With either, `endpoints_file` writes `$BOLT_STATE_DIR/rasa-endpoints.yml` (bot/endpoints.yml
with these stores in place of its own; readable only by its owner, as it holds the passwords)
for `rasa run`.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Set
from urllib.parse import unquote, urlsplit

from sqlalchemy.engine import make_url

import yaml

from bolt.core.settings import Settings


class StoreSettingError(ValueError):
    pass


def tracker_store(url: str) -> Dict[str, Any]:
    """The tracker store section for a SQLAlchemy URL: Rasa's SQLTrackerStore with Bolt's
    retention sweep (bot/stores/retained.py)."""
    try:
        parsed = make_url(url)
    except Exception as error:
        raise StoreSettingError(f"BOLT_TRACKER_STORE_URL is not a database URL: {error}") from None
    section: Dict[str, Any] = {"type": "bot.stores.retained.RetainedSQLTrackerStore",
                               "dialect": parsed.drivername, "db": parsed.database}
    for key, value in (("url", parsed.host), ("port", parsed.port),
                       ("username", parsed.username), ("password", parsed.password)):
        if value is not None:
            section[key] = value
    if not parsed.database:
        raise StoreSettingError("BOLT_TRACKER_STORE_URL names no database")
    return section


def lock_store(url: str) -> Dict[str, Any]:
    """Rasa's RedisLockStore section for a redis:// URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss") or not parts.hostname:
        raise StoreSettingError(
            f"BOLT_LOCK_STORE_URL must look like redis://host:6379/0, not {url!r}")
    path = parts.path.strip("/")
    if path and not path.isdigit():
        raise StoreSettingError(f"BOLT_LOCK_STORE_URL: the database must be a number, not {path!r}")
    section: Dict[str, Any] = {"type": "redis", "url": parts.hostname,
                               "port": parts.port or 6379, "db": int(path or 0),
                               "key_prefix": "bolt", "use_ssl": parts.scheme == "rediss"}
    if parts.password:
        section["password"] = unquote(parts.password)
    return section


def endpoints_file(settings: Settings, environ: Optional[Mapping[str, str]] = None) -> Path:
    """The endpoints file `rasa run` is given."""
    env = os.environ if environ is None else environ
    tracker_url = env.get("BOLT_TRACKER_STORE_URL") or None
    lock_url = env.get("BOLT_LOCK_STORE_URL") or None
    if tracker_url is None and lock_url is None:
        return settings.endpoints_file
    if tracker_url is None:
        # The embedded SQLite store keeps recent conversations in its server's memory
        # (bot/stores/sqlite_trackers.py): Rasa servers sharing locks must share a database instead.
        raise StoreSettingError("BOLT_LOCK_STORE_URL is for several Rasa servers: set "
                                "BOLT_TRACKER_STORE_URL too (a database they all share)")
    stores: Dict[str, Any] = {}
    if tracker_url:
        stores["tracker_store"] = tracker_store(tracker_url)
    if lock_url:
        stores["lock_store"] = lock_store(lock_url)
    target = Path(settings.state_dir) / "rasa-endpoints.yml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.touch(mode=0o600)
    target.chmod(0o600)
    # Edited as text: re-dumping the file could quote the ${VAR}s Rasa must expand.
    kept = without_sections(settings.endpoints_file.read_text(encoding="utf-8"), set(stores))
    target.write_text(kept.rstrip("\n") + "\n\n" + yaml.safe_dump(stores, sort_keys=False),
                      encoding="utf-8")
    return target


def without_sections(text: str, names: Set[str]) -> str:
    """The YAML text without the named top-level sections (the embedded tracker store)."""
    kept: List[str] = []
    dropping = False
    for line in text.splitlines():
        top_level = re.match(r"([A-Za-z_][\w-]*)\s*:", line)
        if top_level:
            dropping = top_level.group(1) in names
            if dropping:
                kept.append(f"# {top_level.group(1)}: replaced from the environment, at the end")
        if not dropping:
            kept.append(line)
    return "\n".join(kept) + "\n"
