"""Bolt's action server: rasa-sdk's own server and command line, with Bolt's log set-up and
its metrics.

    python -m actions.server --actions actions --port 5055

takes the arguments of `rasa run actions` (it is how `bolt run` starts the action server). Bolt's
log set-up (bolt/core/logs.py, BOLT_LOG_FORMAT and BOLT_LOG_LEVEL, read in actions/config.py) is
made first and rasa-sdk's own (coloredlogs, Sanic's levels) left out, so that its lines come out
in Bolt's format. Each action call is handled in its conversation's log context: the tracker's
sender id, which is the hub's conversation id. Its metrics (actions/metrics.py) are exported at
http://BOLT_METRICS_HOST:BOLT_ACTIONS_METRICS_PORT/metrics (127.0.0.1:5056 unless set), each
action call counted by action and outcome.
"""
from __future__ import annotations

import functools
import json
import logging
import zlib
from typing import Any, Callable, Dict, Optional

import pluggy

from actions import metrics
from bolt.core import logs
from bolt.core.metrics import serve_metrics

ACTION_CALL_PATH = "/webhook"
hookimpl = pluggy.HookimplMarker("rasa_sdk")


def main() -> None:
    from actions.config import settings

    config = settings()  # a bad setting exits here with a message naming it
    logs.configure("actions", config.log_format, config.log_level)
    keep_bolts_logging(config.log_level)
    count_calls()
    serve_metrics(metrics.REGISTRY, config.metrics_host, config.metrics_port,
                  "the action server")
    import rasa_sdk.__main__

    rasa_sdk.__main__.main()


def count_calls() -> None:
    """Counts every call of rasa-sdk's executor by action (a registered name, else `unknown`)
    and outcome (`ok`, or `error` when it raised)."""
    from rasa_sdk.executor import ActionExecutor

    original: Callable[..., Any] = ActionExecutor.run
    if getattr(original, "counted", False):
        return

    @functools.wraps(original)
    async def run(self: ActionExecutor, action_call: Dict[str, Any]) -> Optional[Dict[str, Any]]:
        name = action_call.get("next_action")
        action = name if name in self.actions else metrics.UNKNOWN_ACTION
        try:
            result = await original(self, action_call)
        except Exception:
            metrics.CALLS.labels(action, "error").inc()
            raise
        metrics.CALLS.labels(action, "ok").inc()
        return result

    run.counted = True  # type: ignore[attr-defined]
    ActionExecutor.run = run  # type: ignore[assignment]


def keep_bolts_logging(level: str) -> None:
    """rasa-sdk's command line sets up its own logging before it starts: it stays out, and
    rasa-sdk's loggers keep `level`."""
    import rasa_sdk.utils
    from rasa_sdk.plugin import plugin_manager

    def sdk_loggers(_loglevel: Optional[object] = None) -> None:
        logging.getLogger("rasa_sdk").setLevel(level.upper())

    rasa_sdk.utils.configure_colored_logging = sdk_loggers
    # rasa-sdk would cut Sanic's loggers off the root logger (their lines then went to Python's
    # last-resort handler, unformatted).
    rasa_sdk.utils.update_sanic_log_level = lambda: None
    plugin_manager().register(ConversationContext())


class ConversationContext:
    """A rasa-sdk plugin: every request starts with a context of its own, and an action call's
    carries its conversation's id and the action's name."""

    @staticmethod
    @hookimpl
    def attach_sanic_app_extensions(app: Any) -> None:
        app.register_middleware(bind_call, "request")


async def bind_call(request: Any) -> None:
    fields = {}
    if request.path == ACTION_CALL_PATH and request.method == "POST":
        call = action_call(request)
        if isinstance(call, dict):
            fields = {"conversation_id": call.get("sender_id"),
                      "action": call.get("next_action")}
    logs.start_request(**{k: v for k, v in fields.items() if isinstance(v, str)})


def action_call(request: Any) -> Any:
    """The call's body as rasa-sdk reads it (parsed once: Sanic keeps `request.json`)."""
    try:
        if request.headers.get("Content-Encoding") == "deflate":
            return json.loads(zlib.decompress(request.body))
        return request.json
    except (ValueError, zlib.error):
        return None  # rasa-sdk answers it


if __name__ == "__main__":
    main()
