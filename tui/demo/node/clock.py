"""The simulated node's clock: timers for what the kubelet times in seconds or minutes (crash-loop
back-off, grace periods), which tests move forward with `advance` instead of waiting.

`now()` is the monotonic time plus every `advance` so far. A timer runs when the loop reaches its
due time, or when an `advance` passes it (then in due order, the clock set to each one's due time,
including timers that the callbacks themselves add and that are due by then). A frozen clock (`freeze()`, for tests that
check what is still waiting one second before its time) moves only by `advance`. Runs on the demo
server's loop.
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
        self.frozen_at: float | None = None
        self._timers: list[Timer] = []
        self._seq = itertools.count()

    def now(self) -> float:
        """Seconds on the simulated clock (monotonic, plus every advance)."""
        base = time.monotonic() if self.frozen_at is None else self.frozen_at
        return base + self.offset

    def freeze(self) -> None:
        """From now on only `advance` moves the clock (timers wait for it)."""
        if self.frozen_at is None:
            self.frozen_at = time.monotonic()
            for timer in self._timers:
                if timer.handle is not None:
                    timer.handle.cancel()
                    timer.handle = None

    def unfreeze(self) -> None:
        """The clock follows the monotonic time again, from where it stood."""
        if self.frozen_at is not None:
            self.offset += self.frozen_at - time.monotonic()
            self.frozen_at = None
            for timer in self._timers:
                if not timer.done:
                    self._arm(timer)

    def call_later(self, delay: float, callback: Callable[[], None]) -> Timer:
        timer = Timer(self.now() + max(delay, 0.0), next(self._seq), callback)
        heapq.heappush(self._timers, timer)
        self._arm(timer)
        return timer

    def _arm(self, timer: Timer) -> None:
        if timer.handle is not None:
            timer.handle.cancel()
            timer.handle = None
        if self.frozen_at is not None:
            return
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
        """Move the clock forward: every timer due by then runs, in order, each with the clock at
        its due time (so what it schedules in turn runs too when that is due by the end)."""
        target = self.now() + max(seconds, 0.0)
        while self._timers:
            timer = self._timers[0]
            if timer.done:
                heapq.heappop(self._timers)
                continue
            if timer.due > target:
                break
            self.offset += max(timer.due - self.now(), 0.0)
            heapq.heappop(self._timers)
            self._run(timer)
        self.offset += max(target - self.now(), 0.0)
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
