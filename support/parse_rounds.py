"""A process that loads one model and parses the same messages, one round each time it is asked.

    python -m support.parse_rounds MODEL TEXTS_FILE

Reads a line from standard input for each round and answers with one line, `MARK` then JSON: the
p50 and p99 latency of one parse (ms), wall clock and CPU, and the messages parsed per second (Rasa's own logging may
write other lines to standard output). The code the model's components
come from is the first `bot` package on sys.path, so a model of another revision is measured with
that revision's code (bench/abstention_bench.py starts it with that tree first on PYTHONPATH).
"""
from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from typing import Any, Dict, List, Tuple

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
MARK = "parse-rounds: "


async def _timed(agent: Any, texts: List[str]) -> List[Tuple[float, float]]:
    took = []
    for text in texts:
        start, cpu = time.perf_counter(), time.thread_time()
        await agent.parse_message(text)
        took.append((time.perf_counter() - start, time.thread_time() - cpu))
    return took


def one_round(agent: Any, texts: List[str]) -> Dict[str, float]:
    """Wall-clock latency and throughput, and the CPU time of one parse (this thread's), which a
    machine busy with other work changes far less than the wall clock."""
    started = time.perf_counter()
    took = asyncio.run(_timed(agent, texts))
    elapsed = time.perf_counter() - started
    wall, cpu = sorted(w for w, _ in took), sorted(c for _, c in took)
    p99 = min(len(took) - 1, int(len(took) * 0.99))
    return {"p50_ms": 1000 * wall[len(wall) // 2], "p99_ms": 1000 * wall[p99],
            "cpu_p50_ms": 1000 * cpu[len(cpu) // 2], "cpu_p99_ms": 1000 * cpu[p99],
            "per_second": len(texts) / elapsed}


def main() -> None:
    from rasa.core.agent import Agent

    model, texts_file = sys.argv[1], sys.argv[2]
    texts = json.loads(open(texts_file, encoding="utf-8").read())
    agent = Agent.load(model)
    one_round(agent, texts[:50])  # warm up before the first measured round
    print(MARK + json.dumps({"ready": True}), flush=True)
    for _ in sys.stdin:
        print(MARK + json.dumps(one_round(agent, texts)), flush=True)


def read_answer(stream: Any) -> Dict[str, Any]:
    """The next answer of a parse_rounds process, skipping whatever else it printed."""
    for line in stream:
        if line.startswith(MARK):
            return json.loads(line[len(MARK):])
    raise EOFError("the parse rounds process ended")


if __name__ == "__main__":
    main()
