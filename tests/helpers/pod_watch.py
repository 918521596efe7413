"""A PodWatcher on a demo cluster, recorded as the UI applies it (thread-safe), and the check that
the recorded pods match the server's."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from helpers import WAIT_SECONDS
from tui.demo.cluster import DemoCluster
from tui.kube.config import KubeConfig
from tui.kube.connection import ClusterConnection
from tui.kube.pod_watch import PodWatcher, WatchStatus
from tui.kube.requests import get_json
from tui.pods.store import PodBatch, PodStore

TIMEOUT = WAIT_SECONDS


class Recorder:
    """Applies batches like the UI does and records every status, thread-safely."""

    def __init__(self) -> None:
        self.store = PodStore()
        self.batches: list[PodBatch] = []
        self.statuses: list[WatchStatus] = []
        self._changed = threading.Condition()

    def on_batch(self, batch: PodBatch) -> None:
        with self._changed:
            self.batches.append(batch)
            self.store.apply(batch)
            self._changed.notify_all()

    def on_status(self, status: WatchStatus) -> None:
        with self._changed:
            self.statuses.append(status)
            self._changed.notify_all()

    def wait_for(self, predicate: Callable[[], bool], timeout: float = TIMEOUT, what: str = "") -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out waiting for {what or predicate}; statuses: {self.statuses}")
                self._changed.wait(min(remaining, 0.05))

    @property
    def state(self) -> str:
        return self.statuses[-1].state if self.statuses else ""


def connect(cluster: DemoCluster) -> ClusterConnection:
    return KubeConfig.load(kubeconfig=str(cluster.kubeconfig_path)).connect()


def server_pods(connection: ClusterConnection, path: str = "/api/v1/pods", **query: str) -> dict:
    items = get_json(connection, path, list(query.items()))["items"]
    return {(p["metadata"]["namespace"], p["metadata"]["name"]): p for p in items}


def versions(pods: dict) -> dict:
    return {key: pod["metadata"]["resourceVersion"] for key, pod in pods.items()}


def start_watcher(connection: ClusterConnection, namespace: str | None = None,
                  **options: object) -> tuple[PodWatcher, Recorder]:
    recorder = Recorder()
    options.setdefault("batch_interval", 0.05)
    watcher = PodWatcher(connection, namespace, on_batch=recorder.on_batch, on_status=recorder.on_status,
                         **options)  # type: ignore[arg-type]
    watcher.start()
    return watcher, recorder


def wait_in_sync(recorder: Recorder, connection: ClusterConnection, timeout: float = TIMEOUT) -> None:
    """Until the recorded pods equal the server's, object for object (by resourceVersion)."""
    deadline = time.monotonic() + timeout
    while True:
        truth = versions(server_pods(connection))
        with recorder._changed:
            shown = versions(recorder.store.pods)
        if shown == truth:
            return
        if time.monotonic() > deadline:
            missing = set(truth) - set(shown)
            ghosts = set(shown) - set(truth)
            stale = {k for k in set(truth) & set(shown) if truth[k] != shown[k]}
            raise AssertionError(f"not in sync: missing {missing}, ghosts {ghosts}, stale {stale}")
        time.sleep(0.05)
