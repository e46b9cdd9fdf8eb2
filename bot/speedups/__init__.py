"""Rasa speed-ups: each module changes how fast Rasa answers, never what it answers.

bot/rasa_server.py installs them all with `install_all()`, as one setting says:

| variable           | default | meaning                                                        |
|--------------------|---------|----------------------------------------------------------------|
| BOLT_RASA_SPEEDUPS | on      | `on`: every speed-up of `MODULES`; `off`: none, Rasa as it is  |
|                    |         | released (tells a Bolt bug from a speed-up bug)                |

Each module holds one speed-up: in its docstring, what it replaces and what that cost; an
`install()` and an `uninstall()`; its tests against the unpatched original (tests/unit); and
`TESTED_ON`, the versions of Rasa (and of any other library whose part it replaces) those tests
ran on. `install_all()` refuses to start when an installed version is not one of them
(bot/speedups/guard.py). This package imports no Rasa: `bolt run` checks the setting with it.
"""
from __future__ import annotations

import importlib
import os
import sys
from types import ModuleType
from typing import List, Mapping, Optional, Tuple

from bot.speedups import guard

SETTING = "BOLT_RASA_SPEEDUPS"

# In the order they are installed.
MODULES: Tuple[str, ...] = (
    "schema_cache", "event_types", "frozen_heap", "keepalive", "action_calls", "tracker_copies",
    "applied_events", "dialogue_states", "graph_runner", "lock_waits", "fingerprints",
)


def enabled(environ: Optional[Mapping[str, str]] = None) -> bool:
    """The setting: True for `on` (or unset), False for `off`; a clear exit for anything else."""
    env = os.environ if environ is None else environ
    raw = (env.get(SETTING) or "on").strip().lower()
    if raw == "on":
        return True
    if raw == "off":
        return False
    raise SystemExit(f"{SETTING} must be on or off, got {env.get(SETTING)!r}")


def install_all(environ: Optional[Mapping[str, str]] = None) -> List[ModuleType]:
    """Installs every speed-up, or none when the setting is `off`; returns those installed.

    Raises guard.UntestedVersion, installing nothing, when any speed-up was not tested on an
    installed version."""
    if not enabled(environ):
        return []
    names = [f"{__name__}.{name}" for name in MODULES]
    guard.check(names)
    modules = [importlib.import_module(name) for name in names]
    for module in modules:
        module.install()
    return modules


def uninstall_all() -> None:
    """Puts back Rasa's originals of every speed-up module loaded, last installed first."""
    for name in reversed(MODULES):
        module = sys.modules.get(f"{__name__}.{name}")
        if module is not None:
            module.uninstall()
