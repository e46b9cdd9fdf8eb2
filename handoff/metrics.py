"""The hub's metrics, in a Prometheus registry of each app's own (tests run several hubs in one
process, and each exports only its own).

Counters and histograms are counted where things happen (`count`, `observe`, or one of the
children bound here for what happens per frame or per commit). The gauges read from the database
and the agents' presence are set by the hub's background refresh (handoff/services/gauges.py):
a scrape renders what is held, never queries the database. Labels take bounded values only:
languages, priorities, owners, speakers, socket kinds, error codes; never a conversation or a
user.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, Mapping, Set, Tuple

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.metrics import MetricWrapperBase

from bolt.core.languages import SUPPORTED_LANGUAGES
from bolt.core.metrics import exported_names

LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
WAIT_BUCKETS = (10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)
COMMIT_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
BROKER_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0)
PRIORITIES = ("P1", "P2", "P3", "P4")
OWNERS = ("bot", "queue", "agent")
SOCKETS = ("chat", "agent")
# Gauge values keyed by metric name and its label values, in the metric's label order.
Figures = Mapping[Tuple[str, Tuple[str, ...]], float]


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        registry = self.registry
        self.relayed = Counter("bolt_hub_messages_relayed_total",
                               "Messages stored and delivered, by who sent them", ["speaker"],
                               registry=registry)
        self.bot_replies = Counter("bolt_hub_bot_replies_total", "Replies received from Rasa",
                                   registry=registry)
        self.bot_failures = Counter("bolt_hub_bot_failures_total",
                                    "User messages Rasa did not answer", registry=registry)
        self.bot_latency = Histogram("bolt_hub_bot_latency_seconds",
                                     "Time Rasa took to answer a message",
                                     buckets=LATENCY_BUCKETS, registry=registry)
        self.queue_wait = Histogram("bolt_hub_queue_wait_seconds",
                                    "Time from entering the queue to an agent taking the chat",
                                    ["language"], buckets=WAIT_BUCKETS, registry=registry)
        self.sla_breaches = Counter("bolt_hub_sla_breaches_total",
                                    "Queued chats that passed their first-response deadline",
                                    ["language", "priority"], registry=registry)
        self.queue_length = Gauge("bolt_hub_queue_length",
                                  "Chats waiting, by priority and language",
                                  ["language", "priority"], registry=registry)
        self.oldest_wait = Gauge("bolt_hub_queue_oldest_wait_seconds",
                                 "How long the longest-waiting chat has waited, by language",
                                 ["language"], registry=registry)
        self.conversations = Gauge("bolt_hub_conversations", "Conversations by who holds them",
                                   ["owner"], registry=registry)
        self.agents_available = Gauge("bolt_hub_agents_available",
                                      "Agents online with a socket, by language", ["language"],
                                      registry=registry)
        self.connections = Gauge("bolt_hub_connections", "Open sockets, by kind", ["socket"],
                                 registry=registry)
        self.frames_refused = Counter("bolt_hub_frames_refused_total",
                                      "Client frames answered with an error frame, by its code",
                                      ["code"], registry=registry)
        self.files = Counter("bolt_hub_files_total",
                             "Files (images, PDFs) stored, by who sent them and their type",
                             ["speaker", "type"], registry=registry)
        self.mails = Counter("bolt_hub_mails_total",
                             "Attempts to mail a user about their ticket, by kind and outcome "
                             "(sent, or failed and to be tried again)", ["kind", "outcome"],
                             registry=registry)
        self.store_commit = Histogram("bolt_hub_store_commit_seconds",
                                      "Time one group commit of the database writer took",
                                      buckets=COMMIT_BUCKETS, registry=registry)
        self.broker_lag = Histogram("bolt_hub_broker_lag_seconds",
                                    "Time from another hub publishing a frame to this hub "
                                    "receiving it (several hubs only)",
                                    buckets=BROKER_BUCKETS, registry=registry)
        self.broker_backlog = Gauge("bolt_hub_broker_outgoing_frames",
                                    "Frames published here and not yet sent to Redis",
                                    registry=registry)
        self.rasa_up = Gauge("bolt_hub_rasa_up",
                             "Whether Rasa answered the hub's last look (1) or not (0)",
                             registry=registry)
        self.refreshed = Gauge("bolt_hub_gauges_refreshed_timestamp_seconds",
                                 "When the gauges read from the database were last refreshed",
                                 registry=registry)
        self.csat_ratings = Counter("bolt_hub_csat_ratings_total",
                                    "Users' ratings of an agent's chat (CSAT), by score",
                                    ["language", "score"], registry=registry)
        self.handoffs = Counter("bolt_hub_handoffs_total",
                                "Hand-offs to a person (a conversation may have several)",
                                ["language", "priority"], registry=registry)
        self.resolved = Counter("bolt_hub_chats_resolved_total",
                                "Agent chats closed, by who closed them (agent or timeout)",
                                ["language", "by"], registry=registry)
        self.answer_feedback = Counter("bolt_hub_answer_feedback_total",
                                       "Users' helpful / not helpful on Bolt's answers",
                                       ["language", "rating"], registry=registry)
        self._by_name: Dict[str, MetricWrapperBase] = {
            "bolt_hub_csat_ratings_total": self.csat_ratings,
            "bolt_hub_handoffs_total": self.handoffs,
            "bolt_hub_chats_resolved_total": self.resolved,
            "bolt_hub_answer_feedback_total": self.answer_feedback,
            "bolt_hub_messages_relayed_total": self.relayed,
            "bolt_hub_files_total": self.files,
            "bolt_hub_bot_replies_total": self.bot_replies,
            "bolt_hub_bot_failures_total": self.bot_failures,
            "bolt_hub_bot_latency_seconds": self.bot_latency,
            "bolt_hub_queue_wait_seconds": self.queue_wait,
            "bolt_hub_sla_breaches_total": self.sla_breaches,
            "bolt_hub_mails_total": self.mails,
        }
        # Every deadline series from the start: a rule's increase() sees the first breach.
        for language in SUPPORTED_LANGUAGES:
            for priority in PRIORITIES:
                self.sla_breaches.labels(language, priority)
        # Bound once: what happens per frame or per socket only increments.
        self.sockets = {kind: self.connections.labels(kind) for kind in SOCKETS}
        self._refused: Dict[str, Callable[[], None]] = {}
        self._children: Dict[Tuple[Any, ...], Any] = {}
        self.rasa_up.set(0)
        self._figures: Dict[str, Gauge] = {
            "bolt_hub_queue_length": self.queue_length,
            "bolt_hub_queue_oldest_wait_seconds": self.oldest_wait,
            "bolt_hub_conversations": self.conversations,
            "bolt_hub_agents_available": self.agents_available,
        }
        self._known: Dict[str, Set[Tuple[str, ...]]] = {name: set() for name in self._figures}
        self.set_figures(zero_figures())

    def count(self, name: str, amount: float = 1.0, **label_values: str) -> None:
        self._child(name, label_values).inc(amount)

    def observe(self, name: str, value: float, **label_values: str) -> None:
        self._child(name, label_values).observe(value)

    def _child(self, name: str, label_values: Dict[str, str]) -> Any:
        # Kept once made: prometheus_client's labels() checks and sorts the names each time.
        key = (name, *label_values.items())
        child = self._children.get(key)
        if child is None:
            metric = self._by_name[name]
            child = self._children[key] = (metric.labels(**label_values) if label_values
                                           else metric)
        return child

    def event_stored(self, kind: str, data: Mapping[str, Any], language: str) -> None:
        """Counts what the reports count as it is stored: hand-offs, chats closed, answers rated,
        chats rated (CSAT). Only bounded label values: a score, a priority, a rating."""
        if kind == "queued" and data.get("priority") in PRIORITIES:
            self.count("bolt_hub_handoffs_total", language=language, priority=data["priority"])
        elif kind == "resolved":
            by = "timeout" if data.get("by") == "timeout" else "agent"
            self.count("bolt_hub_chats_resolved_total", language=language, by=by)
        elif kind == "feedback":
            helpful = data.get("helpful", data.get("rating") == "helpful")
            self.count("bolt_hub_answer_feedback_total", language=language,
                       rating="helpful" if helpful is True else "not_helpful")
        elif kind == "csat" and data.get("score") in (1, 2, 3, 4, 5):
            self.count("bolt_hub_csat_ratings_total", language=language,
                       score=str(data["score"]))

    def refused(self, code: str) -> None:
        """One frame answered with the error `code` (a constant of the hub's, never the
        client's words)."""
        increment = self._refused.get(code)
        if increment is None:
            increment = self._refused[code] = self.frames_refused.labels(code).inc
        increment()

    def set_figures(self, figures: Figures) -> None:
        """The gauges read from the database: a series seen before and absent now reads 0."""
        fresh: Dict[str, Dict[Tuple[str, ...], float]] = {name: {} for name in self._figures}
        for (name, label_values), value in figures.items():
            fresh[name][label_values] = value
        for name, values in fresh.items():
            gauge, known = self._figures[name], self._known[name]
            for label_values in known - values.keys():
                gauge.labels(*label_values).set(0)
            for label_values, value in values.items():
                gauge.labels(*label_values).set(value)
            known.update(values)

    def exposition(self) -> bytes:
        """Everything, in the Prometheus text exposition format (version 0.0.4)."""
        return generate_latest(self.registry)

    def names(self) -> Iterable[str]:
        """Every series name this registry can export (what dashboards and alerts may use)."""
        return exported_names(self.registry)


def zero_figures() -> Dict[Tuple[str, Tuple[str, ...]], float]:
    """Every gauge series an idle hub has: nothing waiting and no agent, in every language."""
    figures: Dict[Tuple[str, Tuple[str, ...]], float] = {}
    for owner in OWNERS:
        figures[("bolt_hub_conversations", (owner,))] = 0
    for language in SUPPORTED_LANGUAGES:
        figures[("bolt_hub_queue_oldest_wait_seconds", (language,))] = 0
        figures[("bolt_hub_agents_available", (language,))] = 0
        for priority in PRIORITIES:
            figures[("bolt_hub_queue_length", (language, priority))] = 0
    return figures
