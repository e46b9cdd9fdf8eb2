"""deploy/prometheus/alerts.yml: valid for Prometheus, each rule tested by promtool with a case
where it fires and one where it stays quiet, and each with a summary and a runbook line."""
from __future__ import annotations

import subprocess
from typing import Dict, Set

import yaml

from support import REPOSITORY
from support.prometheus import program

RULES = REPOSITORY / "deploy" / "prometheus"


def run(*args: str) -> str:
    done = subprocess.run([str(program("promtool")), *args], cwd=RULES, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def rules() -> Dict[str, dict]:
    groups = yaml.safe_load((RULES / "alerts.yml").read_text())["groups"]
    return {rule["alert"]: rule for group in groups for rule in group["rules"]}


def test_the_rules_are_valid_and_their_promtool_tests_pass():
    assert "SUCCESS" in run("check", "rules", "alerts.yml")
    assert "SUCCESS" in run("test", "rules", "alerts_test.yml")


def test_every_rule_has_a_firing_and_a_quiet_case():
    cases = yaml.safe_load((RULES / "alerts_test.yml").read_text())["tests"]
    firing: Set[str] = set()
    quiet: Set[str] = set()
    for case in cases:
        for check in case["alert_rule_test"]:
            (firing if check.get("exp_alerts") else quiet).add(check["alertname"])
    names = set(rules())
    assert names - firing == set(), "rules never seen firing"
    assert names - quiet == set(), "rules never seen quiet"
    assert (firing | quiet) - names == set(), "tests of rules that do not exist"


def test_every_rule_says_what_it_is_and_what_to_do():
    for name, rule in rules().items():
        annotations = rule.get("annotations", {})
        assert annotations.get("summary") and annotations.get("runbook"), name
        assert rule.get("labels", {}).get("severity") in ("page", "ticket"), name


def test_the_example_scrape_configuration_is_valid_and_names_the_rules_jobs(tmp_path):
    config = yaml.safe_load((RULES / "prometheus.yml").read_text())
    token = tmp_path / "token"
    token.write_text("a-metrics-token")
    config["scrape_configs"][0]["authorization"]["credentials_file"] = str(token)
    config["rule_files"] = [str(RULES / "alerts.yml")]
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config))
    assert "SUCCESS" in run("check", "config", str(tmp_path / "prometheus.yml"))
    jobs = {job["job_name"] for job in config["scrape_configs"]}
    assert jobs == {"bolt-hub", "bolt-rasa", "bolt-actions"}
    expression = rules()["BoltProcessDown"]["expr"]
    assert all(job in expression for job in jobs)
