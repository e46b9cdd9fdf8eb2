"""Bolt's abstention benchmark: what it answers and abstains on, and what the decision costs.

    .venv/bin/python -m bench.abstention_bench [--compare MODEL --compare-tree TREE] [--rounds 7]

1. The held-out decisions (support/abstention_eval.py) of the current model: per language, the
   in-scope questions answered right (an abstention counts as a miss) and the out-of-scope
   messages answered, per kind, with the targets they are measured against.
2. With --compare, the parse path against another model, for example one trained in a checkout of
   an earlier revision (--compare-tree, whose code its components need): each model loaded in a
   process of its own (support/parse_rounds.py), the held-out questions of all six languages
   parsed by one then the other, round after round (interleaved, so that a busier moment of the
   machine falls on both), and compared by the median of the rounds: latency per message (p50
   and p99 within a round, wall clock and the parsing thread's CPU time) and messages per second.
Results: bench/results/abstention.json.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, List

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from bolt.core.settings import Settings  # noqa: E402
from bolt.training import ensure_model  # noqa: E402
from support import REPOSITORY  # noqa: E402
from support.abstention_eval import decide_held_out  # noqa: E402
from support.content import LANGUAGES, holdout_pairs, plain_text  # noqa: E402
from support.load import write_results  # noqa: E402
from support.parse_rounds import read_answer  # noqa: E402

TARGETS = {"in_scope_top1": 0.97, "answered": 0.02}
METRICS = ("p50_ms", "p99_ms", "cpu_p50_ms", "cpu_p99_ms", "per_second")


def load_agent(model: Path) -> Any:
    from rasa.core.agent import Agent

    return Agent.load(str(model))


def start_rounds(model: Path, tree: Path, texts_file: Path) -> subprocess.Popen:
    """A support/parse_rounds.py process whose `bot` code is the tree's."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tree), str(REPOSITORY)])}
    worker = subprocess.Popen(
        [sys.executable, "-m", "support.parse_rounds", str(model), str(texts_file)],
        cwd=tree, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    if read_answer(worker.stdout).get("ready") is not True:
        raise RuntimeError(f"the parse rounds of {model} did not start")
    return worker


def one_round(worker: subprocess.Popen) -> Dict[str, float]:
    worker.stdin.write("round\n")
    worker.stdin.flush()
    return read_answer(worker.stdout)


def compare(current: Path, other: Path, other_tree: Path, texts: List[str],
            rounds: int) -> Dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        texts_file = Path(scratch) / "texts.json"
        texts_file.write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
        workers = {"current": start_rounds(current, REPOSITORY, texts_file),
                   "other": start_rounds(other, other_tree, texts_file)}
        try:
            runs: Dict[str, List[Dict[str, float]]] = {name: [] for name in workers}
            for _ in range(rounds):
                for name, worker in workers.items():
                    runs[name].append(one_round(worker))
        finally:
            for worker in workers.values():
                worker.stdin.close()
                worker.wait(timeout=60)
    # A tree of an earlier revision may measure fewer of the METRICS.
    measured = [key for key in METRICS
                if all(key in r for results in runs.values() for r in results)]
    medians = {name: {key: round(statistics.median(r[key] for r in results), 3)
                      for key in measured}
               for name, results in runs.items()}
    change = {key: round(medians["current"][key] / medians["other"][key] - 1.0, 4)
              for key in measured}
    return {"rounds": rounds, "messages_per_round": len(texts), "median": medians,
            "current_vs_other": change}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", type=Path, help="another model to compare the parse path with")
    parser.add_argument("--compare-tree", type=Path, default=REPOSITORY,
                        help="the checkout whose code that model was trained with")
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
        results["parse"] = compare(model, args.compare.resolve(), args.compare_tree.resolve(),
                                   texts, args.rounds)
        results["parse"]["other_model"] = args.compare.name
    write_results("abstention", results)


if __name__ == "__main__":
    main()
