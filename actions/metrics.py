"""The action server's metrics, exported by actions/server.py at
http://BOLT_METRICS_HOST:BOLT_ACTIONS_METRICS_PORT/metrics: calls by action, account checks by
result, account-directory errors, and how long the hub takes to answer.

Labels take bounded values only: a registered action's name (else `unknown`), a result, a hub
path; never a conversation, an account or a user.
"""
from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

HUB_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
UNKNOWN_ACTION = "unknown"

REGISTRY = CollectorRegistry()
CALLS = Counter("bolt_actions_calls_total", "Action calls from Rasa, by action and outcome",
                ["action", "outcome"], registry=REGISTRY)
ACCOUNT_CHECKS = Counter("bolt_actions_account_checks_total",
                         "Account checks by result: member, anonymous, unknown_user (signed in "
                         "but not in the directory) or unavailable (the directory failed)",
                         ["result"], registry=REGISTRY)
DIRECTORY_ERRORS = Counter("bolt_actions_directory_errors_total",
                           "Account-directory look-ups that failed", registry=REGISTRY)
HUB_SECONDS = Histogram("bolt_actions_hub_request_seconds",
                        "Time the hub took to answer a hand-off or ticket request, by path and "
                        "outcome (answered, or unreachable)", ["path", "outcome"],
                        buckets=HUB_BUCKETS, registry=REGISTRY)
