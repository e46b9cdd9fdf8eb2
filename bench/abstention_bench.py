"""Bolt's abstention benchmark: what it answers and abstains on, and what the decision costs.

    .venv/bin/python -m bench.abstention_bench [--compare OTHER_MODEL] [--rounds 7]

1. The held-out decisions (support/abstention_eval.py) of the current model: per language, the
   in-scope questions answered right (an abstention counts as a miss) and the out-of-scope
   messages answered, per kind, with the targets they are measured against.
2. With --compare, the parse path against another model (for example one trained from an earlier
   revision): both loaded in this process, the held-out questions of all six languages parsed by
   one model then the other, round after round (interleaved, so that a busier moment of the
   machine falls on both), and compared by the median of the rounds: latency per message
   (p50 and p99 within a round) and messages per second.
Results: bench/results/abstention.json.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from pathlib import Path
from typing import Any, Dict, List

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from bolt.core.settings import Settings  # noqa: E402
from bolt.training import ensure_model  # noqa: E402
from support import REPOSITORY  # noqa: E402
from support.abstention_eval import decide_held_out  # noqa: E402
from support.content import LANGUAGES, holdout_pairs, plain_text  # noqa: E402
from support.load import write_results  # noqa: E402

TARGETS = {"in_scope_top1": 0.97, "answered": 0.02}


def load_agent(model: Path) -> Any:
    from rasa.core.agent import Agent

    return Agent.load(str(model))


async def _timed_parses(agent: Any, texts: List[str]) -> List[float]:
    took = []
    for text in texts:
        start = time.perf_counter()
        await agent.parse_message(text)
        took.append(time.perf_counter() - start)
    return took


def one_round(agent: Any, texts: List[str]) -> Dict[str, float]:
    started = time.perf_counter()
    took = sorted(asyncio.run(_timed_parses(agent, texts)))
    elapsed = time.perf_counter() - started
    return {"p50_ms": 1000 * took[len(took) // 2],
            "p99_ms": 1000 * took[min(len(took) - 1, int(len(took) * 0.99))],
            "per_second": len(texts) / elapsed}


def compare(current: Any, other: Any, texts: List[str], rounds: int) -> Dict[str, Any]:
    runs: Dict[str, List[Dict[str, float]]] = {"current": [], "other": []}
    one_round(current, texts[:50])  # warm both before measuring
    one_round(other, texts[:50])
    for _ in range(rounds):
        runs["current"].append(one_round(current, texts))
        runs["other"].append(one_round(other, texts))
    medians = {name: {key: round(statistics.median(r[key] for r in results), 3)
                      for key in ("p50_ms", "p99_ms", "per_second")}
               for name, results in runs.items()}
    change = {key: round(medians["current"][key] / medians["other"][key] - 1.0, 4)
              for key in ("p50_ms", "p99_ms", "per_second")}
    return {"rounds": rounds, "messages_per_round": len(texts), "median": medians,
            "current_vs_other": change}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", type=Path, help="another model to compare the parse path with")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    model = ensure_model(Settings.from_env({**os.environ, "BOLT_HOME": str(REPOSITORY)}))
    agent = load_agent(model)
    decisions = decide_held_out(agent)
    figures = {language: {"in_scope_top1": round(decisions.in_scope_top1()[language], 4),
                          "answered": {kind: round(share, 4) for (lang, kind), share
                                       in decisions.answered().items() if lang == language}}
               for language in LANGUAGES}
    results: Dict[str, Any] = {"model": model.name, "targets": TARGETS, "held_out": figures}
    if args.compare:
        texts = [plain_text(text) for language in LANGUAGES
                 for text, _ in holdout_pairs(language)]
        results["parse"] = compare(agent, load_agent(args.compare), texts, args.rounds)
        results["parse"]["other_model"] = args.compare.name
    write_results("abstention", results)


if __name__ == "__main__":
    main()
