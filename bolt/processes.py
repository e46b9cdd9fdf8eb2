"""Starts Bolt's servers as child processes, waits until they answer, keeps them running
(bolt/supervisor.py) and stops them together."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from bot import speedups
from bot.stores.scale_out import endpoints_file
from bolt.core.private_files import private_folder
from bolt.core.secrets import load_secrets
from bolt.core.settings import Settings


@dataclass
class Service:
    name: str
    command: List[str]
    health_url: str
    env: Dict[str, str] = field(default_factory=dict)
    folders: Tuple[Path, ...] = ()  # created before the service starts
    process: Optional[subprocess.Popen] = None
    metrics_url: str = ""  # where Prometheus scrapes it (the hub's asks for its token)


def bolt_services(settings: Settings, model: Path) -> List[Service]:
    python = sys.executable
    # Generated once into the state folder when not in the environment: every process agrees.
    shared = load_secrets(settings.state_dir)
    secrets = {"BOLT_TOKEN_SECRET": shared.token_secret,
               "BOLT_SERVICE_TOKEN": shared.service_token,
               "BOLT_CLAIMS_SECRET": shared.claims_secret,
               "BOLT_RASA_TOKEN": shared.rasa_token}
    demo = {"BOLT_DEMO": "true" if settings.demo else "false"}
    metrics = f"http://{settings.metrics_host}:{{}}/metrics"
    return [
        Service(
            name="action server",
            # rasa-sdk's server with Bolt's log set-up and its metrics (actions/server.py).
            command=[python, "-m", "actions.server", "--actions", "actions",
                     "--port", str(settings.actions_port)],
            health_url=f"http://{settings.actions_host}:{settings.actions_port}/health",
            # rasa-sdk reads its bind address from SANIC_HOST (it would otherwise take 0.0.0.0).
            env={"SANIC_HOST": settings.actions_host, "BOLT_STATE_DIR": str(settings.state_dir),
                 "BOLT_HUB_URL": settings.hub_url, "BOLT_METRICS_HOST": settings.metrics_host,
                 "BOLT_ACTIONS_METRICS_PORT": str(settings.actions_metrics_port),
                 **demo, **secrets},
            metrics_url=metrics.format(settings.actions_metrics_port),
        ),
        Service(
            name="Rasa server",
            command=[python, "-m", "bot.rasa_server", "run", "--model", str(model),
                     "--endpoints", str(endpoints_file(settings)),
                     "--credentials", str(settings.credentials_file),
                     "--interface", settings.rasa_host, "--port", str(settings.rasa_port),
                     "--enable-api"],
            # `/status` needs the API's token (bot/rasa_server.py adds `--auth-token`); `/version`
            # answers once the model is loaded, since Rasa loads it before it listens.
            health_url=f"{settings.rasa_url}/version",
            # BOLT_RASA_SPEEDUPS (bot/speedups/__init__.py) is read here too, so a bad value
            # stops `bolt run` before any server starts.
            env={"BOLT_ACTIONS_URL": settings.actions_url,
                 "BOLT_TRACKER_DB": str(tracker_db(settings)),
                 speedups.SETTING: "on" if speedups.enabled() else "off",
                 "BOLT_RASA_TOKEN": shared.rasa_token, "BOLT_METRICS_HOST": settings.metrics_host,
                 "BOLT_RASA_METRICS_PORT": str(settings.rasa_metrics_port)},
            folders=(settings.state_dir,),
            metrics_url=metrics.format(settings.rasa_metrics_port),
        ),
        Service(
            name="hub",
            command=[python, "-m", "handoff"],
            health_url=f"{settings.hub_url}/healthz",
            env={"BOLT_HOST": settings.host, "BOLT_HUB_PORT": str(settings.hub_port),
                 "BOLT_STATE_DIR": str(settings.state_dir), "BOLT_RASA_URL": settings.rasa_url,
                 **demo, **secrets},
            metrics_url=f"{settings.hub_url}/metrics",
        ),
    ]


# How often `bolt run` looks at its services once they are up.
SUPERVISION_SECONDS = 0.2

DEMO_NOTICE = ("Demo mode is ON: demo sign-ins and the demo agent demo/demo-agent exist; "
               "never expose this")


def tracker_db(settings: Settings) -> Path:
    """Rasa's tracker store (bot/endpoints.yml): conversations outlive a model swap."""
    return settings.state_dir / "rasa-trackers.db"


def start(service: Service, cwd: Path) -> None:
    for folder in service.folders:
        private_folder(folder)
    env = {**os.environ, **service.env}
    service.process = subprocess.Popen(service.command, cwd=cwd, env=env, start_new_session=True)


def wait_healthy(service: Service, timeout: float) -> None:
    wait_answering(service.name, service.process, service.health_url, timeout)


def wait_answering(name: str, process: Optional[subprocess.Popen], url: str, timeout: float,
                   pause: float = 0.5) -> None:
    """Until `url` answers 200; RuntimeError when `process` exits first or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{name} exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(pause)
    raise RuntimeError(f"{name} did not answer {url} in {timeout:.0f} s")


def stop(services: List[Service], grace: float = 10.0) -> None:
    for service in services:
        if service.process and service.process.poll() is None:
            os.killpg(service.process.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for service in services:
        if service.process is None:
            continue
        try:
            service.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(service.process.pid, signal.SIGKILL)
            service.process.wait()


def run_until_stopped(services: List[Service], cwd: Path, startup_timeout: float = 180.0) -> int:
    """Starts the services in order, then keeps them running (bolt/supervisor.py): one that
    exits is started again. Returns on Ctrl-C / SIGTERM, or when a service is given up on."""
    from bolt.supervisor import Supervisor  # it starts services with this module's `start`

    stopping = False

    def request_stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    previous = signal.signal(signal.SIGTERM, request_stop)
    try:
        for service in services:
            print(f"Starting the {service.name} ...", flush=True)
            start(service, cwd)
            wait_healthy(service, startup_timeout)
            print(f"  {service.name} is up: {service.health_url}", flush=True)
        print("Bolt is running. Press Ctrl-C to stop.", flush=True)
        supervisor = Supervisor(services, cwd)
        while not stopping:
            given_up = supervisor.check()
            if given_up:
                print(given_up, file=sys.stderr, flush=True)
                return 1
            time.sleep(SUPERVISION_SECONDS)
        return 0
    except KeyboardInterrupt:
        return 0
    except RuntimeError as error:
        print(f"Bolt could not start: {error}", file=sys.stderr)
        return 1
    finally:
        stop(services)
        signal.signal(signal.SIGTERM, previous)
