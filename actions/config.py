"""The action server's settings: read from the environment in this one place.

| variable                   | default                                    |
|----------------------------|--------------------------------------------|
| BOLT_CONTENT_DIR           | $BOLT_HOME/data (bolt/core/settings.py)    |
| BOLT_PHONE_TABLE           | $BOLT_CONTENT_DIR/phone_numbers.yml        |
| BOLT_STATE_DIR             | $BOLT_HOME/var (bolt/core/settings.py)          |
| BOLT_ACCOUNTS_DATABASE_URL | sqlite:///$BOLT_STATE_DIR/accounts.sqlite3 |
| BOLT_DEMO (bolt/core/settings.py) | false: true loads the demo accounts into an empty directory |
| BOLT_SUPPORT_POLICY        | actions/support_policy.yml                 |
| BOLT_TRIAGE_CUES           | actions/triage_cues.yml                    |
| BOLT_HUB_URL               | http://$BOLT_HOST:$BOLT_HUB_PORT (5080)    |
| BOLT_HUB_TIMEOUT           | 5 (seconds)                                |
| BOLT_LOG_FORMAT, BOLT_LOG_LEVEL (bolt/core/settings.py) | text, info          |
| BOLT_METRICS_HOST, BOLT_ACTIONS_METRICS_PORT (bolt/core/settings.py) | 127.0.0.1, 5056: where actions/server.py exports the metrics |

The hub's claims secret and service token come from bolt/core/secrets.py. docs/accounts.md says
what each setting does.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Optional

from bolt.core.settings import Settings, positive_number

ACTIONS_DIR = Path(__file__).resolve().parent
DEFAULT_HUB_TIMEOUT = 5.0


@dataclass(frozen=True)
class ActionSettings:
    content_dir: Path
    phone_table: Path
    state_dir: Path
    accounts_database_url: str
    demo: bool
    support_policy: Path
    triage_cues: Path
    hub_url: str
    hub_timeout: float
    log_format: str = "text"
    log_level: str = "info"
    metrics_host: str = "127.0.0.1"
    metrics_port: int = 5056

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> ActionSettings:
        env = os.environ if environ is None else environ
        bolt = Settings.from_env(env)
        content_dir = Path(env.get("BOLT_CONTENT_DIR") or bolt.data_dir)
        phone_table = Path(env.get("BOLT_PHONE_TABLE") or content_dir / "phone_numbers.yml")
        database_url = env.get("BOLT_ACCOUNTS_DATABASE_URL") or (
            f"sqlite:///{Path(bolt.state_dir).resolve() / 'accounts.sqlite3'}"
        )
        return cls(
            content_dir=content_dir,
            phone_table=phone_table,
            state_dir=bolt.state_dir,
            accounts_database_url=database_url,
            demo=bolt.demo,
            support_policy=Path(
                env.get("BOLT_SUPPORT_POLICY") or ACTIONS_DIR / "support_policy.yml"),
            triage_cues=Path(env.get("BOLT_TRIAGE_CUES") or ACTIONS_DIR / "triage_cues.yml"),
            hub_url=(env.get("BOLT_HUB_URL") or bolt.hub_url).rstrip("/"),
            hub_timeout=_seconds(env, "BOLT_HUB_TIMEOUT", DEFAULT_HUB_TIMEOUT),
            log_format=bolt.log_format,
            log_level=bolt.log_level,
            metrics_host=bolt.metrics_host,
            metrics_port=bolt.actions_metrics_port,
        )


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    return positive_number(env, name, default, unit="seconds")


@lru_cache(maxsize=1)
def settings() -> ActionSettings:
    return ActionSettings.from_env()
