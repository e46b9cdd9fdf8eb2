"""Debian's Prometheus for the monitoring tests: where its programs are (BOLT_PROMETHEUS_BIN,
installed by scripts/install-prometheus), and a real server on a free port of 127.0.0.1 with
its own configuration and data folder, stopped afterwards."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator

import yaml

from bolt.processes import wait_answering
from support.ports import free_port

STARTUP_SECONDS = 30.0
STOP_SECONDS = 10.0


def program(name: str) -> Path:
    """`prometheus` or `promtool`; a clear failure when it is not installed."""
    path = Path(os.environ.get("BOLT_PROMETHEUS_BIN") or "/usr/bin") / name
    if not os.access(path, os.X_OK):
        raise AssertionError(f"{path} is missing: run scripts/install-prometheus "
                             "(make test does)")
    return path


class Prometheus:
    def __init__(self, url: str) -> None:
        self.url = url

    def api(self, path: str, **query: str) -> Dict[str, Any]:
        """The `data` of an HTTP API answer; fails with Prometheus's error when it refuses."""
        address = f"{self.url}/api/v1/{path}?{urllib.parse.urlencode(query)}"
        try:
            with urllib.request.urlopen(address, timeout=10) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as error:
            answer = json.loads(error.read())
        assert answer.get("status") == "success", (path, query, answer)
        return answer["data"]

    def query(self, expression: str) -> Any:
        return self.api("query", query=expression)["result"]


@contextmanager
def running_prometheus(folder: Path, scrape_configs: Any, rule_files: Any = (),
                       interval: str = "1s") -> Iterator[Prometheus]:
    """A Prometheus server on a free loopback port, scraping `scrape_configs` every `interval`
    (its configuration and data in `folder`); stopped, with its children, on the way out."""
    folder.mkdir(parents=True, exist_ok=True)
    config = {"global": {"scrape_interval": interval, "evaluation_interval": interval},
              "scrape_configs": list(scrape_configs), "rule_files": [str(f) for f in rule_files]}
    (folder / "prometheus.yml").write_text(yaml.safe_dump(config))
    port = free_port()
    log = open(folder / "prometheus.log", "wb")
    process = subprocess.Popen(
        [str(program("prometheus")), f"--config.file={folder / 'prometheus.yml'}",
         f"--storage.tsdb.path={folder / 'data'}", f"--web.listen-address=127.0.0.1:{port}"],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        prometheus = Prometheus(f"http://127.0.0.1:{port}")
        _wait_ready(prometheus, process, folder / "prometheus.log")
        yield prometheus
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def _wait_ready(prometheus: Prometheus, process: subprocess.Popen, log: Path) -> None:
    try:
        wait_answering("prometheus", process, prometheus.url + "/-/ready", STARTUP_SECONDS,
                       pause=0.1)
    except RuntimeError as error:
        raise AssertionError(f"{error}: {log.read_text()[-2000:]}") from None
