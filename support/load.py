"""What a run under load measures and where it goes: percentiles, the machine's load and the CPU
stolen from it, a process's CPU and memory, the benchmarks' results file, and load generators in
processes of their own (so the measured server is not also the client)."""
from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

from support import REPOSITORY

RESULTS = REPOSITORY / "bench" / "results"


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


class StealMeter:
    """The share of the machine's CPU time the hypervisor gave to others (`steal` in
    /proc/stat), second by second from `start_at` for `seconds`: on a shared virtual machine it
    comes and goes, and the latencies measured meanwhile go up with it."""

    def __init__(self, start_at: float, seconds: float):
        self.shares: List[Optional[float]] = []
        self.thread = threading.Thread(target=self._measure, args=(start_at, seconds),
                                       daemon=True)
        self.thread.start()

    def _measure(self, start_at: float, seconds: float) -> None:
        time.sleep(max(0.0, start_at - time.time()))
        before = _cpu_ticks()
        for second in range(int(seconds)):
            time.sleep(max(0.0, start_at + second + 1 - time.time()))
            after = _cpu_ticks()
            total = sum(after) - sum(before) if after and before else 0
            self.shares.append(round((after[7] - before[7]) / total, 3) if total else None)
            before = after

    def result(self) -> List[Optional[float]]:
        self.thread.join(timeout=5)
        return self.shares


class CpuMeter:
    """The cores a process used from `start_at` for `seconds` (its user and system time)."""

    def __init__(self, pid: int, start_at: float, seconds: float):
        self.cores: Optional[float] = None
        self.thread = threading.Thread(target=self._measure, args=(pid, start_at, seconds),
                                       daemon=True)
        self.thread.start()

    def _measure(self, pid: int, start_at: float, seconds: float) -> None:
        time.sleep(max(0.0, start_at - time.time()))
        before = cpu_seconds(pid)
        time.sleep(max(0.0, start_at + seconds - time.time()))
        self.cores = round((cpu_seconds(pid) - before) / seconds, 3)

    def result(self) -> Optional[float]:
        self.thread.join(timeout=5)
        return self.cores


def _cpu_ticks() -> List[int]:
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = stat.readline().split()[1:]
    except OSError:  # not Linux: nothing to report
        return []
    return [int(value) for value in fields] + [0] * (8 - len(fields))


def by_second(sent_and_latency: Sequence[Sequence[float]], start_at: float,
              steal: Sequence[Optional[float]]) -> List[Dict[str, Any]]:
    """Latency percentiles of the messages sent in each second, beside that second's steal."""
    seconds: Dict[int, List[float]] = {}
    for sent_at, latency in sent_and_latency:
        seconds.setdefault(int(sent_at - start_at), []).append(latency)
    return [{"second": second, "p50_ms": round(percentile(values, 0.5) * 1000, 1),
             "p99_ms": round(percentile(values, 0.99) * 1000, 1),
             "cpu_steal": steal[second] if 0 <= second < len(steal) else None}
            for second, values in sorted(seconds.items())]


def running_command() -> str:
    """This run's command line, as `python -m bench.<name> <arguments>`."""
    spec = getattr(sys.modules["__main__"], "__spec__", None)
    program = ["-m", spec.name] if spec is not None else [sys.argv[0]]
    return " ".join(["python", *program, *sys.argv[1:]])


def write_results(name: str, results: Dict[str, Any]) -> Path:
    """bench/results/<name>.json: the results and the command that measured them."""
    command = running_command()
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{name}.json"
    out.write_text(json.dumps({"command": command, **results}, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
    return out


def _run_worker(target: Callable[..., Any], arguments: tuple, queue: Any) -> None:
    # A generator holding hundreds of sockets has the hub's collector pauses too
    # (handoff/gc_tuning.py); measured through it, they would count as the server's latency.
    from handoff.gc_tuning import settle_for_serving
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
