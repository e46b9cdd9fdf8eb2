"""The bot path, Bolt against stock Rasa in the same run, and the handoff.

    .venv/bin/python -m bench.bot_bench [--levels 1,8,32,64] [--seconds 20] [--stock-epochs 3]
        [--words-only] [--rounds N]

Bolt as `bolt run` starts it (action server, Rasa with Bolt's model, the hub); each simulated
conversation is a sidebar socket on the hub, sending a held-out question and waiting for the
bot's answer before the next. The peer is stock Rasa 3.6 (bench/stock/config.yml, trained on
the same data by bench/stock_rasa.py) served by `rasa run` on its REST channel, with the same
action server, driven the same way. Both get held-out top-1 accuracy over /model/parse.
`--words-only` adds a third peer: Bolt with its model trained without the sentence encoder
(bench/words_only.py), what the meaning costs on the whole bot path; `--rounds` repeats the
levels, the peers in turn each time (compare medians).
Then the handoff, the time from a user's "talk to a person" until they see their queue position
(Bolt checks the account, asks its one triage question, answered at once: the click is not
counted, and queues them): the first one after the start on its own (it loads the demo
accounts into the fresh directory), then two ways: `--handoffs` conversations at once, each user at a
person's pace (`--think-seconds` between messages: a question for the bot, a person asked for,
back to the bot, again, for `--handoff-seconds`); and the same number of users asking at the
very same instant.
Load comes from processes of their own. Results: bench/results/bot.json.
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any, Dict, List, Tuple

import aiohttp
import websockets

from bench.stock_rasa import ensure_stock_model
from bench.words_only import ensure_words_only_model
from bolt.core.identity import issue_token
from bolt.core.secrets import load_secrets
from bolt.core.settings import Settings
from bolt.processes import Service, bolt_services
from bolt.training import ensure_model
from handoff.services.agents import add_agent, open_repository
from support import REPOSITORY
from support.content import LANGUAGES, holdout_pairs, plain_text
from support.live_bolt import serving
from support.load import (
    cpu_seconds, in_processes, latency_summary, machine, resident_mib, write_results,
)
from support.nlu_eval import predicted_label
from support.ports import free_port
from support.tokens import PASSWORD

Question = Tuple[str, str]  # (language, text)
HANDOFF_USER = ("pro-premier-admin-licensed", "demo-pro-premier")
HANDOFF_TEXT = "I want to speak to a human"
# Seconds without a frame after which a bench user takes the bot's answer as complete.
REPLY_GAP = 0.02


def held_out() -> List[Tuple[str, str, str]]:
    """(language, text, gold label) of every held-out question."""
    return [(language, plain_text(text), intent) for language in LANGUAGES
            for text, intent in holdout_pairs(language)]


async def hub_conversations(ws_url: str, questions: List[Question], conversations: int,
                            seconds: float) -> List[float]:
    latencies: List[float] = []
    deadline = time.monotonic() + seconds

    async def one(number: int) -> None:
        language = questions[number % len(questions)][0]
        async with websockets.connect(ws_url + "/ws/chat", max_size=2 ** 20) as ws:
            await ws.send(json.dumps({"type": "hello", "locale": language}))
            welcome = json.loads(await ws.recv())
            if welcome.get("type") != "welcome":
                raise RuntimeError(f"the hub refused a conversation: {welcome}")
            for turn in itertools.count():
                if time.monotonic() >= deadline:
                    return
                _, text = questions[(number * 7919 + turn) % len(questions)]
                started = time.perf_counter()
                await ws.send(json.dumps({"type": "message", "client_id": f"m{turn}",
                                          "text": text}))
                while True:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), 60))
                    if frame["type"] == "error":
                        raise RuntimeError(f"the hub refused a message: {frame}")
                    if frame["type"] == "event" and frame.get("speaker") in ("bot", "system") \
                            and frame.get("kind") in ("message", "bot_unavailable"):
                        break
                if frame.get("kind") == "bot_unavailable":
                    raise RuntimeError("Bolt did not answer in time")
                latencies.append(time.perf_counter() - started)
                # Later messages of the same answer follow within a millisecond or two; the next
                # question waits for them (sent earlier, it would queue behind them, and a user
                # with more than ten messages waiting for the bot is refused).
                await drain(ws, REPLY_GAP)

    await asyncio.gather(*(one(number) for number in range(conversations)))
    return latencies


async def drain(ws: Any, seconds: float) -> None:
    try:
        while True:
            await asyncio.wait_for(ws.recv(), seconds or 0.001)
    except asyncio.TimeoutError:
        return


async def rest_conversations(rasa_url: str, questions: List[Question], conversations: int,
                             seconds: float) -> List[float]:
    latencies: List[float] = []
    deadline = time.monotonic() + seconds
    run = random.randrange(10 ** 9)

    async def one(number: int, http: aiohttp.ClientSession) -> None:
        for turn in itertools.count():
            if time.monotonic() >= deadline:
                return
            language, text = questions[(number * 7919 + turn) % len(questions)]
            started = time.perf_counter()
            async with http.post(rasa_url + "/webhooks/rest/webhook", json={
                    "sender": f"stock-{run}-{number}", "message": text,
                    "metadata": {"locale": language}}) as response:
                assert response.status == 200, await response.text()
                await response.json()
            latencies.append(time.perf_counter() - started)

    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(timeout=timeout,
                                     connector=aiohttp.TCPConnector(limit=0)) as http:
        await asyncio.gather(*(one(number, http) for number in range(conversations)))
    return latencies


async def accuracy(rasa_url: str, questions: List[Tuple[str, str, str]]) -> Dict[str, float]:
    right: Dict[str, List[bool]] = {language: [] for language in LANGUAGES}
    async with aiohttp.ClientSession() as http:
        for language, text, gold in questions:
            async with http.post(rasa_url + "/model/parse", json={"text": text}) as response:
                parse = await response.json()
                # A ResponseSelector without `retrieval_intent` (stock) answers under "default".
                selectors = parse.get("response_selector") or {}
                if "faq" not in selectors and "default" in selectors:
                    selectors["faq"] = selectors["default"]
                right[language].append(predicted_label(parse) == gold)
    return {language: round(100 * sum(v) / len(v), 1) for language, v in right.items()}


async def hand_off(ws: Any) -> float:
    """Asks for a person on an open sidebar socket: seconds until the queue position is shown.

    Bolt's own time only: the user's click on the triage question is not counted.
    """
    started = time.perf_counter()
    await ws.send(json.dumps({"type": "message", "client_id": f"h{random.random()}",
                              "text": HANDOFF_TEXT}))
    seen = []
    waited = 0.0
    try:
        while True:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 60))
            seen.append(frame)
            if frame["type"] == "queue":
                return waited + time.perf_counter() - started
            triage = [b for b in frame.get("buttons") or []
                      if b["payload"].startswith("/report_problem")]
            if frame.get("speaker") == "bot" and triage:
                waited += time.perf_counter() - started
                button = triage[2]
                await ws.send(json.dumps({"type": "message", "client_id": f"t{random.random()}",
                                          "text": button["title"], "payload": button["payload"]}))
                started = time.perf_counter()
    except asyncio.TimeoutError:
        raise RuntimeError(f"no queue position in 60 s; got {seen}") from None


async def ask_for_a_person(ws_url: str, token: str, users: int) -> List[float]:
    """`users` signed-in users who all ask for a person at the same instant."""
    async def one(number: int) -> float:
        async with websockets.connect(ws_url + "/ws/chat", max_size=2 ** 20) as ws:
            await ws.send(json.dumps({"type": "hello", "locale": "en-US", "token": token}))
            await ws.recv()
            return await hand_off(ws)

    return list(await asyncio.gather(*(one(number) for number in range(users))))


async def handoffs_in_conversations(ws_url: str, token: str, conversations: int,
                                    seconds: float, think: float) -> List[float]:
    """`conversations` users at once, each at a person's pace (`think` seconds between
    messages): a question for the bot, then a person asked for, then back to the bot
    (`leave_queue`), again and again. The handoff times."""
    latencies: List[float] = []
    deadline = time.monotonic() + seconds

    async def one(number: int) -> None:
        await asyncio.sleep(random.uniform(0, think))  # users do not all start together
        async with websockets.connect(ws_url + "/ws/chat", max_size=2 ** 20) as ws:
            await ws.send(json.dumps({"type": "hello", "locale": "en-US", "token": token}))
            await ws.recv()
            for turn in itertools.count():
                if time.monotonic() >= deadline:
                    return
                await ws.send(json.dumps({"type": "message", "client_id": f"q{turn}",
                                          "text": "How do I contact support?"}))
                await drain(ws, think)
                latencies.append(await hand_off(ws))
                await drain(ws, 0.2)
                await ws.send(json.dumps({"type": "leave_queue"}))
                await drain(ws, think)

    await asyncio.gather(*(one(number) for number in range(conversations)))
    return latencies


async def agents_online(ws_url: str, names: List[str], seconds: float) -> int:
    sockets = []
    for name in names:
        ws = await websockets.connect(ws_url + "/ws/agent", max_size=2 ** 24)
        await ws.send(json.dumps({"type": "login", "name": name, "password": PASSWORD}))
        await ws.send(json.dumps({"type": "status", "status": "online"}))
        sockets.append(ws)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for ws in sockets:
            await drain(ws, 0.05)
    for ws in sockets:
        await ws.close()
    return len(sockets)


def split(conversations: int) -> List[int]:
    """Conversations per load process: one process up to 16, then two."""
    return [conversations] if conversations <= 16 else \
        [conversations // 2, conversations - conversations // 2]


def measure(target: Any, url: str, questions: List[Question], conversations: int,
            seconds: float, services: List[Service]) -> Dict[str, Any]:
    """Throughput and latency, and the CPU seconds each server spent (where the time goes)."""
    before = {s.name: cpu_seconds(s.process.pid) for s in services}
    parts = in_processes(target, [(url, questions, n, seconds) for n in split(conversations)],
                         timeout=seconds + 180)
    spent = {s.name: round(cpu_seconds(s.process.pid) - before[s.name], 1) for s in services}
    latencies = [x for part in parts for x in part]
    return {"conversations": conversations, "messages_per_second":
            round(len(latencies) / seconds, 1), "latency": latency_summary(latencies),
            "server_cpu_seconds": spent}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", default="1,8,32,64")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--stock-epochs", type=int, default=100)
    parser.add_argument("--handoffs", type=int, default=32,
                        help="conversations in the handoff measure (0: none)")
    parser.add_argument("--handoff-seconds", type=float, default=60)
    parser.add_argument("--think-seconds", type=float, default=2.0,
                        help="a user's pause between messages in the handoff measure")
    parser.add_argument("--skip-stock", action="store_true")
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--words-only", action="store_true",
                        help="also serve Bolt with its model without the sentence encoder "
                             "(bench/words_only.py), a peer driven in turn with the others")
    parser.add_argument("--rounds", type=int, default=1,
                        help="times the levels are measured, the peers in turn each time")
    args = parser.parse_args()
    levels = [int(level) for level in args.levels.split(",")]
    results: Dict[str, Any] = {"machine": machine()}
    home = Settings.from_env({**os.environ, "BOLT_HOME": str(REPOSITORY)})
    model = ensure_model(home, quiet=True)
    words_model = ensure_words_only_model(home) if args.words_only else None
    stock_model = None if args.skip_stock else ensure_stock_model(home, args.stock_epochs)
    questions_gold = held_out()
    questions = [(language, text) for language, text, _ in questions_gold]
    with tempfile.TemporaryDirectory() as state:
        settings, services = bolt_stack(Path(state) / "bolt", model)
        if words_model is not None:
            words_settings, words_services = bolt_stack(Path(state) / "words-only", words_model,
                                                        "words-only ")
            services += words_services
        if stock_model is not None:
            stock_port = free_port()
            services.append(Service(
                name="stock Rasa",
                command=[sys.executable, "-m", "rasa", "run", "--model", str(stock_model),
                         "--endpoints", str(REPOSITORY / "bench" / "stock" / "endpoints.yml"),
                         "--credentials", str(settings.credentials_file),
                         "--interface", "127.0.0.1", "--port", str(stock_port), "--enable-api"],
                health_url=f"http://127.0.0.1:{stock_port}/status",
                env={"BOLT_ACTIONS_URL": settings.actions_url}))
        with serving(services, REPOSITORY, timeout=300):
            ws_url = settings.hub_url.replace("http://", "ws://")
            results["memory_mib"] = {s.name: round(resident_mib(s.process.pid), 1)
                                     for s in services}
            peers = [("bolt", hub_conversations, ws_url)]
            if words_model is not None:
                peers.append(("bolt_words_only", hub_conversations,
                              words_settings.hub_url.replace("http://", "ws://")))
            if stock_model is not None:
                peers.append(("stock_rasa", rest_conversations, f"http://127.0.0.1:{stock_port}"))
                results["stock_epochs"] = args.stock_epochs
            if not args.skip_accuracy:
                results["held_out_accuracy_percent"] = {
                    "bolt": asyncio.run(accuracy(settings.rasa_url, questions_gold))}
                if stock_model is not None:
                    results["held_out_accuracy_percent"]["stock_rasa"] = asyncio.run(
                        accuracy(f"http://127.0.0.1:{stock_port}", questions_gold))
            results["bot_path"] = {name: [] for name, _, _ in peers}
            for name, target, url in peers:  # first messages load what loads lazily (lingua)
                measure(target, url, questions, 2, 3, services)
            for _ in range(args.rounds):
                for level in levels:  # the peers alternate at each level: the same machine load
                    for name, target, url in peers:
                        results["bot_path"][name].append(
                            measure(target, url, questions, level, args.seconds, services))
                        print(name, results["bot_path"][name][-1], flush=True)
            if args.handoffs:
                results["handoff"] = handoff(settings, ws_url, args.handoffs,
                                             args.handoff_seconds, args.think_seconds)
    write_results("bot", results)


def bolt_stack(state: Path, model: Path, label: str = "") -> Tuple[Settings, List[Service]]:
    """Bolt's action server, Rasa and hub for `model`, on ports of their own, its state in
    `state` (the demo accounts on), each service's name after `label`."""
    state.mkdir(parents=True, exist_ok=True)
    settings = Settings.from_env({
        **os.environ, "BOLT_HOME": str(REPOSITORY), "BOLT_STATE_DIR": str(state),
        "BOLT_RASA_PORT": str(free_port()), "BOLT_ACTIONS_PORT": str(free_port()),
        "BOLT_HUB_PORT": str(free_port()), "BOLT_RASA_METRICS_PORT": str(free_port()),
        "BOLT_ACTIONS_METRICS_PORT": str(free_port()), "BOLT_DEMO": "true"})
    services = [replace(service, name=label + service.name)
                for service in bolt_services(settings, model)]
    # A bench user sends as fast as answers come; the default limits are for real people, and
    # all of them come from one address.
    services[-1].env.update({"BOLT_HUB_RATE_PER_SECOND": "1000", "BOLT_HUB_RATE_BURST": "1000",
                             "BOLT_HUB_ADDRESS_RATE_PER_SECOND": "100000",
                             "BOLT_HUB_ADDRESS_RATE_BURST": "100000",
                             "BOLT_HUB_ANONYMOUS_CONVERSATIONS_PER_HOUR": "1000000",
                             "BOLT_HUB_SOCKETS_PER_ADDRESS": "100000",
                             "BOLT_HUB_RASA_TIMEOUT": "60"})
    return settings, services


def handoff(settings: Settings, ws_url: str, users: int, seconds: float,
            think: float) -> Dict[str, Any]:
    repository = open_repository(f"sqlite:///{Path(settings.state_dir).resolve() / 'hub.sqlite3'}")
    names = [f"agent-{number}" for number in range(4)]
    for name in names:
        add_agent(repository, name, list(LANGUAGES), -(-users // len(names)), PASSWORD)
    secrets = load_secrets(settings.state_dir)
    token = issue_token(secrets.token_secret, *HANDOFF_USER, ttl_seconds=3600,
                        kid=secrets.token_kid)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        online = pool.submit(in_processes, agents_online, [(ws_url, names, seconds + 120)],
                             seconds + 180)
        time.sleep(5)
        # The first handoff after a fresh start loads what loads once (the demo accounts into
        # the empty directory): measured on its own, not in the steady state below.
        first = in_processes(ask_for_a_person, [(ws_url, token, 1)], 120)[0][0]
        paced = in_processes(handoffs_in_conversations,
                             [(ws_url, token, n, seconds, think) for n in split(users)],
                             seconds + 120)
        burst = in_processes(ask_for_a_person, [(ws_url, token, n) for n in split(users)], 120)
        online.result()
    return {
        "conversations": users,
        "first_after_start_ms": round(first * 1000, 1),
        "in_conversations": {"think_seconds": think, "seconds": seconds,
                             "to_queue_position": latency_summary(
                                 [x for part in paced for x in part])},
        "all_at_once": {"users": users, "to_queue_position": latency_summary(
            [x for part in burst for x in part])},
    }


if __name__ == "__main__":
    main()
