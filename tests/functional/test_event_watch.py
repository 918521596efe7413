"""tui/kube/events.py's EventWatcher against the demo cluster (real HTTP): the field selector keeps
other objects' events out, a dropped watch resumes, an expired resourceVersion (410) relists, a
refusal is said and retried, stop() ends it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from helpers.attach import request, wait_for
from tui.demo.cluster import DemoCluster
from tui.kube.config import KubeConfig
from tui.kube.events import EventSubject, EventWatcher

POD = "shared-pid-demo"


@pytest.fixture()
def connection(demo_cluster: DemoCluster) -> Iterator[Any]:
    conn = KubeConfig.load(str(demo_cluster.kubeconfig_path)).connect()  # type: ignore[attr-defined]
    try:
        yield conn
    finally:
        conn.close()


def _post(conn: Any, name: str, about: str, uid: str = "", reason: str = "Tested") -> None:
    event = {"apiVersion": "v1", "kind": "Event", "metadata": {"name": name, "namespace": "default"},
             "involvedObject": {"kind": "Pod", "namespace": "default", "name": about, **({"uid": uid} if uid else {})},
             "type": "Normal", "reason": reason, "message": name, "count": 1, "source": {"component": "test"},
             "firstTimestamp": "2026-01-01T00:00:00Z", "lastTimestamp": "2026-01-01T00:00:00Z"}
    status, answer = request(conn, "POST", "/api/v1/namespaces/default/events", event)
    assert status == 201, answer


class Seen:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.events: list[dict[str, Any]] = []
        self.errors: list[str] = []

    def on_events(self, events: list[dict[str, Any]]) -> None:
        with self.lock:
            self.events = events

    def on_error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)

    def names(self) -> set[str]:
        with self.lock:
            return {event["metadata"]["name"] for event in self.events}


def test_only_the_pods_events_live_through_a_dropped_watch_and_a_410(demo_cluster: DemoCluster, connection: Any) -> None:
    _, pod = request(connection, "GET", f"/api/v1/namespaces/default/pods/{POD}")
    uid = pod["metadata"]["uid"]
    _, listed = request(connection, "GET", f"/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3D{POD}")
    seeded = {event["metadata"]["name"] for event in listed["items"]}  # the scenario's events of the pod
    seen = Seen()
    watcher = EventWatcher(connection, "default", EventSubject("Pod", POD, uid), on_events=seen.on_events,
                           on_error=seen.on_error)
    watcher.start()
    try:
        _post(connection, "mine.1", POD, uid)
        _post(connection, "other.1", "slim-79487d6484-h4rss")
        _post(connection, "older-pod.1", POD, "another-uid")  # a pod of the same name before: not this one
        wait_for(lambda: "mine.1" in seen.names(), 10, "the pod's event")
        demo_cluster.faults.drop_watches()
        _post(connection, "mine.2", POD, uid)
        wait_for(lambda: "mine.2" in seen.names(), 10, "an event after the watch was dropped")
        demo_cluster.faults.compact_history()
        demo_cluster.faults.drop_watches()
        _post(connection, "mine.3", POD, uid)
        wait_for(lambda: "mine.3" in seen.names(), 15, "an event after a 410 (relist)")
        assert seen.names() == {"mine.1", "mine.2", "mine.3"} | seeded
        assert seen.errors == []
    finally:
        watcher.stop(timeout=5)
    assert watcher.stopped


def test_a_refusal_is_said_then_the_watch_starts_when_allowed(demo_cluster: DemoCluster, connection: Any) -> None:
    demo_cluster.faults.deny("list", "events")
    seen = Seen()
    watcher = EventWatcher(connection, "default", EventSubject("Pod", POD), on_events=seen.on_events,
                           on_error=seen.on_error, refused_retry=0.2)
    watcher.start()
    try:
        wait_for(lambda: bool(seen.errors), 10, "the refusal")
        assert 'cannot list resource "events"' in seen.errors[0]
        assert "kubectl auth can-i list events -n default" in seen.errors[0]
        demo_cluster.faults.allow_all()
        _post(connection, "after.1", POD)
        wait_for(lambda: "after.1" in seen.names(), 10, "the events once allowed")
        assert seen.errors[-1] == ""  # said once it works again
    finally:
        watcher.stop(timeout=5)
