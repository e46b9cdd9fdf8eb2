"""`bolt run`'s supervision (bolt/supervisor.py) over real child processes: small HTTP servers
standing in for Bolt's three, killed with SIGKILL."""
import os
import signal
import sys
import time
from pathlib import Path
from typing import List

from bolt.processes import Service, start, stop, wait_healthy
from bolt.restart_policy import RestartPolicy
from bolt.supervisor import Supervisor
from support.ports import free_port

QUICK = RestartPolicy(first_delay=0.1, factor=2.0, longest_delay=1.0, steady_seconds=60.0,
                      attempts=3)


def http_server(name: str) -> Service:
    port = free_port()
    return Service(name=name, command=[sys.executable, "-m", "http.server", str(port),
                                       "--bind", "127.0.0.1"],
                   health_url=f"http://127.0.0.1:{port}/")


def supervise_until(supervisor: Supervisor, done, seconds: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        assert supervisor.check() is None
        if done():
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError("not done in time")


def test_a_killed_service_is_started_again_and_the_others_keep_running(tmp_path: Path):
    services = [http_server("first"), http_server("second")]
    said: List[str] = []
    try:
        for service in services:
            start(service, tmp_path)
            wait_healthy(service, timeout=30)
        supervisor = Supervisor(services, tmp_path, QUICK, say=said.append)
        first, second = services
        untouched, killed = second.process.pid, first.process.pid
        os.kill(killed, signal.SIGKILL)
        took = supervise_until(supervisor, lambda: any("back after" in line for line in said), 30)
        assert first.process.pid != killed and first.process.poll() is None
        assert second.process.pid == untouched
        assert took < 5
        assert said[0] == "The first stopped (exit -9); starting it again in 0.1 s."
        assert said[1] == "Starting the first again (restart 1) ..."
        assert said[2].startswith("  the first is back after ")
    finally:
        stop(services)


def test_a_service_that_never_comes_up_is_given_up_on(tmp_path: Path):
    broken = Service(name="broken", command=[sys.executable, "-c", "raise SystemExit(3)"],
                     health_url=f"http://127.0.0.1:{free_port()}/")
    healthy = http_server("healthy")
    said: List[str] = []
    try:
        start(healthy, tmp_path)
        wait_healthy(healthy, timeout=30)
        start(broken, tmp_path)
        supervisor = Supervisor([healthy, broken], tmp_path, QUICK, say=said.append)
        # The first run of `broken` counts as answered (bolt run waited for it); it then exits
        # three times in a row without answering.
        deadline = time.monotonic() + 30
        reason = None
        while reason is None and time.monotonic() < deadline:
            reason = supervisor.check()
            time.sleep(0.02)
        assert reason == ("The broken stopped (exit 3) and is not started again: it exited 3 "
                          "times in a row without answering.")
        assert sum(line.startswith("Starting the broken again") for line in said) == 3
        assert healthy.process.poll() is None
    finally:
        stop([healthy, broken])
