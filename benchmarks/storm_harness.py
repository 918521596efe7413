"""Runs the real EphemeraApp headless (Textual's run_test) for the update-storm benchmark.

Protocol with benchmarks/browser_bench.py over stdin/stdout (one JSON object per line):
  -> {"event": "ready", "rows": n, "load_seconds": s, "idle_ms": [...]}   all pods shown, idle latencies
  <- "storm-started"                                                       the server storm began
  <- "storm-done"                                                          the server storm ended
  -> {"event": "result", "storm_ms": [...], "converge_seconds": s, "mismatches": n, "rows": n,
      "server_pods": n, "vmhwm_kb": n}   (vmhwm: the peak up to the end of the storm)

Key latency: time from handing a key press ("down"/"up") to Textual's driver queue until the pod
table's selection has moved, i.e. the app's event loop processed it between pod batches.
"Rows match": for every pod on the server, the row the table shows equals the row built from
the server's current object (the AGE column aside), and the table shows no other pod.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import traceback
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from textual import events

from tui.app import EphemeraApp
from tui.kube.config import KubeConfig
from tui.kube.namespaces import get_json
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


async def press_latency(app: EphemeraApp, table: PodTable, key: str) -> float:
    """Seconds until the table's selection moved after a key press (capped at 5 s)."""
    before = table.selected_key
    event = events.Key(key, None)
    event.set_sender(app)
    started = time.perf_counter()
    assert app._driver is not None
    app._driver.send_message(event)
    deadline = started + 5.0
    while table.selected_key == before and time.perf_counter() < deadline:
        await asyncio.sleep(0.001)
    return time.perf_counter() - started


async def latencies(app: EphemeraApp, table: PodTable, keep_going: Callable[[], bool]) -> list[float]:
    samples: list[float] = []
    keys = ("down", "up")
    while keep_going():
        samples.append(await press_latency(app, table, keys[len(samples) % 2]))
        await asyncio.sleep(PRESS_GAP)
    return samples


def server_pods(kubeconfig: KubeConfig) -> dict[tuple[str, str], dict]:
    api = kubeconfig.connect().new_api_client()
    try:
        items = get_json(api, "/api/v1/pods")["items"]
    finally:
        api.close()
    return {(p["metadata"]["namespace"], p["metadata"]["name"]): p for p in items}


def mismatches(table: PodTable, truth: dict[tuple[str, str], dict]) -> int:
    now = datetime.now(timezone.utc)
    shown = set(table.visible_keys())
    wrong = len(shown ^ set(truth))
    age_column = None
    for key in shown & set(truth):
        expected = [str(cell) for cell in pod_row(truth[key], now, show_namespace=table.show_namespace, compact=table.compact)]
        actual = table.row_texts(key)
        if age_column is None:
            labels = [str(column.label) for column in table.columns.values()]
            age_column = labels.index("AGE") if "AGE" in labels else -1
        if age_column >= 0:
            expected = expected[:age_column] + expected[age_column + 1 :]
            actual = actual[:age_column] + actual[age_column + 1 :]
        if [_plain(c) for c in expected] != [_plain(c) for c in actual]:
            wrong += 1
    return wrong


def _plain(cell: object) -> str:
    return getattr(cell, "plain", str(cell))


async def run(kubeconfig_path: str, expected_rows: int) -> None:
    loop = asyncio.get_running_loop()
    kubeconfig = KubeConfig.load(kubeconfig=kubeconfig_path)
    app = EphemeraApp(kubeconfig, all_namespaces=True)
    started = time.monotonic()
    async with app.run_test(size=(160, 50)):
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
        storm = await latencies(app, table, lambda: not done.done())
        storm_ended = time.monotonic()
        storm_hwm = vmhwm_kb()  # before the check below decodes the server's pods in this process

        truth: dict[tuple[str, str], dict] = {}
        wrong = -1
        while time.monotonic() - storm_ended < CONVERGE_LIMIT:
            truth = await loop.run_in_executor(None, server_pods, kubeconfig)
            await asyncio.sleep(0.5)  # one batch interval and then some for events in flight
            wrong = mismatches(table, truth)
            if wrong == 0:
                break
        emit({"event": "result", "storm_ms": [s * 1000 for s in storm],
              "converge_seconds": time.monotonic() - storm_ended, "mismatches": wrong,
              "rows": table.visible_count, "server_pods": len(truth), "vmhwm_kb": storm_hwm})


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
