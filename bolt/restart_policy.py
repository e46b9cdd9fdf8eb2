"""When `bolt run` starts a service again after it exited: the backoff and the give-up rule.

Pure rules, no clock: the supervisor (bolt/supervisor.py) says how long the run lasted and
whether the service answered its health check, and gets back what to do.

- A service that exits is started again after a delay that doubles with each exit in a row
  (0.5 s, 1 s, 2 s, ... at most 30 s); a run that stayed up `steady_seconds` ends the row, so a
  crash after a quiet day is restarted at once.
- A service that exits `attempts` times in a row without ever answering its health check
  (a port taken, a broken model, a bad setting) is not started again: Bolt stops, saying why.
  One that answered is always restarted.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class RestartPolicy:
    first_delay: float = 0.5
    factor: float = 2.0
    longest_delay: float = 30.0
    steady_seconds: float = 60.0
    attempts: int = 5

    def delay(self, exits_in_a_row: int) -> float:
        """The wait before the next start after the `exits_in_a_row`-th exit (1: the first)."""
        if exits_in_a_row < 1:
            raise ValueError("a delay is asked for after an exit")
        # The exponent is capped so that a long row cannot overflow the float.
        return min(self.longest_delay,
                   self.first_delay * self.factor ** min(exits_in_a_row - 1, 64))


@dataclass(frozen=True)
class ExitRecord:
    """What is known of one service's recent exits."""

    exits_in_a_row: int = 0
    unanswered_in_a_row: int = 0  # runs in a row that never answered the health check


@dataclass(frozen=True)
class Decision:
    record: ExitRecord
    delay: Optional[float]  # None: give up
    reason: str = ""

    @property
    def restart(self) -> bool:
        return self.delay is not None


def after_exit(policy: RestartPolicy, record: ExitRecord, ran_seconds: float,
               answered: bool) -> Decision:
    """What to do about a service that exited after `ran_seconds`, having answered its health
    check during that run or not."""
    steady = answered and ran_seconds >= policy.steady_seconds
    exits = 1 if steady else record.exits_in_a_row + 1
    unanswered = 0 if answered else record.unanswered_in_a_row + 1
    updated = ExitRecord(exits_in_a_row=exits, unanswered_in_a_row=unanswered)
    if unanswered >= policy.attempts:
        return Decision(updated, None,
                        f"it exited {unanswered} times in a row without answering")
    return Decision(updated, policy.delay(exits))
