"""What every benchmark under bench/ shares: percentiles, the machine's load, the results file,
and load generators in processes of their own (so the measured server is not also the client)."""
from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Sequence

REPOSITORY = Path(__file__).resolve().parent.parent
RESULTS = REPOSITORY / "bench" / "results"
if str(REPOSITORY) not in sys.path:
    sys.path.insert(0, str(REPOSITORY))


def percentile(values: Sequence[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def latency_summary(seconds: Sequence[float]) -> Dict[str, float]:
    return {"count": len(seconds), "p50_ms": round(percentile(seconds, 0.5) * 1000, 1),
            "p99_ms": round(percentile(seconds, 0.99) * 1000, 1),
            "max_ms": round(max(seconds) * 1000, 1) if seconds else float("nan")}


def machine() -> Dict[str, Any]:
    """The load average when the run started: the machine is shared, the numbers depend on it."""
    return {"load_average_at_start": [round(x, 2) for x in os.getloadavg()],
            "cpus": os.cpu_count(), "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}


def write_results(name: str, command: str, results: Dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{name}.json"
    out.write_text(json.dumps({"command": command, **results}, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
    return out


def _run_worker(target: Callable[..., Any], arguments: tuple, queue: Any) -> None:
    # A generator holding hundreds of sockets has the hub's collector pauses too
    # (handoff/collector.py); measured through it, they would count as the server's latency.
    from handoff.collector import settle_for_serving
    settle_for_serving()
    try:
        queue.put(("ok", asyncio.run(target(*arguments))))
    except BaseException as error:  # reported to the parent, which fails the run
        queue.put(("error", repr(error)))


def in_processes(target: Callable[..., Any], argument_lists: List[tuple],
                 timeout: float) -> List[Any]:
    """Runs `asyncio.run(target(*arguments))` in one process per argument list; their results."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    workers = [context.Process(target=_run_worker, args=(target, arguments, queue))
               for arguments in argument_lists]
    for worker in workers:
        worker.start()
    results = []
    deadline = time.monotonic() + timeout
    try:
        for _ in workers:
            status, value = queue.get(timeout=max(1.0, deadline - time.monotonic()))
            if status != "ok":
                raise RuntimeError(f"a load generator failed: {value}")
            results.append(value)
    finally:
        for worker in workers:
            worker.join(timeout=5)
            if worker.is_alive():
                worker.kill()
    return results


def resident_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time the process has used so far."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
