"""Reconnect delays: exponential growth, a cap, full jitter, reset after success."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from tui.kube.watch_backoff import Backoff


def upper_bound(low: float, high: float) -> float:
    return high


def test_ceiling_doubles_from_half_a_second_up_to_thirty() -> None:
    backoff = Backoff(uniform=upper_bound)
    delays = [backoff.next_delay() for _ in range(10)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0, 30.0]


def test_reset_starts_over_after_a_successful_connection() -> None:
    backoff = Backoff(uniform=upper_bound)
    for _ in range(5):
        backoff.next_delay()
    backoff.reset()
    assert backoff.next_delay() == 0.5


def test_full_jitter_spreads_clients_over_the_whole_interval() -> None:
    rng = random.Random(7)
    backoff = Backoff(uniform=rng.uniform)
    samples = []
    for _ in range(500):
        backoff.failures = 6  # ceiling 30 s
        samples.append(backoff.next_delay())
    assert min(samples) < 3.0 and max(samples) > 27.0


@given(st.integers(min_value=0, max_value=10_000))
def test_delay_never_negative_nor_above_the_cap(failures: int) -> None:
    backoff = Backoff(failures=failures)
    delay = backoff.next_delay()
    assert 0.0 <= delay <= 30.0
