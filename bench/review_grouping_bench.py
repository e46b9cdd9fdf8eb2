"""How well the review inbox groups questions by meaning, and at what cost: the multilingual
sentence encoder Bolt uses (bolt/core/question_groups.py, the encoder of the NLU and the article
search) against words alone (stems and character n-grams), on known groups of paraphrases in
the six languages.

    .venv/bin/python -m bench.review_grouping_bench [--encoder]

For each way and each of a few thresholds: the pairwise F1 of the groups found against the known
ones, per language and averaged; the time taken, and with --encoder the encoder's load time and
the process's peak memory (each way in a process of its own, so that one's memory does not
count for the other). Results: bench/results/review_grouping.json.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Sequence

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
GROUPS = ROOT / "tests" / "review" / "paraphrase_groups.yml"
RESULTS = ROOT / "bench" / "results" / "review_grouping.json"
THRESHOLDS = {"terms": (0.1, 0.15, 0.2, 0.25), "encoder": (0.3, 0.35, 0.4, 0.45)}


def pairwise_f1(found: Sequence[Sequence[int]], known: Sequence[Sequence[int]]) -> float:
    together = {frozenset(p) for g in found for p in itertools.combinations(g, 2)}
    expected = {frozenset(p) for g in known for p in itertools.combinations(g, 2)}
    right = len(together & expected)
    precision, recall = right / max(1, len(together)), right / max(1, len(expected))
    return 2 * precision * recall / max(1e-9, precision + recall)


def measure(way: str) -> Dict[str, object]:
    from bolt.core import question_groups

    started = time.perf_counter()
    load = 0.0
    if way == "encoder":
        question_groups.meaning_similarities(["warm up"])
        load = time.perf_counter() - started

    def similarity(texts: List[str], language: str) -> np.ndarray:
        if way == "encoder":
            return question_groups.meaning_similarities(texts)
        return question_groups.word_similarities(texts, language)
    data = yaml.safe_load(GROUPS.read_text(encoding="utf-8"))
    grouped = time.perf_counter()
    by_threshold = {}
    sims = {}
    for language, groups in data.items():
        sims[language] = similarity([t for g in groups for t in g], language)
    for threshold in THRESHOLDS[way]:
        scores = {}
        for language, groups in data.items():
            known, start = [], 0
            for group in groups:
                known.append(list(range(start, start + len(group))))
                start += len(group)
            found = question_groups.average_linkage(sims[language], threshold)
            scores[language] = round(pairwise_f1(found, known), 3)
        by_threshold[str(threshold)] = {"mean": round(float(np.mean(list(scores.values()))), 3),
                                        "worst": min(scores.values()), "languages": scores}
    return {"way": way, "load_seconds": round(load, 2),
            "group_seconds": round(time.perf_counter() - grouped, 2),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "thresholds": by_threshold}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoder", action="store_true", help="also measure the encoder")
    parser.add_argument("--way", help=argparse.SUPPRESS)  # one way, in a process of its own
    args = parser.parse_args()
    if args.way:
        print(json.dumps(measure(args.way)))
        return 0
    results = []
    for way in ["terms"] + (["encoder"] if args.encoder else []):
        out = subprocess.run([sys.executable, "-m", "bench.review_grouping_bench", "--way", way],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout
        results.append(json.loads(out.strip().splitlines()[-1]))
        print(json.dumps(results[-1], indent=1))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    record = {"command": " ".join(sys.argv), "load_average": os.getloadavg(), "ways": results}
    RESULTS.write_text(json.dumps(record, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
