"""Settings of the `bolt` command, from environment variables with these defaults.

| variable           | default              | meaning                                          |
|--------------------|----------------------|--------------------------------------------------|
| BOLT_HOME          | the current folder   | the project: config.yml, bot/, data/             |
| BOLT_MODELS_DIR    | $BOLT_HOME/models    | trained models, named by their data fingerprint  |
| BOLT_HOST          | 127.0.0.1            | address the hub binds to (the one public server) |
| BOLT_RASA_HOST     | 127.0.0.1            | address the Rasa server binds to                 |
| BOLT_RASA_PORT     | 5005                 | Rasa server (REST channel and HTTP API)          |
| BOLT_ACTIONS_HOST  | 127.0.0.1            | address the action server binds to               |
| BOLT_ACTIONS_PORT  | 5055                 | action server                                    |
| BOLT_HUB_PORT      | 5080                 | the hub (sidebar, agent console, /api/handoffs)  |
| BOLT_METRICS_HOST  | 127.0.0.1            | address the Rasa and action servers' metrics listen on |
| BOLT_RASA_METRICS_PORT | 5006             | the Rasa server's metrics (GET /metrics)         |
| BOLT_ACTIONS_METRICS_PORT | 5056          | the action server's metrics (GET /metrics)       |
| BOLT_STATE_DIR     | $BOLT_HOME/var       | SQLite databases and generated secrets           |
| BOLT_DEMO          | false                | demo mode: demo sign-ins, the agent `demo`, the demo accounts |
| BOLT_RETENTION_DAYS | 90                  | transcripts, tickets and Rasa's trackers older than this are deleted |
| BOLT_AUDIT_RETENTION_DAYS | 400           | audit log entries older than this are deleted    |
| BOLT_RETENTION_SWEEP_SECONDS | 3600       | how often the hub and Rasa delete what is due    |
| BOLT_LOG_FORMAT    | text                 | every process's log lines: readable `text` or one `json` object a line |
| BOLT_LOG_LEVEL     | info                 | the lowest level logged: debug, info, warning or error |
| BOLT_RASA_URLS     | BOLT_RASA_URL, else http://$BOLT_RASA_HOST:$BOLT_RASA_PORT | comma-separated Rasa servers `bolt content publish` and `rollback` load the model on (all or none) |
| BOLT_HELD_OUT_DIR  | $BOLT_HOME/tests/data | the held-out sets the publish gate judges a model on (holdout/, out_of_scope/) |
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Tuple

from bolt.core.logs import FORMATS as LOG_FORMATS, LEVELS as LOG_LEVELS

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class Settings:
    home: Path
    models_dir: Path
    host: str
    rasa_port: int
    actions_port: int
    hub_port: int
    state_dir: Path
    demo: bool = False
    # Only the hub faces users: Rasa and the action server stay on loopback unless set.
    rasa_host: str = LOOPBACK
    actions_host: str = LOOPBACK
    # Read by every process that keeps personal data (docs/privacy.md).
    retention_days: float = 90.0
    audit_retention_days: float = 400.0
    retention_sweep_seconds: float = 3600.0
    # Read here so that each process's settings module has them (bolt/core/logs.py).
    log_format: str = "text"
    log_level: str = "info"
    # The hub serves its metrics itself, behind its token; these two have no token: loopback.
    metrics_host: str = LOOPBACK
    rasa_metrics_port: int = 5006
    actions_metrics_port: int = 5056
    # Every Rasa server a model is published to; empty: the one of rasa_url.
    rasa_urls: Tuple[str, ...] = ()
    held_out_dir: Optional[Path] = None

    @property
    def config_file(self) -> Path:
        return self.home / "config.yml"

    @property
    def domain_file(self) -> Path:
        return self.home / "bot" / "domain.yml"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def endpoints_file(self) -> Path:
        return self.home / "bot" / "endpoints.yml"

    @property
    def credentials_file(self) -> Path:
        return self.home / "bot" / "credentials.yml"

    @property
    def actions_url(self) -> str:
        return f"http://{self.actions_host}:{self.actions_port}/webhook"

    @property
    def rasa_url(self) -> str:
        return f"http://{self.rasa_host}:{self.rasa_port}"

    @property
    def rasa_servers(self) -> Tuple[str, ...]:
        return self.rasa_urls or (self.rasa_url,)

    @property
    def held_out(self) -> Path:
        return self.held_out_dir or self.home / "tests" / "data"

    @property
    def hub_url(self) -> str:
        return f"http://{self.host}:{self.hub_port}"

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> Settings:
        env = os.environ if environ is None else environ
        home = Path(env.get("BOLT_HOME") or Path.cwd()).resolve()
        return cls(
            home=home,
            models_dir=Path(env.get("BOLT_MODELS_DIR") or home / "models"),
            host=env.get("BOLT_HOST") or LOOPBACK,
            rasa_port=_port(env, "BOLT_RASA_PORT", 5005),
            actions_port=_port(env, "BOLT_ACTIONS_PORT", 5055),
            hub_port=_port(env, "BOLT_HUB_PORT", 5080),
            state_dir=Path(env.get("BOLT_STATE_DIR") or home / "var"),
            demo=flag(env, "BOLT_DEMO", False),
            rasa_host=env.get("BOLT_RASA_HOST") or LOOPBACK,
            actions_host=env.get("BOLT_ACTIONS_HOST") or LOOPBACK,
            retention_days=positive_number(env, "BOLT_RETENTION_DAYS", 90, "days"),
            audit_retention_days=positive_number(env, "BOLT_AUDIT_RETENTION_DAYS", 400, "days"),
            retention_sweep_seconds=positive_number(env, "BOLT_RETENTION_SWEEP_SECONDS", 3600,
                                                    "seconds"),
            log_format=one_of(env, "BOLT_LOG_FORMAT", "text", LOG_FORMATS),
            log_level=one_of(env, "BOLT_LOG_LEVEL", "info", LOG_LEVELS),
            metrics_host=env.get("BOLT_METRICS_HOST") or LOOPBACK,
            rasa_metrics_port=_port(env, "BOLT_RASA_METRICS_PORT", 5006),
            actions_metrics_port=_port(env, "BOLT_ACTIONS_METRICS_PORT", 5056),
            rasa_urls=_urls(env, "BOLT_RASA_URLS") or _urls(env, "BOLT_RASA_URL"),
            held_out_dir=Path(env["BOLT_HELD_OUT_DIR"]) if env.get("BOLT_HELD_OUT_DIR") else None,
        )


def _urls(env: Mapping[str, str], name: str) -> Tuple[str, ...]:
    """The comma-separated URLs of a setting, without trailing slashes; () when unset."""
    raw = env.get(name) or ""
    return tuple(url.strip().rstrip("/") for url in raw.split(",") if url.strip())


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if not raw:
        return default
    try:
        port = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a port number, got {raw!r}") from None
    if not 0 < port < 65536:
        raise SystemExit(f"{name} must be between 1 and 65535, got {port}")
    return port


def positive_number(env: Mapping[str, str], name: str, default: float, unit: str = "") -> float:
    """A number > 0 from the environment, or the default; a clear exit when it is not one."""
    raw = env.get(name)
    if not raw:
        return default
    what = f"a number of {unit}" if unit else "a number"
    try:
        value = float(raw)
    except ValueError:
        raise SystemExit(f"{name} must be {what}, got {raw!r}") from None
    if value <= 0:
        raise SystemExit(f"{name} must be more than 0{' ' + unit if unit else ''}, got {raw}")
    return value


def one_of(env: Mapping[str, str], name: str, default: str, allowed: Tuple[str, ...]) -> str:
    """One of `allowed` (in any case) from the environment, or the default; a clear exit when it
    is none of them."""
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw not in allowed:
        raise SystemExit(f"{name} must be one of {', '.join(allowed)}, got {raw!r}")
    return raw


def flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    """A true/false switch from the environment, or the default; a clear exit when it is neither."""
    raw = (env.get(name) or "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SystemExit(f"{name} must be true or false, got {raw!r}")
