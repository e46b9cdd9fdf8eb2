"""Bolt's NLU benchmark: held-out accuracy, full training time, parse latency, server memory.

    make bench            # or: .venv/bin/python -m bench.nlu_bench [--skip-training]

Full training runs from scratch (empty Rasa cache, new model directory), so it measures what a
fresh clone pays. Latency is measured on a running `rasa run --enable-api` over HTTP
(/model/parse), sequentially, on the held-out questions of all six languages.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from bolt.core.settings import Settings  # noqa: E402
from bolt.processes import Service, start, stop, wait_healthy  # noqa: E402
from bolt.training import ensure_model  # noqa: E402
from support import REPOSITORY  # noqa: E402
from support.content import LANGUAGES, holdout_pairs, plain_text  # noqa: E402
from support.load import write_results  # noqa: E402
from support.ports import free_port  # noqa: E402


def full_training(settings: Settings) -> dict:
    """Wall-clock and CPU seconds of a training from scratch (CPU time is what load cannot
    inflate: on a busy machine the wall clock grows, the CPU seconds do not)."""
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "RASA_CACHE_DIRECTORY": str(Path(scratch) / "cache")}
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        load = os.getloadavg()[0]
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "rasa", "train", "--config", str(settings.config_file),
             "--domain", str(settings.domain_file), "--data", str(settings.data_dir),
             "--out", str(Path(scratch) / "models")],
            cwd=settings.home, env=env, check=True, stdout=subprocess.DEVNULL,
        )
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        return {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
                "load_average_at_start": round(load, 2)}


def accuracy(model: Path) -> dict:
    from rasa.core.agent import Agent
    from support.nlu_eval import evaluate

    result, _ = evaluate(Agent.load(str(model)))
    return {lang: round(acc, 4) for lang, acc in result.accuracy_by_language().items()}


def resident_mib(pid: int) -> float:
    total = 0
    for child in [pid] + _descendants(pid):
        try:
            for line in Path(f"/proc/{child}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


def _descendants(pid: int) -> list:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except FileNotFoundError:
        return []
    found = [int(c) for c in children]
    for child in list(found):
        found += _descendants(child)
    return found


def parse_latency(model: Path, settings: Settings) -> dict:
    port = free_port()
    server = Service(
        name="Rasa server",
        command=[sys.executable, "-m", "rasa", "run", "--model", str(model), "--enable-api",
                 "--interface", "127.0.0.1", "--port", str(port)],
        health_url=f"http://127.0.0.1:{port}/status",
    )
    texts = [plain_text(t) for lang in LANGUAGES for t, _ in holdout_pairs(lang)]
    try:
        start(server, settings.home)
        wait_healthy(server, timeout=300)
        timings = []
        for round_ in range(2):  # the first round warms up
            for text in texts:
                body = json.dumps({"text": text}).encode()
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}/model/parse", data=body,
                    headers={"Content-Type": "application/json"})
                began = time.perf_counter()
                with urllib.request.urlopen(request, timeout=30) as response:
                    response.read()
                if round_:
                    timings.append((time.perf_counter() - began) * 1000)
        timings.sort()
        return {
            "requests": len(timings),
            "p50_ms": round(statistics.median(timings), 2),
            "p99_ms": round(timings[int(len(timings) * 0.99) - 1], 2),
            "rss_mib": round(resident_mib(server.process.pid), 1),
        }
    finally:
        stop([server])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-training", action="store_true",
                        help="do not measure a from-scratch training")
    args = parser.parse_args()
    settings = Settings.from_env({"BOLT_HOME": str(REPOSITORY)})
    model = ensure_model(settings, quiet=True)
    report = {"model": model.name, "cores": os.cpu_count()}
    if not args.skip_training:
        report["full_training"] = full_training(settings)
    report["holdout_accuracy"] = accuracy(model)
    report["parse"] = parse_latency(model, settings)
    write_results("nlu", report)


if __name__ == "__main__":
    main()
