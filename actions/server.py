"""Bolt's action server: rasa-sdk's own server and command line, with Bolt's log set-up.

    python -m actions.server --actions actions --port 5055

takes the arguments of `rasa run actions` (it is how `bolt run` starts the action server). Bolt's
log set-up (bolt/core/logs.py, BOLT_LOG_FORMAT and BOLT_LOG_LEVEL, read in actions/config.py) is
made first and rasa-sdk's own (coloredlogs, Sanic's levels) left out, so that its lines come out
in Bolt's format. Each action call is handled in its conversation's log context: the tracker's
sender id, which is the hub's conversation id.
"""
from __future__ import annotations

import json
import logging
import zlib
from typing import Any, Optional

import pluggy

from bolt.core import logs

ACTION_CALL_PATH = "/webhook"
hookimpl = pluggy.HookimplMarker("rasa_sdk")


def main() -> None:
    from actions.config import settings

    config = settings()  # a bad setting exits here with a message naming it
    logs.configure("actions", config.log_format, config.log_level)
    keep_bolts_logging(config.log_level)
    import rasa_sdk.__main__

    rasa_sdk.__main__.main()


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
