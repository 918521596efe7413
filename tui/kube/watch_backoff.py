"""Exponential backoff with full jitter for reconnecting watches.

The n-th consecutive failure waits a uniformly random time in ``[0, min(cap, base * 2**n))``
("full jitter"), so many clients that lost the same server do not reconnect in lockstep.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Backoff:
    """Delays for consecutive failures; `reset()` after a success."""

    base: float = 0.5
    cap: float = 30.0
    uniform: Callable[[float, float], float] = field(default=random.uniform, repr=False)
    failures: int = 0

    def ceiling(self) -> float:
        """The upper bound of the next delay (before jitter)."""
        # 2**failures grows without bound; clamp the exponent so the float never overflows.
        return min(self.cap, self.base * (2 ** min(self.failures, 62)))

    def next_delay(self) -> float:
        """The delay before the next attempt; counts one more failure."""
        delay = self.uniform(0.0, self.ceiling())
        self.failures += 1
        return delay

    def reset(self) -> None:
        self.failures = 0
