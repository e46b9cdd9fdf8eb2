"""Bolt's Rasa server: Rasa's own command line, with Bolt's speed-ups installed first.

    python -m bot.rasa_server run --model models/bolt-<fingerprint>.tar.gz --enable-api ...

takes exactly the arguments of `rasa ...` (it is how `bolt run` starts Rasa). The speed-ups
change how fast Rasa answers, never what it answers: see bot/speedups/ (schema_cache,
event_types, frozen_heap, keepalive, action_calls, tracker_copies, applied_events,
dialogue_states, graph_runner, lock_waits, fingerprints).
`BOLT_RASA_SPEEDUPS=off` starts Rasa without them (bot/speedups/__init__.py), and the server
refuses to start on a Rasa or library version they were not tested on (bot/speedups/guard.py).

`run` with `--enable-api` gets `--auth-token` from BOLT_RASA_TOKEN (bolt/core/secrets.py), so
that Rasa's HTTP API (`/conversations`, `/model`, `/status`) answers only the hub and Bolt's
command line, and the token stays out of the process list; without it such a server does not
start.

Bolt's log set-up (bolt/core/logs.py, BOLT_LOG_FORMAT and BOLT_LOG_LEVEL) is made before Rasa
starts, and Rasa's own (coloredlogs, its structlog set-up, Sanic's handlers) is left out, so that
Rasa's lines come out in Bolt's format; Rasa's `--debug`/`--quiet` give way to BOLT_LOG_LEVEL.
`run` also exports Rasa's metrics (bot/metrics.py) at http://BOLT_METRICS_HOST:BOLT_RASA_METRICS_PORT
/metrics (127.0.0.1:5006 unless set, bolt/core/settings.py).
"""
from __future__ import annotations

import logging
import os
import sys
from typing import List, Mapping, Optional

from bolt.core import logs
from bolt.core.metrics import serve_metrics
from bolt.core.settings import Settings
from bot.speedups import install_all
from bot.speedups.guard import UntestedVersion


def main() -> None:
    settings = Settings.from_env()  # a bad BOLT_LOG_* exits here with a message naming it
    logs.configure("rasa", settings.log_format, settings.log_level)
    try:
        installed = install_all()
    except UntestedVersion as error:
        raise SystemExit(str(error)) from None
    keep_bolts_logging(settings.log_level)  # after the speed-ups, which patch Rasa as imported
    sys.argv[1:] = with_api_token(sys.argv[1:], os.environ)
    if not installed:
        print("Rasa starts without Bolt's speed-ups (BOLT_RASA_SPEEDUPS=off).", file=sys.stderr)
    if serves_messages(sys.argv[1:]):
        export_metrics(settings)
    from rasa.__main__ import main as rasa_main

    rasa_main()


def keep_bolts_logging(level: str) -> None:
    """Rasa's command line sets up its own logging before it runs a command (coloredlogs, then
    structlog), and Rasa's API app Sanic's: both stay out, and Rasa's loggers keep `level`."""
    import rasa.__main__
    import rasa.utils.io
    from sanic.log import LOGGING_CONFIG_DEFAULTS

    def rasa_loggers(_loglevel: Optional[object] = None) -> None:
        logging.getLogger("rasa").setLevel(level.upper())

    rasa.utils.io.configure_colored_logging = rasa_loggers
    rasa.__main__.configure_structlog = lambda log_level=None: None
    for logger in LOGGING_CONFIG_DEFAULTS["loggers"].values():
        logger["handlers"] = []  # Sanic's loggers write through Bolt's handler only


def serves_messages(args: List[str]) -> bool:
    """Whether the command is the Rasa server (`run`), not `run actions`, training or a test."""
    return bool(args) and args[0] == "run" and (len(args) == 1 or args[1] != "actions")


def export_metrics(settings: Settings) -> None:
    from bot import metrics, metrics_hooks

    metrics_hooks.install()
    serve_metrics(metrics.REGISTRY, settings.metrics_host, settings.rasa_metrics_port,
                  "the Rasa server")


def with_api_token(args: List[str], env: Mapping[str, str]) -> List[str]:
    """Rasa's arguments, with the API's token added to a `run` that opens the API."""
    if not args or args[0] != "run" or "--enable-api" not in args or any(
            arg == "--auth-token" or arg.startswith("--auth-token=") for arg in args):
        return args
    token = env.get("BOLT_RASA_TOKEN")
    if not token:
        raise SystemExit("Rasa's HTTP API needs its token: set BOLT_RASA_TOKEN "
                         "(`bolt run` sets it from bolt/core/secrets.py)")
    # One argument: a token that starts with "-" (token_urlsafe makes one in 64) would otherwise
    # be read by argparse as an option, and Rasa would exit with a usage error.
    return [*args, f"--auth-token={token}"]


if __name__ == "__main__":
    main()
