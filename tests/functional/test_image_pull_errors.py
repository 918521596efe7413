"""A missing image, as the kubelet reports it: ErrImagePull and ImagePullBackOff alternate for a
copy's container and for an ephemeral container; `ephemera debug` reports it once and exits 1."""

from __future__ import annotations

from typing import Any

import pytest

from helpers.demo_http import Raw, ephemeral_state, pod_json, wait_for
from tui.cli import main
from tui.demo.cluster import DemoCluster

SLIM = "slim-79487d6484-h4rss"
WEB = "web-5d9c7b8f4-m4k8p"
MISSING = "example.com/doesnotexist:1"


def _fast_backoff(cluster: DemoCluster, seconds: float = 0.4) -> None:
    cluster.run(lambda: setattr(cluster.kubelet, "image_pull_backoff", seconds))


def _state_in(pod: dict[str, Any], container: str) -> dict[str, Any]:
    status = pod.get("status") or {}
    for entry in (status.get("containerStatuses") or []) + (status.get("ephemeralContainerStatuses") or []):
        if entry["name"] == container:
            return dict(entry["state"])
    return {}


def _reasons_seen(cluster: DemoCluster, pod: str, container: str, count: int) -> list[tuple[str, str]]:
    """The distinct successive (reason, message) waiting states of `container`, from the pod's
    watch (every change, however short it lasted: polling would miss the kubelet's brief
    ErrImagePull between two back-offs), until `count` were seen."""
    seen: list[tuple[str, str]] = []

    def note(obj: dict[str, Any]) -> bool:
        waiting = _state_in(obj, container).get("waiting") or {}
        current = (waiting.get("reason", ""), waiting.get("message", ""))
        if current[0] and (not seen or seen[-1] != current):
            seen.append(current)
        return len(seen) >= count

    current = pod_json(cluster, "default", pod)
    assert current is not None, pod
    note(current)
    version = current["metadata"]["resourceVersion"]
    stream = Raw(cluster).stream(f"/api/v1/namespaces/default/pods?watch=1&fieldSelector=metadata.name={pod}"
                                 f"&resourceVersion={version}", timeout=30)
    try:
        stream.events_until(lambda event: event.get("type") == "MODIFIED" and note(event["object"]))
    finally:
        stream.close()
    assert len(seen) >= count, f"the watch ended after {seen}"
    return seen


def _expect_alternation(seen: list[tuple[str, str]]) -> None:
    reasons = [reason for reason, _ in seen]
    start = reasons.index("ErrImagePull")
    assert reasons[start:start + 3] == ["ErrImagePull", "ImagePullBackOff", "ErrImagePull"]
    backoff_message = seen[start + 1][1]
    assert backoff_message == f'Back-off pulling image "{MISSING}"'
    assert f"{MISSING}: not found" in seen[start][1]


def test_copy_with_a_missing_image_alternates_err_image_pull_and_back_off(
        demo_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    _fast_backoff(demo_cluster)
    code = main(["--kubeconfig", str(demo_cluster.kubeconfig_path), "debug", WEB, "--copy-to=web-broken",
                 f"--image={MISSING}", "-c", "dbg", "--no-attach"])
    assert code == 1
    _, err = capsys.readouterr()
    assert err.count("its image cannot be pulled") == 1  # reported once, not per waiting state
    assert "Waiting: container dbg: ErrImagePull" not in err
    assert "Check the image name and tag" in err and "ephemera cleanup -n default" in err
    seen = _reasons_seen(demo_cluster, "web-broken", "dbg", 4)
    _expect_alternation(seen)


def test_ephemeral_container_with_a_missing_image_alternates_too(demo_cluster: DemoCluster,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    _fast_backoff(demo_cluster)
    code = main(["--kubeconfig", str(demo_cluster.kubeconfig_path), "debug", SLIM, f"--image={MISSING}",
                 "-c", "dbg", "--no-attach"])
    assert code == 1
    _, err = capsys.readouterr()
    assert err.count("its image cannot be pulled") == 1
    assert "An ephemeral container can never be removed" in err and "costs nothing" in err
    seen = _reasons_seen(demo_cluster, SLIM, "dbg", 4)
    _expect_alternation(seen)


def test_back_off_stops_when_the_pod_is_deleted(demo_cluster: DemoCluster) -> None:
    _fast_backoff(demo_cluster, 0.2)
    raw = Raw(demo_cluster)
    status, _ = raw.json("PATCH", f"/api/v1/namespaces/default/pods/{SLIM}/ephemeralcontainers",
                         {"spec": {"ephemeralContainers": [{"name": "dbg", "image": MISSING}]}},
                         "application/strategic-merge-patch+json")
    assert status == 200
    wait_for(lambda: (ephemeral_state(demo_cluster, "default", SLIM, "dbg").get("waiting") or {})
             .get("reason") == "ImagePullBackOff", what="back-off")
    assert raw.json("DELETE", f"/api/v1/namespaces/default/pods/{SLIM}", None, "application/json")[0] == 200
    wait_for(lambda: pod_json(demo_cluster, "default", SLIM) is None, what="pod gone")


WINDOWS_POD = "win-iis-6b7d8c9f5-q7rtz"  # on demo-win-1, a Windows Server 2019 node


def _add_debugger(cluster: DemoCluster, pod: str, image: str) -> None:
    status, body = Raw(cluster).json("PATCH", f"/api/v1/namespaces/default/pods/{pod}/ephemeralcontainers",
                                     {"spec": {"ephemeralContainers": [{"name": "dbg", "image": image,
                                                                         "stdin": True, "tty": True}]}},
                                     "application/strategic-merge-patch+json")
    assert status == 200, body


def test_a_linux_image_on_the_windows_node_cannot_be_pulled(demo_cluster: DemoCluster) -> None:
    """As on a real Windows node: busybox has no windows/amd64 manifest, so the debugger never runs
    (no Linux shell on a Windows node); a Windows image starts there."""
    _fast_backoff(demo_cluster)
    _add_debugger(demo_cluster, WINDOWS_POD, "busybox")
    seen = _reasons_seen(demo_cluster, WINDOWS_POD, "dbg", 3)
    reasons = [reason for reason, _ in seen]
    start = reasons.index("ErrImagePull")
    assert reasons[start:start + 2] == ["ErrImagePull", "ImagePullBackOff"]
    assert seen[start][1] == ('failed to pull and unpack image "docker.io/library/busybox:latest": '
                              "no matching manifest for windows/amd64 in the manifest list entries")
    assert "running" not in ephemeral_state(demo_cluster, "default", WINDOWS_POD, "dbg")


def test_a_windows_image_runs_on_the_windows_node_but_not_on_a_linux_one(demo_cluster: DemoCluster) -> None:
    nanoserver = "mcr.microsoft.com/windows/nanoserver:ltsc2019"
    _add_debugger(demo_cluster, WINDOWS_POD, nanoserver)
    wait_for(lambda: "running" in ephemeral_state(demo_cluster, "default", WINDOWS_POD, "dbg"),
             what="nanoserver running on the Windows node")
    _add_debugger(demo_cluster, SLIM, nanoserver)
    seen = _reasons_seen(demo_cluster, SLIM, "dbg", 2)
    failure = next(message for reason, message in seen if reason == "ErrImagePull")
    assert failure.endswith(": no matching manifest for linux/amd64 in the manifest list entries")
