"""`bolt run`'s watch over its servers once they are up: one that exits is started again after
the delay of bolt/restart_policy.py, and said so; the others keep serving meanwhile.

`Supervisor.check` is one look at every service, made every fraction of a second by
`bolt.processes.run_until_stopped`: an exit is noticed, a due restart is made, a restarted
service is asked whether it answers yet. Nothing in it waits on a service.
"""
from __future__ import annotations

import os
import signal
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, List, Optional, Sequence

from bolt.processes import Service, start
from bolt.restart_policy import ExitRecord, RestartPolicy, after_exit

PROBE_SECONDS = 0.5


def answers(url: str) -> bool:
    """Whether `url` answers 200 now."""
    try:
        with urllib.request.urlopen(url, timeout=PROBE_SECONDS) as response:
            return response.status == 200
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


@dataclass
class Watched:
    service: Service
    started: float
    answered: bool = True  # the first start waited for the health check
    record: ExitRecord = field(default_factory=ExitRecord)
    restart_at: Optional[float] = None
    down_since: Optional[float] = None
    restarts: int = 0


class Supervisor:
    def __init__(self, services: Sequence[Service], cwd: Path,
                 policy: RestartPolicy = RestartPolicy(),
                 clock: Callable[[], float] = time.monotonic,
                 say: Callable[[str], None] = lambda line: print(line, flush=True),
                 probe: Callable[[str], bool] = answers) -> None:
        self.cwd = cwd
        self.policy = policy
        self.clock = clock
        self.say = say
        self.probe = probe
        now = clock()
        self.watched: List[Watched] = [Watched(service, started=now) for service in services]

    def check(self) -> Optional[str]:
        """One look at every service; a reason to stop Bolt when one is given up on."""
        for watched in self.watched:
            reason = self._check(watched)
            if reason:
                return reason
        return None

    def _check(self, watched: Watched) -> Optional[str]:
        service, now = watched.service, self.clock()
        if watched.restart_at is not None:
            if now >= watched.restart_at:
                watched.restart_at = None
                watched.restarts += 1
                self.say(f"Starting the {service.name} again (restart {watched.restarts}) ...")
                start(service, self.cwd)
                watched.started, watched.answered = now, False
            return None
        process = service.process
        code = process.poll() if process is not None else None
        if process is not None and code is not None:
            _end_leftovers(process.pid)
            decision = after_exit(self.policy, watched.record, now - watched.started,
                                  watched.answered)
            watched.record = decision.record
            if decision.delay is None:
                return f"The {service.name} stopped (exit {code}) and is not started again: " \
                       f"{decision.reason}."
            self.say(f"The {service.name} stopped (exit {code}); starting it again in "
                     f"{decision.delay:.1f} s.")
            if watched.down_since is None:
                watched.down_since = now
            watched.restart_at = now + decision.delay
            return None
        if not watched.answered and self.probe(service.health_url):
            watched.answered = True
            down = now - watched.down_since if watched.down_since is not None else 0.0
            watched.down_since = None
            self.say(f"  the {service.name} is back after {down:.1f} s: {service.health_url}")
        return None


def _end_leftovers(pid: int) -> None:
    """Ends whatever the exited service left running in its session (it would hold the port)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
