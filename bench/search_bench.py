"""How long a search over 100,000 stored messages takes, on SQLite or PostgreSQL (run on demand).

    .venv/bin/python -m bench.search_bench
    scripts/with-scale-services .venv/bin/python -m bench.search_bench --postgres

Fills a fresh hub database with conversations in all six languages (users' questions from the
training examples, ten messages each), stored through the hub's own appends so that the search
index is written as in service, then times the whole search an agent's `search` frame runs
(handoff/services/lookups.py: the index's query with its filters and reach, the records and the
highlighted snippets), off the socket. The queries are words of the stored messages, common and
rare, alone and in pairs, in each language, a quarter of them with filters and a quarter within
an agent's reach (not a supervisor). Writes bench/results/search-<database>.json.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Dict, List, Tuple

from sqlalchemy import insert

from bolt.core.languages import SUPPORTED_LANGUAGES
from handoff.services.audit import Audit
from handoff.services.lookups import Lookups
from handoff.store.appends import AppendRequest, store
from handoff.store.database import connect, migrate
from handoff.store.repository import Repository
from handoff.store.schema import Agent, Conversation, utcnow
from handoff.store.search.terms import terms
from support import services
from support.content import plain_text, training_examples
from support.load import percentile, write_results

MESSAGES_PER_CONVERSATION = 10
CONVERSATIONS_PER_GROUP = 40
QUERIES = 600


def corpus() -> Dict[str, List[str]]:
    return {language: sorted({plain_text(example) for examples in
                              training_examples(language).values() for example in examples})
            for language in SUPPORTED_LANGUAGES}


def fill(repository: Repository, messages: int, texts: Dict[str, List[str]],
         rng: random.Random) -> Tuple[int, float]:
    """Conversations of `messages` messages in all, stored as the hub stores them."""
    engine = repository.engine
    conversations = messages // MESSAGES_PER_CONVERSATION
    with engine.begin() as connection:
        connection.execute(insert(Agent.__table__), [{
            "name": "anna", "display_name": "Anna", "password_hash": "-", "languages": "ja,de",
            "capacity": 4, "supervisor": False, "status": "online", "created_at": utcnow(),
            "disabled": False}])
        connection.execute(insert(Conversation.__table__), [{
            "id": f"c-{number:06d}", "user_id": f"u-{number % (conversations // 3)}",
            "account_id": f"account-{number % 200}", "user_name": "Bench User",
            "resume_key_hash": "0" * 64, "locale": None,
            "language": SUPPORTED_LANGUAGES[number % len(SUPPORTED_LANGUAGES)],
            "owner": "agent" if number < 2 else ("queue" if number < 6 else "bot"),
            "agent_id": 1 if number < 2 else None,
            "priority": rng.choice(("P1", "P2", "P3", "P4")), "escalated": False,
            "auto_escalation": False, "breached": False, "bot_failed": False,
            "rasa_resume_pending": False, "last_seq": 0, "created_at": utcnow(),
        } for number in range(conversations)])
    started = time.perf_counter()
    for first in range(0, conversations, CONVERSATIONS_PER_GROUP):
        requests = []
        for number in range(first, min(conversations, first + CONVERSATIONS_PER_GROUP)):
            pool = texts[SUPPORTED_LANGUAGES[number % len(SUPPORTED_LANGUAGES)]]
            for turn in range(MESSAGES_PER_CONVERSATION):
                requests.append(AppendRequest(f"c-{number:06d}", "message",
                                              "user" if turn % 2 == 0 else "bot",
                                              text=rng.choice(pool)))
        with engine.begin() as connection:
            store(connection, requests)
    seconds = time.perf_counter() - started
    # The planner's statistics, as a database in service has them (PostgreSQL's autovacuum
    # gathers them after such a load, in its own time).
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")
    return conversations, seconds


def queries(texts: Dict[str, List[str]], rng: random.Random) -> List[Tuple[str, str]]:
    """(kind, query): common and rare words of each language, alone and in pairs."""
    chosen: List[Tuple[str, str]] = []
    for language, pool in texts.items():
        counts = Counter(term for text in pool for term in set(terms(text)))
        ranked = [term for term, _ in counts.most_common() if len(term) > 1]
        common, rare = ranked[:30], ranked[len(ranked) // 2:]
        for _ in range(QUERIES // len(texts) // 3):
            chosen.append((f"{language} common word", rng.choice(common)))
            chosen.append((f"{language} rare word", rng.choice(rare)))
            text = rng.choice(pool)
            words = [term for term in terms(text) if len(term) > 1] or list(terms(text))
            chosen.append((f"{language} two words of a message",
                           " ".join(rng.sample(words, min(2, len(words))))))
    rng.shuffle(chosen)
    return chosen


def frame_fields(kind: str, query: str, number: int) -> Dict[str, Any]:
    fields: Dict[str, Any] = {"query": query}
    if number % 4 == 1:
        fields.update({"language": kind[:2], "priority": "P2"})
    if number % 4 == 2:
        fields.update({"status": "bot", "account": f"account-{number % 200}"})
    return fields



def measure(repository: Repository, chosen: List[Tuple[str, str]]) -> Dict[str, Any]:
    from handoff.wire.protocol import Frame

    lookups = Lookups(repository, Audit(repository))
    anna = repository.agent_by_name("anna")
    supervisor = Agent(id=99, name="sam", display_name="Sam", languages="en", capacity=1,
                       supervisor=True, status="online", password_hash="-", disabled=False)
    timings: Dict[str, List[float]] = {}
    found: List[int] = []

    async def run() -> None:
        for number, (kind, query) in enumerate(chosen):
            agent = anna if number % 4 == 3 else supervisor
            frame = Frame("search", frame_fields(kind, query, number))
            started = time.perf_counter()
            answer = await lookups.search(agent, frame)
            elapsed = time.perf_counter() - started
            found.append(answer["total"])
            scope = ("an agent's reach" if agent is anna else
                     "with filters" if number % 4 in (1, 2) else "no filter")
            for key in ("all", kind.split(" ", 1)[1], scope, kind[:2]):
                timings.setdefault(key, []).append(elapsed)

    asyncio.run(run())
    summary = {key: {"n": len(values), "p50_ms": round(percentile(values, 0.5) * 1000, 1),
                     "p99_ms": round(percentile(values, 0.99) * 1000, 1),
                     "max_ms": round(max(values) * 1000, 1)}
               for key, values in sorted(timings.items())}
    summary["all"]["conversations_found_median"] = sorted(found)[len(found) // 2]
    summary["all"]["conversations_found_max"] = max(found)
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--postgres", action="store_true",
                        help="on BOLT_TEST_POSTGRES_URL (inside scripts/with-scale-services)")
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    texts = corpus()
    with ExitStack() as stack:
        if options.postgres:
            server = services.postgres_url()
            if server is None:
                parser.error("--postgres runs inside scripts/with-scale-services")
            url = stack.enter_context(services.fresh_postgres_database(server))
        else:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            url = f"sqlite:///{folder / 'hub.sqlite3'}"
        engine = connect(url)
        migrate(engine)
        repository = Repository(engine)
        conversations, fill_seconds = fill(repository, options.messages, texts, rng)
        results = measure(repository, queries(texts, rng))
        repository.close()
        engine.dispose()
    database = "postgresql" if options.postgres else "sqlite"
    write_results(f"search-{database}", {
        "database": database, "messages": options.messages, "conversations": conversations,
        "fill_seconds": round(fill_seconds, 1), "search": results})


if __name__ == "__main__":
    main()
