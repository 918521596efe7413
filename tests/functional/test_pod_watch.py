"""The live pod watch against a real demo cluster: what the pod table would show, and when."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers.pod_watch import Recorder, connect, server_pods, start_watcher, wait_in_sync
from tui.demo.cluster import DemoCluster
from tui.kube.config import KubeConfig
from tui.kube.connection import ClusterConnection
from tui.kube.pod_watch import PodWatcher
from tui.kube.watch_backoff import Backoff


@pytest.fixture()
def watching(demo_cluster: DemoCluster) -> Iterator[tuple[PodWatcher, Recorder, ClusterConnection]]:
    connection = connect(demo_cluster)
    watcher, recorder = start_watcher(connection, watch_timeout=30)
    try:
        recorder.wait_for(lambda: recorder.state == "live" and bool(recorder.batches), what="live")
        yield watcher, recorder, connection
    finally:
        watcher.stop()
        connection.close()


def first_container(pods: dict, namespace: str = "default") -> tuple[str, str]:
    for (ns, name), pod in sorted(pods.items()):
        if ns == namespace and pod.get("status", {}).get("phase") == "Running":
            return name, pod["spec"]["containers"][0]["name"]
    raise AssertionError("no running pod in the scenario")


def waiting_reason(pod: dict | None, container: str) -> str:
    for status in (pod or {}).get("status", {}).get("containerStatuses") or []:
        if status["name"] == container:
            return (status.get("state", {}).get("waiting") or {}).get("reason", "")
    return ""


def test_initial_list_arrives_as_a_reset_matching_the_server(watching) -> None:
    _watcher, recorder, connection = watching
    assert recorder.batches[0].reset
    assert [s.state for s in recorder.statuses[:2]] == ["connecting", "live"]
    wait_in_sync(recorder, connection)
    pod = next(iter(recorder.store.pods.values()))
    assert "managedFields" not in pod["metadata"]


def test_a_container_state_change_arrives_without_anything_else_happening(watching, demo_cluster) -> None:
    watcher, recorder, _connection = watching
    name, container = first_container(recorder.store.pods)
    demo_cluster.faults.set_container_waiting("default", name, container, "CrashLoopBackOff",
                                              "back-off 10s restarting failed container")
    recorder.wait_for(lambda: waiting_reason(recorder.store.pods.get(("default", name)), container)
                      == "CrashLoopBackOff", what="CrashLoopBackOff")
    assert watcher.relists == 1


def test_dropped_watches_resume_without_missing_a_change(watching, demo_cluster) -> None:
    watcher, recorder, connection = watching
    name, container = first_container(recorder.store.pods)
    demo_cluster.faults.drop_watches()
    demo_cluster.faults.set_container_waiting("default", name, container, "ImagePullBackOff", "Back-off pulling image")
    recorder.wait_for(lambda: waiting_reason(recorder.store.pods.get(("default", name)), container)
                      == "ImagePullBackOff", what="change made while the watch was down")
    wait_in_sync(recorder, connection)
    assert watcher.relists == 1  # resumed from the resourceVersion: no full relist needed


def test_expired_history_relists_with_exactly_the_servers_pods(watching, demo_cluster) -> None:
    watcher, recorder, connection = watching
    victim = sorted(recorder.store.pods)[0]
    resets_before = sum(b.reset for b in recorder.batches)
    demo_cluster.faults.touch_pods(count=1)  # the watcher's resourceVersion is now behind...
    demo_cluster.faults.compact_history()  # ...and outside the history: 410 (ERROR event or HTTP)
    demo_cluster.faults.delete_pod(*victim)
    recorder.wait_for(lambda: sum(b.reset for b in recorder.batches) > resets_before, what="a relist after 410")
    wait_in_sync(recorder, connection)
    assert watcher.relists >= 2


def test_server_restart_shows_reconnecting_with_a_reason_then_live(watching, demo_cluster) -> None:
    _watcher, recorder, connection = watching
    seen = len(recorder.statuses)
    demo_cluster.restart_server(downtime=1.0)
    recorder.wait_for(lambda: any(s.state == "reconnecting" for s in recorder.statuses[seen:]),
                      what="reconnecting")
    reconnecting = next(s for s in recorder.statuses[seen:] if s.state == "reconnecting")
    assert reconnecting.reason
    assert reconnecting.retry_at is not None
    recorder.wait_for(lambda: recorder.state == "live", timeout=30, what="live again")
    wait_in_sync(recorder, connection)


def test_forbidden_list_fails_naming_the_verb_and_resource(demo_cluster) -> None:
    demo_cluster.faults.deny("list", "pods")
    connection = connect(demo_cluster)
    watcher, recorder = start_watcher(connection)
    try:
        recorder.wait_for(lambda: recorder.state == "failed", what="failed")
        reason = recorder.statuses[-1].reason
        assert "list" in reason and "pods" in reason
        assert recorder.statuses[-1].retry_at is not None
        assert not recorder.batches
        demo_cluster.faults.allow_all()
        watcher.retry_now()
        recorder.wait_for(lambda: recorder.state == "live", what="live after access was granted")
        wait_in_sync(recorder, connection)
    finally:
        watcher.stop()
        connection.close()


def test_label_selector_limits_the_pods(demo_cluster) -> None:
    connection = connect(demo_cluster)
    everything = server_pods(connection)
    label, value = next(
        (k, v) for pod in everything.values() for k, v in (pod["metadata"].get("labels") or {}).items()
        if k == "app"
    )
    expected = server_pods(connection, labelSelector=f"{label}={value}")
    assert 0 < len(expected) < len(everything)
    watcher, recorder = start_watcher(connection, label_selector=f"{label}={value}")
    try:
        recorder.wait_for(lambda: recorder.state == "live" and bool(recorder.batches), what="live")
        assert set(recorder.store.pods) == set(expected)
    finally:
        watcher.stop()
        connection.close()


def test_one_namespace_and_an_empty_one(shared_cluster) -> None:
    connection = connect(shared_cluster)
    try:
        for namespace in ("default", "no-such-namespace-here"):
            watcher, recorder = start_watcher(connection, namespace)
            try:
                recorder.wait_for(lambda: recorder.state == "live" and bool(recorder.batches), what="live")
                expected = server_pods(connection, f"/api/v1/namespaces/{namespace}/pods")
                assert recorder.batches[0].reset
                assert set(recorder.store.pods) == set(expected)
                assert all(ns == namespace for ns, _ in recorder.store.pods)
            finally:
                watcher.stop()
        assert not expected  # the empty namespace: a reset batch with no pods
    finally:
        connection.close()


def test_stop_returns_promptly_while_a_watch_is_open(demo_cluster) -> None:
    # a cluster of its own: on a shared one another test's watch could end meanwhile, and the count
    # compared below would not grow
    def watches() -> int:
        return demo_cluster.run(lambda: len(demo_cluster.store.watchers))

    connection = connect(demo_cluster)
    before = watches()
    watcher, recorder = start_watcher(connection, watch_timeout=300)
    try:
        recorder.wait_for(lambda: recorder.state == "live", what="live")
        recorder.wait_for(lambda: watches() > before, what="the watch request open on the server")
        # the open response is aborted, so the threads end at once: stop()'s wait (3 s) never runs out
        watcher.stop()
        assert not any(t.is_alive() for t in threading.enumerate() if t.name.startswith("pod-watch"))
    finally:
        watcher.stop()  # idempotent: a failure above leaves no watch thread behind for the next test
        connection.close()


def test_unreachable_server_reports_reconnecting_with_the_address(tmp_path: Path) -> None:
    cluster = DemoCluster()
    cluster.start()
    kubeconfig = cluster.write_kubeconfig(tmp_path / "config")
    cluster.stop()
    connection = KubeConfig.load(kubeconfig=str(kubeconfig)).connect()
    began = time.monotonic()
    # a backoff without jitter: the next attempt is 7 s after the failure
    watcher, recorder = start_watcher(connection, backoff=Backoff(base=7.0, cap=7.0, uniform=lambda low, high: high))
    try:
        recorder.wait_for(lambda: recorder.state == "reconnecting", what="reconnecting")
        status = recorder.statuses[-1]
        host_port = connection.server.split("://", 1)[1]
        assert host_port in status.reason
        # when the next attempt is (on the monotonic clock): the backoff's 7 s after the failure,
        # which came after `began` and before now
        assert status.retry_at is not None and began + 7.0 <= status.retry_at <= time.monotonic() + 7.0
    finally:
        watcher.stop()  # a retry wait is cut short: the threads end within stop()'s wait
        connection.close()
    assert not any(t.is_alive() for t in threading.enumerate() if t.name.startswith("pod-watch"))


def test_acknowledged_batches_wait_for_the_consumer_and_collapse(demo_cluster) -> None:
    connection = connect(demo_cluster)
    watcher, recorder = start_watcher(connection, batch_interval=0.02, acknowledge=True, ack_timeout=30)
    try:
        recorder.wait_for(lambda: recorder.state == "live" and bool(recorder.batches), what="live")
        time.sleep(0.1)
        held = len(recorder.batches)
        touched = sorted(recorder.store.pods)[:2]
        for _ in range(3):
            demo_cluster.faults.touch_pods(keys=touched)
        time.sleep(0.3)
        assert len(recorder.batches) == held  # the consumer has not acknowledged: nothing more
        watcher.batch_applied()
        recorder.wait_for(lambda: len(recorder.batches) > held, what="the held-back batch")
        assert len(recorder.batches) == held + 1
        latest = recorder.batches[-1]
        assert set(touched) <= set(latest.upserts)  # three changes of each pod: one upsert each
        assert not latest.reset
        watcher.batch_applied()
        wait_in_sync(recorder, connection)
    finally:
        watcher.stop()
        connection.close()


def test_the_first_page_is_small_and_the_next_waits_until_its_rows_are_shown(monkeypatch, tmp_path: Path) -> None:
    """Start-up (issue 15): the first 100 pods go out at once; the second page is asked for once
    the consumer says their rows are painted (here: never on its own within the test's time), so
    decoding it does not slow the first frame."""
    import tui.kube.pod_watch as pod_watch

    monkeypatch.setattr(pod_watch, "FIRST_ROWS_WAIT", 120.0)
    with DemoCluster(extra_pods=250) as cluster:
        connection = KubeConfig.load(kubeconfig=str(cluster.write_kubeconfig(tmp_path / "kubeconfig"))).connect()
        watcher, recorder = start_watcher(connection, watch_timeout=30)
        try:
            recorder.wait_for(lambda: watcher.awaiting_first_rows, what="the first page out, the list waiting")
            assert len(recorder.batches) == 1 and recorder.batches[0].reset
            assert len(recorder.store.stored) == pod_watch.FIRST_PAGE_SIZE
            watcher.first_rows_shown()
            expected = server_pods(connection)
            recorder.wait_for(lambda: recorder.state == "live" and set(recorder.store.stored) == set(expected),
                              what="every pod once the first rows are shown")
            assert len(expected) > 250
        finally:
            watcher.stop()
            connection.close()
