"""The editors' benchmark: how long until a change is live in a running Bolt.

    .venv/bin/python -m bench.content_bench

On a private copy of the project with Bolt running (real servers on free ports), it measures:
- `bolt content validate` on the whole content (median of 5 runs);
- a changed answer text -> live: edit, `bolt content train`, `bolt content publish`, until the
  server gives the new answer;
- a new topic -> live: `bolt content new`, the topic filled in six languages, validate, train,
  publish, until the server answers the new question;
- changed training examples -> live (fine-tuning).
Each step's time is kept; results go to bench/results/content.json.
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Callable, Dict, List

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from bolt.core.settings import Settings  # noqa: E402
from bolt.training import ensure_model  # noqa: E402
from support import REPOSITORY  # noqa: E402
from support.edits import edit  # noqa: E402
from support.live_bolt import Chat, bolt_command, copy_project, running_bolt  # noqa: E402
from support.load import write_results  # noqa: E402
from support.new_topic import ANSWERS, KEY, fill_topic  # noqa: E402


class Stopwatch:
    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.steps: Dict[str, float] = {}
        self._last = self.started

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.steps[name] = round(now - self._last, 1)
        self._last = now

    def total(self) -> float:
        return round(self._last - self.started, 1)


def command(settings: Settings, *args: str) -> str:
    result = bolt_command(settings, *args)
    if result.returncode != 0:
        raise SystemExit(f"bolt {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def until(answer: Callable[[], str], expected: Callable[[str], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not expected(answer()):
        if time.monotonic() > deadline:
            raise SystemExit("the new answer did not go live")
        time.sleep(0.2)


def train_and_publish(settings: Settings, watch: Stopwatch) -> str:
    trained = command(settings, "content", "train")
    watch.lap("train")
    command(settings, "content", "publish")
    watch.lap("publish")
    return trained


def result(watch: Stopwatch, trained: str) -> dict:
    """The times, and what `bolt content train` said it did (its next-to-last line)."""
    return {"seconds": watch.total(), "steps": watch.steps,
            "train": trained.strip().splitlines()[-2]}


def validate_seconds(settings: Settings) -> float:
    runs: List[float] = []
    for _ in range(5):
        began = time.perf_counter()
        command(settings, "content", "validate")
        runs.append(time.perf_counter() - began)
    return round(statistics.median(runs), 2)


def changed_answer(settings: Settings, url: str) -> dict:
    watch = Stopwatch()
    edit(settings.home / "data" / "responses" / "en" / "web_ticket.yml",
         "Submit a web ticket to get help quickly:", "To get help quickly, submit a web ticket:")
    watch.lap("edit")
    trained = train_and_publish(settings, watch)
    until(lambda: Chat(url, "en").say("How do I submit a ticket?"),
          lambda text: text.startswith("To get help quickly"))
    watch.lap("first answer")
    return result(watch, trained)


def changed_examples(settings: Settings, url: str) -> dict:
    watch = Stopwatch()
    with (settings.home / "data" / "nlu" / "en" / "web_ticket.yml").open("a") as out:
        out.write("    - where do I raise a ticket with support\n")
    watch.lap("edit")
    trained = train_and_publish(settings, watch)
    return result(watch, trained)


def new_topic(settings: Settings, url: str) -> dict:
    watch = Stopwatch()
    command(settings, "content", "new", KEY)
    watch.lap("new")
    fill_topic(settings.home, KEY)
    watch.lap("fill in six languages")
    command(settings, "content", "validate")
    watch.lap("validate")
    trained = train_and_publish(settings, watch)
    until(lambda: Chat(url, "en").say("which languages can Bolt speak?"),
          lambda text: text == ANSWERS["en"])
    watch.lap("first answer")
    return result(watch, trained)


def main() -> None:
    model = ensure_model(Settings.from_env({"BOLT_HOME": str(REPOSITORY)}), quiet=True)
    report: Dict[str, object] = {"model": model.name, "cores": os.cpu_count(),
                                 "load_average_at_start": os.getloadavg()[0]}
    with tempfile.TemporaryDirectory() as scratch:
        settings = copy_project(Path(scratch), model)
        command(settings, "content", "train")
        report["validate_s"] = validate_seconds(settings)
        with running_bolt(settings, model) as url:
            report["changed_answer_to_live"] = changed_answer(settings, url)
            report["new_topic_to_live"] = new_topic(settings, url)
            report["changed_examples_to_live"] = changed_examples(settings, url)
    report["load_average_at_end"] = os.getloadavg()[0]
    write_results("content", report)


if __name__ == "__main__":
    # No options: --help says what it measures, and anything else is refused before it starts.
    argparse.ArgumentParser(description=__doc__,
                            formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    main()
