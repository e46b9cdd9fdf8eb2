"""The action server as `bolt run` starts it: rasa-sdk's own command line,

    python -m actions.server --actions actions --port 5055

with its metrics (actions/metrics.py) exported first at
http://BOLT_METRICS_HOST:BOLT_ACTIONS_METRICS_PORT/metrics (127.0.0.1:5056 unless set), and
each action call counted by action and outcome.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Dict, Optional

from actions import metrics
from actions.config import settings
from bolt.core.metrics import serve_metrics


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


def main() -> None:
    from rasa_sdk.__main__ import main as sdk_main

    config = settings()
    count_calls()
    serve_metrics(metrics.REGISTRY, config.metrics_host, config.metrics_port,
                  "the action server")
    sdk_main()


if __name__ == "__main__":
    main()
