"""The action server's metrics (actions/metrics.py): account checks by result, directory errors,
the hub's answer time, and calls by action through rasa-sdk's own executor; labelled with no
conversation, account or user."""
from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.executor import ActionExecutor

from actions import metrics
from actions.accounts.check import check_account
from actions.accounts.directory import SqlAccountDirectory
from actions.accounts.policy import load_policy
from actions.hub_client import HubClient, HubUnavailable
from actions.server import count_calls
from bolt.core.identity import Identity
from support.ports import free_port
from support.tokens import SERVICE_TOKEN
from tests.actions.test_hub_client import request


def value(name: str, **labels: str) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


def checks(result: str) -> float:
    return value("bolt_actions_account_checks_total", result=result)


def test_account_checks_are_counted_by_result(tmp_path):
    directory = SqlAccountDirectory.from_url(f"sqlite:///{tmp_path / 'accounts.sqlite3'}")
    directory.create_schema()
    down = SqlAccountDirectory.from_url(f"sqlite:///{tmp_path / 'missing' / 'no.sqlite3'}")
    policy = load_policy()
    stranger = Identity(user_id="u-404", account_id="acme", name=None, expires_at=0)
    before = {result: checks(result) for result in ("anonymous", "unknown_user", "unavailable")}
    errors = value("bolt_actions_directory_errors_total")
    check_account(None, directory, policy)
    check_account(stranger, directory, policy)
    check_account(stranger, directory, policy)
    check_account(stranger, down, policy)
    assert checks("anonymous") == before["anonymous"] + 1
    assert checks("unknown_user") == before["unknown_user"] + 2
    assert checks("unavailable") == before["unavailable"] + 1
    assert value("bolt_actions_directory_errors_total") == errors + 1
    directory.dispose()
    down.dispose()


def test_the_hubs_answer_time_is_observed_by_path_and_outcome(hub):
    answered = value("bolt_actions_hub_request_seconds_count", path="/api/handoffs",
                     outcome="answered")
    unreachable = value("bolt_actions_hub_request_seconds_count", path="/api/handoffs",
                        outcome="unreachable")
    asyncio.run(HubClient(hub.url, SERVICE_TOKEN, 2.0).request_handoff(request()))
    with pytest.raises(HubUnavailable):
        asyncio.run(HubClient(f"http://127.0.0.1:{free_port()}", SERVICE_TOKEN, 2.0)
                    .request_handoff(request()))
    assert value("bolt_actions_hub_request_seconds_count", path="/api/handoffs",
                 outcome="answered") == answered + 1
    assert value("bolt_actions_hub_request_seconds_count", path="/api/handoffs",
                 outcome="unreachable") == unreachable + 1


def test_calls_are_counted_by_registered_action_and_outcome():
    count_calls()
    count_calls()  # once only, however often it is asked
    executor = ActionExecutor()
    executor.register_package("actions")
    assert "action_session_start" in executor.actions
    tracker = {"sender_id": "c-metrics", "slots": {}, "latest_message": {}, "events": [],
               "paused": False, "followup_action": None, "active_loop": {},
               "latest_action_name": None}
    ok = value("bolt_actions_calls_total", action="action_session_start", outcome="ok")
    unknown = value("bolt_actions_calls_total", action="unknown", outcome="error")
    asyncio.run(executor.run({"next_action": "action_session_start", "tracker": tracker,
                              "domain": {}}))
    with pytest.raises(Exception):
        asyncio.run(executor.run({"next_action": "action_made_up_c-metrics",
                                  "tracker": tracker, "domain": {}}))
    assert value("bolt_actions_calls_total", action="action_session_start",
                 outcome="ok") == ok + 1
    assert value("bolt_actions_calls_total", action="unknown", outcome="error") == unknown + 1
    exported = metrics.REGISTRY.collect()
    assert not any("c-metrics" in str(sample.labels) for family in exported
                   for sample in family.samples)
