"""The pure pieces behind the browser: filter parsing, pod facts, status colors (no server)."""

from __future__ import annotations

from widgets.pod_facts import container_entries, node_os, owner_text, pod_security_level, security_summary
from widgets.pod_filter import parse_filter
from widgets.pod_rows import status_severity


def _pod(**metadata: object) -> dict:
    return {"metadata": {"name": "p", "namespace": "ns", **metadata}, "spec": {}, "status": {}}


def test_filter_kinds() -> None:
    assert parse_filter("slim").substring == "slim"
    assert parse_filter("-l app=slim,tier!=db").label_selector == "app=slim,tier!=db"
    assert parse_filter("/web/").pattern is not None
    assert parse_filter("^web-.*z$").pattern is not None
    bad = parse_filter("web(")  # regex chars that do not compile: a plain substring
    assert bad.pattern is None and bad.substring == "web("
    assert parse_filter("-l").error
    assert not parse_filter("   ").active
    regex = parse_filter("^web-")
    assert regex.matches(("web-1", "default", "default/web-1"))
    assert not regex.matches(("xweb-1", "default", "default/xweb-1"))
    assert parse_filter("CRASH").matches(("p", "ns", "ns/p", "CrashLoopBackOff", "node"))


def test_owner_names_the_deployment_behind_a_replicaset() -> None:
    pod = _pod(
        labels={"pod-template-hash": "6d8c6578bc"},
        ownerReferences=[{"kind": "ReplicaSet", "name": "slim-6d8c6578bc", "controller": True}],
    )
    assert owner_text(pod) == "ReplicaSet slim-6d8c6578bc (Deployment slim)"
    assert owner_text(_pod(ownerReferences=[{"kind": "Job", "name": "backup-28947520"}])) == (
        "Job backup-28947520 (CronJob backup)"
    )
    assert owner_text(_pod(ownerReferences=[{"kind": "StatefulSet", "name": "redis"}])) == "StatefulSet redis"
    assert owner_text(_pod()) == "none (bare pod)"


def test_node_os_from_node_then_node_selector() -> None:
    pod = _pod()
    pod["spec"] = {"nodeName": "win", "nodeSelector": {"kubernetes.io/os": "windows"}}
    nodes = {"win": {"status": {"nodeInfo": {"operatingSystem": "windows"}}}}
    assert node_os(pod, nodes) == "windows (node win)"
    pod["spec"]["nodeName"] = None
    assert node_os(pod, {}) == "windows (nodeSelector)"


def test_pod_security_level_from_namespace_labels() -> None:
    restricted = {"metadata": {"labels": {"pod-security.kubernetes.io/enforce": "restricted"}}}
    assert pod_security_level(restricted) == "restricted:latest"
    assert pod_security_level({"metadata": {"labels": {}}}) == "privileged (no enforce label)"
    assert pod_security_level(None).startswith("unknown")


def test_security_and_containers() -> None:
    pod = _pod()
    pod["spec"] = {
        "securityContext": {"runAsNonRoot": True, "runAsUser": 65532},
        "containers": [{"name": "app", "image": "a"}],
        "ephemeralContainers": [
            {"name": "dbg", "image": "busybox", "targetContainerName": "app", "securityContext": {"runAsUser": 0}}
        ],
    }
    pod["status"] = {
        "ephemeralContainerStatuses": [
            {"name": "dbg", "state": {"waiting": {"reason": "CreateContainerConfigError", "message": "runAsNonRoot"}}}
        ]
    }
    assert security_summary(pod) == ["pod: runAsNonRoot=true runAsUser=65532", "ephemeral dbg: runAsUser=0"]
    app, dbg = container_entries(pod)
    assert (app.kind, app.state) == ("container", "Unknown")
    assert (dbg.kind, dbg.state, dbg.reason, dbg.target) == ("ephemeral", "Waiting", "CreateContainerConfigError", "app")


def test_status_colors_by_severity() -> None:
    assert status_severity("Running") == "ok"
    assert status_severity("Completed") == "done"
    assert status_severity("ContainerCreating") == "pending"
    assert status_severity("Init:0/1") == "pending"
    assert status_severity("Init:CrashLoopBackOff") == "error"
    assert status_severity("CrashLoopBackOff") == "error"
    assert status_severity("ImagePullBackOff") == "error"
