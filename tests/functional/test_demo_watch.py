"""Watch semantics of the demo API server: initial ADDED, replay, bookmarks, timeouts, 410 both ways,
selector transitions, dropped watches and a server restart mid-watch."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from helpers.demo_http import Raw, wait_for
from tui.demo.cluster import DemoCluster
from tui.demo.routes import watch as watch_routes

SLIM = "slim-79487d6484-h4rss"


def _current_rv(raw: Raw) -> int:
    _, body = raw.json("GET", "/api/v1/namespaces/default/pods")
    return int(body["metadata"]["resourceVersion"])


def test_watch_without_resource_version_starts_with_added_for_everything(demo_cluster: DemoCluster) -> None:
    raw = Raw(demo_cluster)
    _, listed = raw.json("GET", "/api/v1/namespaces/default/pods")
    stream = raw.stream("/api/v1/namespaces/default/pods?watch=1")
    names = {p["metadata"]["name"] for p in listed["items"]}
    initial = [stream.next_event() for _ in names]
    assert {e["type"] for e in initial} == {"ADDED"}
    assert {e["object"]["metadata"]["name"] for e in initial} == names
    demo_cluster.faults.touch_pods([("default", SLIM)])
    event = stream.next_event()
    assert event["type"] == "MODIFIED" and event["object"]["metadata"]["name"] == SLIM
    stream.close()


def test_watch_replays_from_a_resource_version(demo_cluster: DemoCluster) -> None:
    raw = Raw(demo_cluster)
    start = _current_rv(raw)
    demo_cluster.faults.touch_pods([("default", SLIM), ("default", "shared-pid-demo")])
    demo_cluster.faults.delete_pod("default", "nonroot-app")
    stream = raw.stream(f"/api/v1/namespaces/default/pods?watch=true&resourceVersion={start}")
    events = [stream.next_event() for _ in range(3)]
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [
        ("MODIFIED", SLIM), ("MODIFIED", "shared-pid-demo"), ("DELETED", "nonroot-app")]
    versions = [int(e["object"]["metadata"]["resourceVersion"]) for e in events]
    assert versions == sorted(versions) and versions[0] > start
    stream.close()


def test_bookmarks_carry_only_the_resource_version(demo_cluster: DemoCluster) -> None:
    demo_cluster.bookmark_frequency = 0.2  # the API server's minute, shortened
    raw = Raw(demo_cluster)
    start = _current_rv(raw)
    stream = raw.stream(f"/api/v1/pods?watch=1&resourceVersion={start}&allowWatchBookmarks=true")
    event = stream.next_event()
    assert event["type"] == "BOOKMARK"
    assert event["object"]["kind"] == "Pod"
    assert event["object"]["metadata"] == {"resourceVersion": str(start)}
    stream.close()


class _ServerClock:
    """The watch routes' clock, moved only by the test (read on the server's loop)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.reads = 0

    def monotonic(self) -> float:
        self.reads += 1
        return self.now


def test_timeout_seconds_ends_the_stream(demo_cluster: DemoCluster, monkeypatch: pytest.MonkeyPatch) -> None:
    """The stream lasts its timeoutSeconds on the server's clock: still open just before, ended
    (with the watch cache's last BOOKMARK) once they are over."""
    clock = _ServerClock()
    monkeypatch.setattr(watch_routes, "time", SimpleNamespace(monotonic=clock.monotonic))
    raw = Raw(demo_cluster)
    start = _current_rv(raw)
    stream = raw.stream(f"/api/v1/pods?watch=1&resourceVersion={start}&timeoutSeconds=1&allowWatchBookmarks=true")
    wait_for(lambda: clock.reads, what="the stream's deadline set")  # its first reading of the clock
    clock.now = 1000.9  # not over yet: the stream still delivers
    seen = clock.reads
    wait_for(lambda: clock.reads > seen, what="the stream's look at the clock at 0.9 s")
    demo_cluster.faults.touch_pods([("default", SLIM)])
    event = stream.next_event()
    assert event is not None and (event["type"], event["object"]["metadata"].get("name")) == ("MODIFIED", SLIM)
    clock.now = 1001.0  # the second is over
    event = stream.next_event()
    assert event is not None and event["type"] == "BOOKMARK"
    assert stream.next_event() is None


def test_expired_resource_version_is_410_before_streaming(demo_cluster: DemoCluster) -> None:
    raw = Raw(demo_cluster)
    start = _current_rv(raw)
    demo_cluster.faults.touch_pods([("default", SLIM)])
    demo_cluster.faults.compact_history()
    status, body = raw.json("GET", f"/api/v1/pods?watch=1&resourceVersion={start}")
    assert status == 410
    assert body["reason"] == "Expired" and body["code"] == 410
    assert body["message"].startswith(f"too old resource version: {start} (")


def test_history_expiring_during_a_watch_is_an_error_event(demo_cluster: DemoCluster) -> None:
    raw = Raw(demo_cluster)
    stream = raw.stream(f"/api/v1/pods?watch=1&resourceVersion={_current_rv(raw)}")
    demo_cluster.faults.compact_history()
    event = stream.next_event()
    assert event["type"] == "ERROR"
    assert event["object"]["code"] == 410 and event["object"]["reason"] == "Expired"
    assert stream.next_event() is None


def test_bounded_history_expires_old_versions() -> None:
    with DemoCluster(kubelet_delay=0.2, history_size=10) as cluster:
        raw = Raw(cluster)
        start = _current_rv(raw)
        cluster.faults.touch_pods(count=5)
        cluster.faults.touch_pods(count=5)
        assert raw.request("GET", f"/api/v1/pods?watch=1&resourceVersion={start}&timeoutSeconds=1").status == 200
        cluster.faults.touch_pods(count=5)
        assert raw.request("GET", f"/api/v1/pods?watch=1&resourceVersion={start}").status == 410


def test_label_changes_move_pods_in_and_out_of_a_selector(demo_cluster: DemoCluster) -> None:
    raw = Raw(demo_cluster)
    stream = raw.stream(f"/api/v1/pods?watch=1&labelSelector=app%3Dslim&resourceVersion={_current_rv(raw)}")
    patch = {"metadata": {"labels": {"app": "other"}}}
    demo_cluster.run(lambda: demo_cluster.store.modify(
        "pods", "default", SLIM, lambda p: p["metadata"]["labels"].update(patch["metadata"]["labels"])))
    event = stream.next_event()
    assert (event["type"], event["object"]["metadata"]["name"]) == ("DELETED", SLIM)
    demo_cluster.run(lambda: demo_cluster.store.modify(
        "pods", "default", SLIM, lambda p: p["metadata"]["labels"].update({"app": "slim"})))
    assert stream.next_event()["type"] == "ADDED"
    stream.close()


def test_field_selector_watch_of_one_pod(demo_cluster: DemoCluster) -> None:
    raw = Raw(demo_cluster)
    stream = raw.stream(f"/api/v1/namespaces/default/pods?watch=1&fieldSelector=metadata.name%3D{SLIM}")
    assert stream.next_event()["object"]["metadata"]["name"] == SLIM
    demo_cluster.faults.touch_pods([("default", "shared-pid-demo"), ("default", SLIM)])
    event = stream.next_event()
    assert (event["type"], event["object"]["metadata"]["name"]) == ("MODIFIED", SLIM)
    stream.close()


def test_drop_watches_ends_open_streams(demo_cluster: DemoCluster) -> None:
    raw = Raw(demo_cluster)
    stream = raw.stream(f"/api/v1/pods?watch=1&resourceVersion={_current_rv(raw)}")
    wait_for(lambda: demo_cluster.run(lambda: len(demo_cluster.store.watchers)), what="watch registered")
    assert demo_cluster.faults.drop_watches() == 1
    assert stream.next_event() is None


def test_restart_server_mid_watch_keeps_port_and_state(demo_cluster: DemoCluster) -> None:
    raw = Raw(demo_cluster)
    start = _current_rv(raw)
    port = demo_cluster.port
    stream = raw.stream(f"/api/v1/pods?watch=1&resourceVersion={start}")
    wait_for(lambda: demo_cluster.run(lambda: len(demo_cluster.store.watchers)), what="watch registered")
    demo_cluster.restart_server(downtime=0.1)
    assert stream.next_event() is None
    assert demo_cluster.port == port
    demo_cluster.faults.touch_pods([("default", SLIM)])
    resumed = raw.stream(f"/api/v1/pods?watch=1&resourceVersion={start}")
    event = resumed.next_event()
    assert (event["type"], event["object"]["metadata"]["name"]) == ("MODIFIED", SLIM)
    resumed.close()


def test_update_storm_reaches_watchers(demo_cluster: DemoCluster) -> None:
    raw = Raw(demo_cluster)
    stream = raw.stream(f"/api/v1/pods?watch=1&resourceVersion={_current_rv(raw)}")
    wait_for(lambda: demo_cluster.run(lambda: len(demo_cluster.store.watchers)), what="watch registered")
    # until the cluster stops: a storm bounded in time could make fewer than the 400 read on a busy machine
    demo_cluster.faults.storm(changes_per_second=2000, seconds=600.0)
    events = stream.events_until(lambda e: False, limit=400)
    assert len(events) == 400 and {e["type"] for e in events} == {"MODIFIED"}
    stream.close()
