"""The article search's benchmark: latency with 5,000 sections in one language, and BM25 by
bm25s against SQLite's own full-text search (FTS5) on the test help center.

    .venv/bin/python -m bench.articles_bench

- latency: a store of 5,000 sections in each of English, Japanese and German (the test help
  center's sentences recombined into made-up articles, each with a word of its own; German for
  its long compounds, the most subwords), then every question
  of the relevance set asked in turn until QUERIES have been asked per language; the time of
  `ArticleSearch.search` per question (analysis of the question, its meaning's vector, ranking,
  snippet), p50 and p99, in elapsed time and in the CPU time of the process (which other
  work on a busy machine does not inflate).
- ranking: the test help center's questions (development and held-out) ranked by the search
  (bm25s over the title, text and subword fields, titles weighed TITLE_WEIGHT times) and by FTS5's
  bm25() with the same weights over the same search terms: the top-3 hit rate with no floor,
  and the time per question.
Results go to bench/results/articles.json.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Sequence

from sqlalchemy import text

from bolt.articles import store
from bolt.articles.floor import load_floor
from bolt.articles.importing import import_source
from bolt.articles.index import TITLE_WEIGHT
from bolt.articles.model import HTML, ArticleIn
from bolt.articles.search import ArticleSearch
from bolt.core.languages import SUPPORTED_LANGUAGES
from bolt.core.search_terms import search_terms
from support.articles_eval import EXPORT, Question, questions
from support.load import write_results

SECTIONS = 5000
SECTIONS_PER_ARTICLE = 4
QUERIES = 2000
LATENCY_LANGUAGES = ("en", "ja", "de")


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def synthetic_articles(language: str, sentences: List[str], count: int) -> List[ArticleIn]:
    rng = random.Random(language)
    made = []
    for number in range(count):
        parts = []
        for part in range(SECTIONS_PER_ARTICLE):
            body = " ".join(rng.sample(sentences, 3))
            parts.append(f'<h2 id="s{part}">{rng.choice(sentences)[:40]}</h2><p>{body}</p>')
        made.append(ArticleIn(
            external_id=f"bench-{number}", language=language, locale=language,
            title=f"{rng.choice(sentences)[:50]} zq{number}",
            url=f"https://bench.example/{language}/{number}", body="".join(parts),
            body_format=HTML))
    return made


def latency(folder: Path) -> Dict[str, Dict[str, float]]:
    engine = store.open_engine(f"sqlite:///{folder / 'latency.sqlite3'}")
    import_source(engine, EXPORT, "tasklane")
    with engine.connect() as connection:
        sections = list(store.load_sections(connection))
    results = {}
    for language in LATENCY_LANGUAGES:
        sentences = [s for section in sections if section.language == language
                     for s, _ in section.sentences]
        articles = synthetic_articles(language, sentences, SECTIONS // SECTIONS_PER_ARTICLE)
        started = time.perf_counter()
        store.replace_source(engine, f"bench-{language}", articles)
        imported = time.perf_counter() - started
        search = ArticleSearch(engine, load_floor().floors)
        started = time.perf_counter()
        search.refresh(force=True)
        loaded = time.perf_counter() - started
        asked = [q.text for part in ("development", "held_out") for q in questions(part)
                 if q.language == language]
        times, cpu = [], []
        for number in range(QUERIES):
            started, started_cpu = time.perf_counter(), time.process_time()
            search.search(asked[number % len(asked)], language)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        results[language] = {
            "sections": search.sections(language), "queries": QUERIES,
            "p50_ms": round(statistics.median(times), 2),
            "p99_ms": round(percentile(times, 0.99), 2), "max_ms": round(max(times), 2),
            "cpu_p50_ms": round(statistics.median(cpu), 2),
            "cpu_p99_ms": round(percentile(cpu, 0.99), 2),
            "import_s": round(imported, 1), "index_load_s": round(loaded, 2),
        }
    return results


def fts5_ranked(connection, terms: Sequence[str], language: str, limit: int) -> List[str]:
    if not terms:
        return []
    match = " OR ".join('"' + term.replace('"', '""') + '"' for term in dict.fromkeys(terms))
    rows = connection.execute(text(
        "SELECT key FROM fts WHERE fts MATCH :match AND language = :language "
        f"ORDER BY bm25(fts, {TITLE_WEIGHT}, 1.0, 0.0, 0.0) LIMIT :limit"),
        {"match": "{title body}: (" + match + ")", "language": language, "limit": limit})
    return [row.key for row in rows]


def ranking(folder: Path) -> Dict[str, Dict[str, float]]:
    engine = store.open_engine(f"sqlite:///{folder / 'ranking.sqlite3'}")
    import_source(engine, EXPORT, "tasklane")
    search = ArticleSearch(engine, 0.0)
    asked: List[Question] = questions("development") + questions("held_out")
    with engine.begin() as connection:
        connection.execute(text("CREATE VIRTUAL TABLE fts USING fts5(title, body, language, key)"))
        rows = [{"title": " ".join(s.title_terms), "body": " ".join(s.body_terms),
                 "language": s.language, "key": f"{s.external_id}#{s.anchor}"}
                for s in store.load_sections(connection)]
        connection.execute(text("INSERT INTO fts VALUES (:title, :body, :language, :key)"), rows)
    results: Dict[str, Dict[str, float]] = {}
    with engine.connect() as connection:
        for name in ("bm25s", "fts5"):
            hits: Dict[str, List[bool]] = {language: [] for language in SUPPORTED_LANGUAGES}
            times = []
            for question in asked:
                started = time.perf_counter()
                if name == "bm25s":
                    found = [f"{s.external_id}#{s.anchor}"
                             for s in search.ranked(question.text, question.language, 3)]
                else:
                    found = fts5_ranked(connection, search_terms(question.text, question.language),
                                        question.language, 3)
                times.append((time.perf_counter() - started) * 1000)
                hits[question.language].append(any(key in question.sections for key in found))
            results[name] = {language: round(sum(h) / len(h), 3) for language, h in hits.items()}
            results[name]["all"] = round(sum(sum(h) for h in hits.values())
                                         / sum(len(h) for h in hits.values()), 3)
            results[name]["p50_ms"] = round(statistics.median(times), 2)
    return results


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        results = {"latency": latency(Path(folder)), "top3_without_floor": ranking(Path(folder))}
    write_results("articles", results)
    print(json.dumps({"p99_ms": {k: v["p99_ms"] for k, v in results["latency"].items()},
                      "cpu_p99_ms": {k: v["cpu_p99_ms"] for k, v in results["latency"].items()}}))


if __name__ == "__main__":
    # No options: --help says what it measures, and anything else is refused before it starts.
    argparse.ArgumentParser(description=__doc__,
                            formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    main()
