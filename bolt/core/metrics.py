"""What every process's metrics share: the names a registry exports, and the loopback HTTP
server that Rasa and the action server export theirs on (the hub serves its own /metrics)."""
from __future__ import annotations

from typing import Any, Iterable

from prometheus_client import CollectorRegistry, start_http_server

SUFFIXES = {"counter": ("_total", "_created"),
            "histogram": ("_bucket", "_sum", "_count", "_created"),
            "summary": ("_sum", "_count", "_created"),
            "info": ("_info",)}


def exported_names(registry: CollectorRegistry) -> Iterable[str]:
    """The names of the series a registry's metrics export, whether or not any labelled child
    exists yet (what a dashboard or an alert rule may refer to)."""
    for family in registry.collect():
        for suffix in SUFFIXES.get(family.type, ("",)):
            yield family.name + suffix


def serve_metrics(registry: CollectorRegistry, host: str, port: int, what: str) -> Any:
    """Serves `registry` at http://host:port/metrics from a thread of this process, and returns
    the server (its `shutdown()` stops it); a port that cannot be bound stops the process with a
    clear message."""
    try:
        server, _thread = start_http_server(port, addr=host, registry=registry)
        return server
    except OSError as error:
        raise SystemExit(f"{what} cannot serve its metrics on {host}:{port}: {error.strerror}") \
            from None
