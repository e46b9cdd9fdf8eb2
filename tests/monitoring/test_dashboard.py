"""deploy/grafana/bolt.json: a Grafana dashboard that parses, has a language variable its
per-language panels use, and refers only to metrics that Bolt's processes export."""
from __future__ import annotations

import json
from typing import Any, Iterator, List

import yaml

from support import REPOSITORY
from support.promql import exported_by_bolt, metric_names

DASHBOARD = REPOSITORY / "deploy" / "grafana" / "bolt.json"
ALERTS = REPOSITORY / "deploy" / "prometheus" / "alerts.yml"


def expressions(dashboard: dict) -> Iterator[str]:
    """Every PromQL expression of the dashboard: its panels', variables' and annotations'."""
    for panel in dashboard["panels"]:
        for target in panel.get("targets", ()):
            yield target["expr"]
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            query = variable["query"]
            query = query["query"] if isinstance(query, dict) else query
            yield query.replace("label_values(", "(").rsplit(",", 1)[0] + ")"
    for annotation in dashboard["annotations"]["list"]:
        yield annotation["expr"]


def test_the_dashboard_parses_and_refers_only_to_metrics_that_exist():
    dashboard = json.loads(DASHBOARD.read_text())
    known = exported_by_bolt()
    found: List[Any] = list(expressions(dashboard))
    assert len(found) > 20
    used = set()
    for expression in found:
        names = metric_names(expression)
        assert names, f"no metric in {expression!r}"
        assert names <= known, f"{expression!r} refers to {sorted(names - known)}"
        used |= names
    # What an on-call person looks at first is on it.
    for name in ("bolt_hub_queue_length", "bolt_hub_agents_available",
                 "bolt_hub_sla_breaches_total", "bolt_rasa_nlu_decisions_total",
                 "bolt_rasa_model_info", "bolt_actions_calls_total", "up"):
        assert name in used, name


def test_the_dashboard_is_per_language():
    dashboard = json.loads(DASHBOARD.read_text())
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["language"]["includeAll"] and variables["language"]["multi"]
    per_language = [e for e in expressions(dashboard) if 'language=~"$language"' in e]
    assert len(per_language) >= 8
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))


def test_the_alert_rules_refer_only_to_metrics_that_exist():
    known = exported_by_bolt()
    for group in yaml.safe_load(ALERTS.read_text())["groups"]:
        for rule in group["rules"]:
            names = metric_names(rule["expr"])
            assert names and names <= known, (rule["alert"], sorted(names - known))


def test_the_names_of_an_expression_are_read_as_prometheus_reads_them():
    assert metric_names('sum by (language) (rate(a_total{x="b(c)"}[5m] offset 1d)) / '
                        'on (language) group_left max(b_seconds_bucket) > 1e3 and c') == {
        "a_total", "b_seconds_bucket", "c"}
    assert metric_names("time() - max(d) < 6 * 3600") == {"d"}
