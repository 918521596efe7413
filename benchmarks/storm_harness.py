"""Runs the real EphemeraApp headless (Textual's run_test) for the update-storm benchmark.

Protocol with benchmarks/browser_bench.py over stdin/stdout (one JSON object per line):
  -> {"event": "ready", "rows": n, "load_seconds": s, "idle_ms": [...]}   all pods shown, idle latencies
  <- "storm-started"                                                       the server storm began
  <- "storm-done"                                                          the server storm ended
  -> {"event": "result", "storm_ms": [...], "converge_seconds": s, "watch_caught_up_seconds": s,
      "row_checks": n, "mismatches": n, "rows": n, "server_pods": n, "vmhwm_kb": n, "gc": {...},
      "stall_count": n, "stalls_ms": [...]}
      (vmhwm: the peak up to the end of the storm; gc: garbage-collector pauses during the storm
      per generation; stalls_ms: the longest times the event loop did not run, during the storm)

Key latency: time from handing a key press ("down"/"up") to Textual's driver queue until the first
frame the compositor hands to the display after the pod table's selection moved (until 2026-12-03
the clock stopped when the selection moved in memory, before anything was painted: 29 ms where a
terminal showed 129 ms). Headless, the frame is composed but not written; benchmarks/screen_bench.py
times the same key to what a real terminal shows.
"Converged": seconds from the end of the storm until the watcher has read every change up to
the server's resourceVersion at that moment and the screen has applied the batches carrying them.
"Rows match": for every pod on the server, the row the table shows equals the row built from
the server's current object (relative times aside: AGE and RESTARTS' "(5m ago)"), and the table
shows no other pod; checked after convergence, repeated (up to 90 s) until it holds.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import re
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from textual import events

from tui.app import EphemeraApp
from tui.kube.config import KubeConfig
from tui.kube.requests import get_json
from widgets.pod_table import PodTable, pod_row

PRESS_GAP = 0.05  # seconds between key presses
CONVERGE_LIMIT = 90.0  # seconds after the storm to wait for the rows to match the server


def emit(payload: dict[str, Any]) -> None:
    print(json.dumps(payload), flush=True)


def vmhwm_kb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


async def wait_until(predicate: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.02)
    return predicate()


class Frames:
    """When the app hands a composed frame to the display (`App._display`, called headless too)."""

    def __init__(self, app: EphemeraApp) -> None:
        self.times: list[float] = []
        display = app._display

        def recorded(screen: Any, renderable: Any) -> None:
            if renderable is not None:
                self.times.append(time.perf_counter())
                del self.times[:-64]
            display(screen, renderable)

        app._display = recorded  # type: ignore[method-assign]

    def first_after(self, moment: float) -> float | None:
        return next((t for t in self.times if t > moment), None)


async def press_latency(app: EphemeraApp, table: PodTable, key: str) -> float:
    """Seconds from a key press until the first frame painted after the table's selection moved
    (capped at 5 s)."""
    frames: Frames = app._bench_frames  # type: ignore[attr-defined]
    before = table.selected_key
    event = events.Key(key, None)
    event.set_sender(app)
    started = time.perf_counter()
    assert app._driver is not None
    app._driver.send_message(event)
    deadline = started + 5.0
    unmoved = started  # the last moment the selection was seen not moved
    while table.selected_key == before and time.perf_counter() < deadline:
        unmoved = time.perf_counter()
        await asyncio.sleep(0.001)
    while (painted := frames.first_after(unmoved)) is None and time.perf_counter() < deadline:
        await asyncio.sleep(0.001)
    return (painted or time.perf_counter()) - started


async def latencies(app: EphemeraApp, table: PodTable, keep_going: Callable[[], bool]) -> list[float]:
    samples: list[float] = []
    keys = ("down", "up")
    while keep_going():
        samples.append(await press_latency(app, table, keys[len(samples) % 2]))
        await asyncio.sleep(PRESS_GAP)
    return samples


class GcPauses:
    """Pauses of the cyclic garbage collector, per generation, while recording."""

    def __init__(self) -> None:
        self.recording = False
        self._started = 0.0
        self.pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        elif self.recording:
            self.pauses[info["generation"]].append(time.perf_counter() - self._started)

    def summary(self) -> dict[str, dict[str, float]]:
        return {str(gen): {"count": len(p), "total_ms": sum(p) * 1000, "max_ms": max(p, default=0) * 1000}
                for gen, p in self.pauses.items()}


async def loop_stalls(keep_going: Callable[[], bool], tick: float = 0.002) -> list[float]:
    """How late each short sleep woke up: the event loop was busy (or waiting for the GIL)."""
    stalls: list[float] = []
    while keep_going():
        started = time.perf_counter()
        await asyncio.sleep(tick)
        late = time.perf_counter() - started - tick
        if late > 0.01:
            stalls.append(late)
    return stalls


def server_pods(kubeconfig: KubeConfig) -> dict[tuple[str, str], dict]:
    conn = kubeconfig.connect()
    api = conn.new_api_client()
    try:
        items = get_json(conn, "/api/v1/pods", client=api)["items"]
    finally:
        api.close()
    return {(p["metadata"]["namespace"], p["metadata"]["name"]): p for p in items}


def server_resource_version(kubeconfig: KubeConfig) -> int:
    """The server's current resourceVersion (a one-item list; cheap)."""
    conn = kubeconfig.connect()
    api = conn.new_api_client()
    try:
        return _rv(get_json(conn, "/api/v1/pods", [("limit", "1")], client=api)["metadata"]["resourceVersion"])
    finally:
        api.close()


def mismatches(table: PodTable, truth: dict[tuple[str, str], dict]) -> int:
    """Rows that differ from the server's pods, the relative times aside (AGE and the "(5m ago)"
    of RESTARTS change with the clock, not with the pod)."""
    now = datetime.now(UTC)
    shown = set(table.visible_keys())
    wrong = len(shown ^ set(truth))
    labels = [str(column.label) for column in table.columns.values()]
    for key in shown & set(truth):
        expected = [_plain(cell) for cell in pod_row(truth[key], now, show_namespace=table.show_namespace, compact=table.compact)]
        actual = [_plain(cell) for cell in table.row_texts(key)]
        if _without_clock(labels, expected) != _without_clock(labels, actual):
            wrong += 1
            if wrong <= 3:
                print("mismatch", key, expected, actual, file=sys.stderr)
    return wrong


def _without_clock(labels: list[str], cells: list[str]) -> list[str]:
    return [RELATIVE_TIME.sub("", cell) for label, cell in zip(labels, cells, strict=False) if label != "AGE"]


RELATIVE_TIME = re.compile(r" \([^)]* ago\)$")


def _plain(cell: object) -> str:
    return getattr(cell, "plain", str(cell))


async def run(kubeconfig_path: str, expected_rows: int) -> None:
    loop = asyncio.get_running_loop()
    kubeconfig = KubeConfig.load(kubeconfig=kubeconfig_path)
    app = EphemeraApp(kubeconfig, all_namespaces=True)
    started = time.monotonic()
    gc_pauses = GcPauses()
    async with app.run_test(size=(160, 50)):
        app._bench_frames = Frames(app)  # type: ignore[attr-defined]
        await wait_until(lambda: bool(app.screen.query(PodTable)), 30)
        table = app.screen.query_one(PodTable)
        await wait_until(lambda: table.visible_count >= expected_rows, 120)
        load_seconds = time.monotonic() - started
        table.focus()
        await asyncio.sleep(0.5)
        idle_until = time.monotonic() + 3.0
        idle = await latencies(app, table, lambda: time.monotonic() < idle_until)
        emit({"event": "ready", "rows": table.visible_count, "load_seconds": load_seconds,
              "idle_ms": [s * 1000 for s in idle]})

        await loop.run_in_executor(None, sys.stdin.readline)  # "storm-started"
        done = loop.run_in_executor(None, sys.stdin.readline)  # "storm-done"
        gc_pauses.recording = True
        stalls = asyncio.ensure_future(loop_stalls(lambda: not done.done()))
        storm = await latencies(app, table, lambda: not done.done())
        gc_pauses.recording = False
        storm_ended = time.monotonic()
        stall_samples = await stalls
        storm_hwm = vmhwm_kb()  # before the check below decodes the server's pods in this process

        # Converged: the watcher has read every change up to the server's resourceVersion at
        # the end of the storm and the screen has applied the batches carrying them.
        target_rv = await loop.run_in_executor(None, server_resource_version, kubeconfig)
        screen = app.screen
        watcher = getattr(screen, "watcher", None)
        await wait_until(lambda: watcher is None or _rv(watcher.resource_version) >= target_rv, CONVERGE_LIMIT)
        watch_caught_up = time.monotonic() - storm_ended
        await wait_until(lambda: watcher is None or not watcher._buffer.pending(), CONVERGE_LIMIT)
        applied = loop.create_future()
        screen.call_later(lambda: applied.done() or applied.set_result(None))
        await asyncio.wait_for(applied, CONVERGE_LIMIT)
        converged = time.monotonic() - storm_ended

        truth: dict[tuple[str, str], dict] = {}
        wrong = -1
        checks = 0
        while time.monotonic() - storm_ended < CONVERGE_LIMIT:
            truth = await loop.run_in_executor(None, server_pods, kubeconfig)
            # One batch interval and then some for events in flight. The demo's kubelet keeps
            # restarting crash-looping pods: a check can find the table one restart *ahead* of
            # the listed truth, hence a few checks.
            await asyncio.sleep(0.5)
            checks += 1
            wrong = mismatches(table, truth)
            if wrong == 0:
                break
        emit({"event": "result", "storm_ms": [s * 1000 for s in storm],
              "converge_seconds": converged, "watch_caught_up_seconds": watch_caught_up,
              "row_checks": checks, "mismatches": wrong,
              "rows": table.visible_count, "server_pods": len(truth), "vmhwm_kb": storm_hwm,
              "gc": gc_pauses.summary(), "stall_count": len(stall_samples),
              "stalls_ms": sorted((s * 1000 for s in stall_samples), reverse=True)[:20]})


def _rv(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        return -1


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kubeconfig", required=True)
    parser.add_argument("--expected-rows", type=int, required=True)
    args = parser.parse_args()
    try:
        asyncio.run(run(args.kubeconfig, args.expected_rows))
    except BaseException as exc:  # noqa: BLE001 - report, then leave without waiting on threads
        traceback.print_exc()
        emit({"event": "error", "error": repr(exc)})
        os._exit(1)
    sys.stdout.flush()
    os._exit(0)  # do not wait for the app's leftover worker threads


if __name__ == "__main__":
    sys.exit(main())
