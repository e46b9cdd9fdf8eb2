"""Progress of a `rasa train` run, read from its output, shown in a terminal or in a log.

Rasa logs each component it trains ("Starting to train component 'DIETClassifier'") or takes
from its cache ("Restored component ... from cache"), and tqdm draws "Epochs: 12/50" for the
neural ones. A terminal gets one line redrawn in place; a log gets a line per stage and per
quarter of a stage's epochs, so that it stays short.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Callable, List, Optional, TextIO

_STARTED = re.compile(r"Starting to train component '(\w+)'")
_RESTORED = re.compile(r"Restored component '(\w+)' from cache")
_EPOCH = re.compile(r"Epochs:\s+\d+%\|[^|]*\|\s*(\d+)/(\d+)")
_SAVED = re.compile(r"Your Rasa model is trained and saved")


@dataclass
class ProgressState:
    expected_stages: int  # from the last training of this project; 0 if unknown
    stages: List[str] = field(default_factory=list)
    restored: List[str] = field(default_factory=list)
    epoch: int = 0
    epochs: int = 0
    done: bool = False

    def feed(self, line: str) -> bool:
        """Reads one line of Rasa's output; True if the progress changed."""
        if match := _STARTED.search(line):
            self.stages.append(match.group(1))
            self.epoch = self.epochs = 0
            return True
        if match := _RESTORED.search(line):
            self.restored.append(match.group(1))
            return True
        if match := _EPOCH.search(line):
            epoch, epochs = int(match.group(1)), int(match.group(2))
            if (epoch, epochs) != (self.epoch, self.epochs):
                self.epoch, self.epochs = epoch, epochs
                return True
            return False
        if _SAVED.search(line):
            self.done = True
            return True
        return False

    def fraction(self) -> float:
        """An estimate of the share done: stages done plus the epochs of the current one."""
        if self.done:
            return 1.0
        total = max(self.expected_stages, len(self.stages) + 1)
        within = self.epoch / self.epochs if self.epochs else 0.0
        finished = max(len(self.stages) - 1, 0) + within
        return min(finished / total, 0.99)

    def describe(self) -> str:
        if self.done:
            return "model saved"
        if not self.stages:
            return f"preparing ({len(self.restored)} parts reused from the cache)" \
                if self.restored else "reading the content"
        text = f"training {self.stages[-1]} (step {len(self.stages)}"
        text += f" of about {self.expected_stages})" if self.expected_stages else ")"
        if self.epochs:
            text += f", epoch {self.epoch}/{self.epochs}"
        return text


class ProgressDisplay:
    def __init__(self, out: TextIO, interactive: bool,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._out = out
        self._interactive = interactive
        self._clock = clock
        self._started = clock()
        self._last_logged: Optional[tuple] = None

    def show(self, state: ProgressState) -> None:
        elapsed = self._clock() - self._started
        stamp = f"{int(elapsed // 60)}:{int(elapsed % 60):02d}"
        if self._interactive:
            filled = int(state.fraction() * 30)
            bar = "#" * filled + "-" * (30 - filled)
            self._out.write(f"\r[{bar}] {state.fraction():4.0%} {stamp} {state.describe()}"
                            .ljust(110)[:110])
            if state.done:
                self._out.write("\n")
        else:
            quarter = int(4 * state.epoch / state.epochs) if state.epochs else 0
            key = (len(state.stages), quarter, state.done, len(state.restored) > 0)
            if key == self._last_logged:
                return
            self._last_logged = key
            self._out.write(f"{stamp} {state.fraction():4.0%} {state.describe()}\n")
        self._out.flush()

    def message(self, text: str) -> None:
        if self._interactive:
            self._out.write("\r" + " " * 110 + "\r")
        self._out.write(text + "\n")
        self._out.flush()
