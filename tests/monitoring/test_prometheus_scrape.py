"""A real Prometheus (Debian's) scraping a running hub, with the hub's token, and an action
server's metrics address, over real sockets; read back through Prometheus's HTTP API. The same
server loads the alert rules, and answers every query of the dashboard."""
from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Callable

from actions import metrics as action_metrics
from bolt.core.metrics import serve_metrics
from support import REPOSITORY
from support.hub import hub_environment
from support.hub_process import HubProcess
from support.ports import free_port
from support.prometheus import Prometheus, running_prometheus
from support.tokens import METRICS_TOKEN, user_token

WAIT_SECONDS = 30.0
ALERTS = REPOSITORY / "deploy" / "prometheus" / "alerts.yml"
DASHBOARD = REPOSITORY / "deploy" / "grafana" / "bolt.json"


def until(prometheus: Prometheus, expression: str, wanted: Callable[[Any], bool]) -> Any:
    """The query's result once `wanted` says yes; fails with the last result otherwise."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        result = prometheus.query(expression)
        if wanted(result):
            return result
        assert time.monotonic() < deadline, f"{expression}: {result}"
        time.sleep(0.25)


def value(result: Any) -> float:
    return float(result[0]["value"][1]) if result else float("nan")


async def one_user_message(hub: HubProcess) -> None:
    user = await hub.user(token=user_token())
    await user.send(type="message", client_id="m1", text="Hallo")
    await user.expect("ack", client_id="m1")
    await user.close()


def test_prometheus_scrapes_a_running_hub_and_reads_it_back(tmp_path):
    # No Rasa behind this hub: it stays ready and says Rasa is down.
    env = hub_environment(tmp_path / "var", f"http://127.0.0.1:{free_port()}",
                          BOLT_HUB_METRICS_SECONDS="0.2")
    hub = HubProcess(env, tmp_path / "hub.log")
    actions_port = free_port()
    actions_server = serve_metrics(action_metrics.REGISTRY, "127.0.0.1", actions_port,
                                   "the test's action metrics")
    hub_target = {"targets": [f"127.0.0.1:{hub.port}"]}
    scrape = [
        {"job_name": "bolt-hub", "static_configs": [hub_target],
         "authorization": {"credentials": METRICS_TOKEN}},
        {"job_name": "bolt-hub-without-token", "static_configs": [hub_target]},
        {"job_name": "bolt-actions",
         "static_configs": [{"targets": [f"127.0.0.1:{actions_port}"]}]},
    ]
    try:
        asyncio.run(hub.start())
        with running_prometheus(tmp_path / "prometheus", scrape, [ALERTS]) as prometheus:
            asyncio.run(one_user_message(hub))
            relayed = until(prometheus, 'bolt_hub_messages_relayed_total{speaker="user"}',
                            lambda r: value(r) == 1)
            assert relayed[0]["metric"]["job"] == "bolt-hub"
            assert value(until(prometheus, 'bolt_hub_conversations{owner="bot"}',
                               lambda r: value(r) == 1)) == 1
            assert value(until(prometheus, "bolt_hub_rasa_up", lambda r: bool(r))) == 0
            up = {r["metric"]["job"]: value([r]) for r in until(
                prometheus, "up", lambda r: len(r) == 3)}
            # The hub's figures only for the holder of its token.
            assert up == {"bolt-hub": 1, "bolt-hub-without-token": 0, "bolt-actions": 1}

            rules = prometheus.api("rules")["groups"]
            assert {group["name"] for group in rules} == {
                "bolt-queue", "bolt-bot", "bolt-processes"}
            assert all(rule["health"] != "err" for group in rules for rule in group["rules"])

            dashboard = json.loads(DASHBOARD.read_text())
            for panel in dashboard["panels"]:
                for target in panel.get("targets", ()):
                    expression = (target["expr"].replace("$language", ".*")
                                  .replace("$__rate_interval", "1m").replace("$__range", "1h"))
                    prometheus.query(expression)  # fails on what Prometheus refuses
    finally:
        hub.terminate()
        actions_server.shutdown()
