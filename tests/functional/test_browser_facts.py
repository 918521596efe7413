"""The pure pieces behind the browser: filter parsing, pod facts, status colors (no server)."""

from __future__ import annotations

from datetime import UTC

from tui.pods.facts import container_entries, node_os, owner_text, pod_security_level, security_summary
from tui.pods.filter import parse_filter
from tui.pods.rows import status_severity


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
    assert node_os(_pod(), {}) == "unknown (not scheduled to a node yet)"


def test_pod_security_level_from_namespace_labels() -> None:
    restricted = {"metadata": {"labels": {"pod-security.kubernetes.io/enforce": "restricted"}}}
    assert pod_security_level(restricted) == "restricted:latest (debug with the restricted profile)"
    baseline = {"metadata": {"labels": {
        "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/enforce-version": "v1.30",
        "pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/audit": "restricted",
    }}}
    assert pod_security_level(baseline) == (
        "baseline:v1.30 (debug with the baseline or restricted profile)  warn restricted:latest  audit restricted:latest"
    )
    assert pod_security_level({"metadata": {"labels": {}}}) == "privileged (no enforce label)"
    assert pod_security_level(None).startswith("unknown")


def test_pod_security_unknown_says_why() -> None:
    from tui.pods.facts import pod_facts

    pod = _pod()
    assert "may not list namespaces" in pod_facts(pod, nodes={}, namespaces={}, notes=["namespaces: HTTP 403"]).pod_security
    assert "HTTP 500" in pod_facts(pod, nodes={}, namespaces={}, notes=["namespaces: HTTP 500"]).pod_security
    assert "not loaded yet" in pod_facts(pod, nodes={}, namespaces={}).pod_security


def test_inspector_shows_every_container_field() -> None:
    """Init, regular and ephemeral containers: image, state with reason and message, start and
    finish, exit code, restarts, the last termination in full, the target."""
    from datetime import datetime

    from rich.console import Console

    from widgets.container_inspector import render_pod

    pod = _pod()
    pod["spec"] = {
        "initContainers": [{"name": "migrate", "image": "migrate:2"}],
        "containers": [{"name": "api", "image": "api:1"}],
        "ephemeralContainers": [{"name": "debugger-x1", "image": "busybox:1.36", "targetContainerName": "api"}],
    }
    pod["status"] = {
        "phase": "Running",
        "initContainerStatuses": [{"name": "migrate", "restartCount": 0, "ready": True, "state": {"terminated": {
            "reason": "Completed", "exitCode": 0,
            "startedAt": "2026-01-01T09:59:00Z", "finishedAt": "2026-01-01T09:59:30Z"}}}],
        "containerStatuses": [{"name": "api", "restartCount": 3, "ready": False,
            "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 40s restarting failed container"}},
            "lastState": {"terminated": {"reason": "OOMKilled", "exitCode": 137, "signal": 9,
                "message": "memory limit 64Mi", "startedAt": "2026-01-01T10:00:00Z",
                "finishedAt": "2026-01-01T10:02:05Z"}}}],
        "ephemeralContainerStatuses": [{"name": "debugger-x1", "state": {"terminated": {
            "reason": "Error", "exitCode": 2, "startedAt": "2026-01-01T10:03:00Z",
            "finishedAt": "2026-01-01T10:04:00Z"}}}],
    }
    console = Console(width=140, color_system=None, record=True)
    now = datetime(2026, 1, 1, 10, 10, tzinfo=UTC)
    console.print(render_pod(pod, now=now, nodes={}, namespaces={}))
    text = console.export_text()
    assert "INIT CONTAINERS (1)" in text and "CONTAINERS (1)" in text and "EPHEMERAL CONTAINERS (1)" in text
    assert "migrate  migrate:2" in text and "Terminated Completed  exit code 0" in text
    assert "started  11m ago (2026-01-01T09:59:00Z)" in text
    assert "finished 10m ago (2026-01-01T09:59:30Z)" in text
    assert "Waiting CrashLoopBackOff  restarts 3  not ready" in text
    assert "back-off 40s restarting failed container" in text
    assert (
        "last termination: OOMKilled, exit code 137 (signal 9), ran 2026-01-01T10:00:00Z → 2026-01-01T10:02:05Z"
        " (2m5s): memory limit 64Mi"
    ) in text
    assert "debugger-x1  busybox:1.36  → target api" in text
    assert "Terminated Error  exit code 2" in text


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


def test_pod_level_problems_and_an_ephemeral_container_without_target() -> None:
    from datetime import datetime

    from rich.console import Console

    from widgets.container_inspector import render_pod

    pod = _pod()
    pod["spec"] = {"containers": [{"name": "app", "image": "a"}],
                   "ephemeralContainers": [{"name": "dbg", "image": "busybox"}]}
    pod["status"] = {
        "phase": "Pending",
        "conditions": [
            {"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
             "message": "0/3 nodes are available: 3 Insufficient memory."},
            {"type": "Ready", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [app]"},
        ],
    }
    console = Console(width=140, color_system=None, record=True)
    console.print(render_pod(pod, now=datetime(2026, 1, 1, tzinfo=UTC), nodes={}, namespaces={}))
    text = console.export_text()
    assert "problem      PodScheduled false (Unschedulable): 0/3 nodes are available: 3 Insufficient memory." in text
    assert "ContainersNotReady" not in text
    assert "dbg  busybox  no target" in text
    evicted = _pod()
    evicted["status"] = {"phase": "Failed", "reason": "Evicted", "message": "The node was low on resource: memory."}
    console = Console(width=140, color_system=None, record=True)
    console.print(render_pod(evicted, now=datetime(2026, 1, 1, tzinfo=UTC), nodes={}, namespaces={}))
    assert "problem      Evicted: The node was low on resource: memory." in console.export_text()
