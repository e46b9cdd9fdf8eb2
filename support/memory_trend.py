"""A process's resident memory sampled while a soak runs, and its trend: the growth after the
warm-up and the slope of a least-squares line through the samples, in MiB per 10 minutes."""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Dict, List, Tuple

from support.load import resident_mib

SAMPLE_SECONDS = 5.0


def slope_per_10_minutes(samples: List[Tuple[float, float]]) -> float:
    """The least-squares slope of (seconds, MiB) samples, in MiB per 600 s."""
    if len(samples) < 2:
        return 0.0
    count = len(samples)
    mean_t = sum(t for t, _ in samples) / count
    mean_m = sum(m for _, m in samples) / count
    spread = sum((t - mean_t) ** 2 for t, _ in samples)
    if spread == 0:
        return 0.0
    return 600.0 * sum((t - mean_t) * (m - mean_m) for t, m in samples) / spread


@dataclass
class MemoryTrend:
    pid: int
    samples: List[Tuple[float, float]] = field(default_factory=list)  # (seconds, MiB)

    async def sample_until(self, stopped: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        started = loop.time()
        while not stopped.is_set():
            self.samples.append((loop.time() - started, resident_mib(self.pid)))
            try:
                await asyncio.wait_for(stopped.wait(), SAMPLE_SECONDS)
            except asyncio.TimeoutError:
                pass

    def report(self, warm_up_seconds: float) -> Dict[str, Any]:
        after = [(t, m) for t, m in self.samples if t >= warm_up_seconds]
        return {
            "warm_up_seconds": warm_up_seconds,
            "mib_at_start": round(self.samples[0][1], 1) if self.samples else None,
            "mib_after_warm_up": round(after[0][1], 1) if after else None,
            "mib_at_end": round(self.samples[-1][1], 1) if self.samples else None,
            "mib_per_10_minutes_after_warm_up": round(slope_per_10_minutes(after), 2),
            "samples": [(round(t, 1), round(m, 1)) for t, m in self.samples],
        }
