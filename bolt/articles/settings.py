"""Settings of the article store, from environment variables with these defaults.

| variable           | default                                 | meaning                        |
|--------------------|-----------------------------------------|--------------------------------|
| BOLT_ARTICLES_URL  | sqlite:///$BOLT_STATE_DIR/articles.sqlite3 | SQLAlchemy URL of the store |

Every process that reads articles (the `bolt` command, the action server, the hub) reads the
store's URL here, so that they all find the same store.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping, Optional

from bolt.core.settings import Settings

STORE_FILE = "articles.sqlite3"


def articles_url(environ: Optional[Mapping[str, str]] = None) -> str:
    env = os.environ if environ is None else environ
    url = (env.get("BOLT_ARTICLES_URL") or "").strip()
    if url:
        return url
    state_dir = Path(Settings.from_env(env).state_dir)
    return f"sqlite:///{state_dir / STORE_FILE}"
