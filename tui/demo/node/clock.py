"""The simulated node's clock: timers for what the kubelet times in seconds or minutes (crash-loop
back-off, grace periods), which tests move forward with `advance` instead of waiting.

`now()` is the monotonic time plus every `advance` so far. A timer runs when the loop reaches its
due time, or at once when an `advance` passes it (then in due order, including timers that the
callbacks themselves add and that are due by then). Runs on the demo server's loop.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(order=True)
class Timer:
    due: float
    seq: int
    callback: Callable[[], None] = field(compare=False)
    handle: asyncio.TimerHandle | None = field(default=None, compare=False)
    done: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.done = True
        if self.handle is not None:
            self.handle.cancel()
            self.handle = None


class SimClock:
    def __init__(self) -> None:
        self.offset = 0.0
        self._timers: list[Timer] = []
        self._seq = itertools.count()

    def now(self) -> float:
        """Seconds on the simulated clock (monotonic, plus every advance)."""
        return time.monotonic() + self.offset

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        timer = Timer(self.now() + max(delay, 0.0), next(self._seq), callback)
        heapq.heappush(self._timers, timer)
        self._arm(timer)
        return timer

    def _arm(self, timer: Timer) -> None:
        if timer.handle is not None:
            timer.handle.cancel()
        loop = asyncio.get_running_loop()
        timer.handle = loop.call_later(max(timer.due - self.now(), 0.0), self._fire, timer)

    def _fire(self, timer: Timer) -> None:
        timer.handle = None
        self._run_due()
        if not timer.done:  # the loop's timer came early by a hair: run it anyway, it is due
            self._run(timer)

    def _run(self, timer: Timer) -> None:
        if timer.done:
            return
        timer.done = True
        if timer.handle is not None:
            timer.handle.cancel()
            timer.handle = None
        timer.callback()

    def _run_due(self) -> None:
        while self._timers and (self._timers[0].done or self._timers[0].due <= self.now()):
            timer = heapq.heappop(self._timers)
            self._run(timer)

    def advance(self, seconds: float) -> None:
        """Move the clock forward: every timer due by then runs now, in order."""
        self.offset += max(seconds, 0.0)
        self._run_due()
        for timer in self._timers:  # the rest: the loop's timers at their new (earlier) times
            if not timer.done:
                self._arm(timer)

    def pending(self) -> int:
        return sum(1 for timer in self._timers if not timer.done)

    def cancel_all(self) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
