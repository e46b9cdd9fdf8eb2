"""When a mail that could not be sent is tried again: twice as long after each failed attempt,
from `base_seconds`, never more than `max_seconds` apart (an SMTP server that is down for a
day is asked about once an hour, not a thousand times)."""
from __future__ import annotations


def retry_delay(failed_attempts: int, base_seconds: float, max_seconds: float) -> float:
    """Seconds to wait after the `failed_attempts`-th failure (1 for the first)."""
    if failed_attempts < 1:
        raise ValueError("a retry follows at least one failed attempt")
    # The exponent is bounded first: 2 ** 10000 would overflow a float long before the cap.
    doublings = min(failed_attempts - 1, 64)
    return min(max_seconds, base_seconds * 2.0 ** doublings)
