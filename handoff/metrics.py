"""The hub's counters and histograms, and the Prometheus text format they are read in."""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Mapping, Tuple

Labels = Tuple[Tuple[str, str], ...]

LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
WAIT_BUCKETS = (10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)


def labels(**values: str) -> Labels:
    return tuple(sorted(values.items()))


@dataclass
class Histogram:
    buckets: Tuple[float, ...]
    counts: List[int] = field(default_factory=list)
    total: float = 0.0
    observations: int = 0

    def __post_init__(self) -> None:
        self.counts = [0] * len(self.buckets)

    def observe(self, value: float) -> None:
        index = bisect_left(self.buckets, value)
        if index < len(self.counts):
            self.counts[index] += 1
        self.total += value
        self.observations += 1


@dataclass(frozen=True)
class Family:
    name: str
    kind: str  # counter, gauge, histogram
    help: str


FAMILIES = {
    family.name: family for family in (
        Family("bolt_hub_messages_relayed_total", "counter",
               "Messages stored and delivered, by who sent them"),
        Family("bolt_hub_bot_replies_total", "counter", "Replies received from Rasa"),
        Family("bolt_hub_bot_failures_total", "counter", "User messages Rasa did not answer"),
        Family("bolt_hub_bot_latency_seconds", "histogram", "Time Rasa took to answer a message"),
        Family("bolt_hub_queue_wait_seconds", "histogram",
               "Time from entering the queue to an agent taking the chat"),
        Family("bolt_hub_sla_breaches_total", "counter",
               "Queued chats that passed their first-response deadline"),
        Family("bolt_hub_queue_length", "gauge", "Chats waiting, by priority and language"),
        Family("bolt_hub_queue_oldest_wait_seconds", "gauge",
               "How long the longest-waiting chat has waited, by language"),
        Family("bolt_hub_conversations", "gauge", "Conversations by who holds them"),
        Family("bolt_hub_agents_available", "gauge", "Agents online with a socket, by language"),
    )
}


class Metrics:
    def __init__(self) -> None:
        self.counters: Dict[Tuple[str, Labels], float] = {}
        self.histograms: Dict[Tuple[str, Labels], Histogram] = {}

    def count(self, name: str, amount: float = 1.0, **label_values: str) -> None:
        key = (name, labels(**label_values))
        self.counters[key] = self.counters.get(key, 0.0) + amount

    def observe(self, name: str, value: float, **label_values: str) -> None:
        buckets = LATENCY_BUCKETS if name.endswith("latency_seconds") else WAIT_BUCKETS
        key = (name, labels(**label_values))
        self.histograms.setdefault(key, Histogram(buckets)).observe(value)

    def render(self, gauges: Mapping[Tuple[str, Labels], float]) -> str:
        """Everything, in the Prometheus text exposition format (version 0.0.4)."""
        lines: List[str] = []
        for family in FAMILIES.values():
            lines.append(f"# HELP {family.name} {family.help}")
            lines.append(f"# TYPE {family.name} {family.kind}")
            if family.kind == "histogram":
                lines.extend(self._histogram_lines(family.name))
            else:
                source = gauges if family.kind == "gauge" else self.counters
                for (name, label_set), value in sorted(source.items()):
                    if name == family.name:
                        lines.append(f"{name}{_format(label_set)} {_number(value)}")
        return "\n".join(lines) + "\n"

    def _histogram_lines(self, name: str) -> Iterable[str]:
        for (metric, label_set), histogram in sorted(self.histograms.items()):
            if metric != name:
                continue
            cumulative = 0
            for bound, count in zip(histogram.buckets, histogram.counts):
                cumulative += count
                yield f"{name}_bucket{_format(label_set + (('le', _number(bound)),))} {cumulative}"
            yield f"{name}_bucket{_format(label_set + (('le', '+Inf'),))} {histogram.observations}"
            yield f"{name}_sum{_format(label_set)} {_number(histogram.total)}"
            yield f"{name}_count{_format(label_set)} {histogram.observations}"


def _format(label_set: Labels) -> str:
    if not label_set:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in label_set) + "}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))
