"""The metric names a PromQL expression refers to, and every name Bolt's three processes export
(read from their registries in this process), for the dashboard's and the alert rules' checks."""
from __future__ import annotations

import re
from typing import Set

KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool",
            "and", "or", "unless", "inf", "nan", "atan2"}
# Prometheus's own series, always there beside what a target exports.
PROMETHEUS_SERIES = {"up"}
STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
MATCHERS = re.compile(r"\{[^}]*\}")
RANGES = re.compile(r"\[[^\]]*\]")
LABEL_LISTS = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
IDENTIFIER = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*(?=\s*(\(?))")


def metric_names(expression: str) -> Set[str]:
    """The series names in `expression`: what is left once strings, label matchers, ranges,
    label lists, functions and keywords are taken out."""
    bare = STRINGS.sub('""', expression)
    bare = MATCHERS.sub(" ", bare)
    bare = RANGES.sub(" ", bare)
    bare = LABEL_LISTS.sub(" ", bare)
    names = set()
    for match in IDENTIFIER.finditer(bare):
        name, call = match.group(0), match.group(1)
        before = bare[match.start() - 1] if match.start() else " "
        if call or name in KEYWORDS or before.isdigit() or before == ".":
            continue  # a function, a keyword, or a number's tail (1e3, 6h)
        names.add(name)
    return names


def exported_by_bolt() -> Set[str]:
    """Every series name the hub, Rasa and the action server can export."""
    from actions import metrics as action_metrics
    from bolt.core.metrics import exported_names
    from bot import metrics as rasa_metrics
    from handoff.metrics import Metrics

    return (set(Metrics().names()) | set(exported_names(rasa_metrics.REGISTRY))
            | set(exported_names(action_metrics.REGISTRY)) | PROMETHEUS_SERIES)
