"""The real kubectl against the demo cluster (skipped without kubectl): the blog walkthrough."""

from __future__ import annotations

import subprocess

import pytest

from helpers.demo_http import ephemeral_state, wait_for
from tui.demo.cluster import DemoCluster

pytestmark = pytest.mark.kubectl
SLIM = "slim-79487d6484-h4rss"


def _run(kubectl: str, cluster: DemoCluster, *args: str, stdin: str | None = None) -> str:
    result = subprocess.run([kubectl, "--kubeconfig", str(cluster.kubeconfig_path), *args], input=stdin,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_get_pods_all_namespaces_and_wide(shared_cluster: DemoCluster, kubectl: str) -> None:
    lines = _run(kubectl, shared_cluster, "get", "pods", "-A").splitlines()
    assert lines[0].split() == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    slim = next(line.split() for line in lines if SLIM in line)
    assert slim[:4] == ["default", SLIM, "2/2", "Running"]
    wide = _run(kubectl, shared_cluster, "get", "pods", "-o", "wide").splitlines()
    assert wide[0].split()[5:8] == ["IP", "NODE", "NOMINATED"]


def test_describe_pod(shared_cluster: DemoCluster, kubectl: str) -> None:
    text = _run(kubectl, shared_cluster, "describe", "pod", SLIM)
    assert "Controlled By:  ReplicaSet/slim-79487d6484" in text
    assert "Node:             demo-node-1/10.0.0.11" in text


def test_debug_target_then_attach_shows_the_targets_processes(demo_cluster: DemoCluster, kubectl: str) -> None:
    out = _run(kubectl, demo_cluster, "debug", "-it", "--attach=false", "-c", "debugger", "--image=busybox",
               "--target=app", SLIM)
    assert 'Targeting container "app"' in out
    wait_for(lambda: "running" in ephemeral_state(demo_cluster, "default", SLIM, "debugger"), what="running")
    shown = _run(kubectl, demo_cluster, "attach", "-i", "-c", "debugger", SLIM, stdin="ps\nexit\n")
    assert "python -m http.server 8080" in shown
    wait_for(lambda: "terminated" in ephemeral_state(demo_cluster, "default", SLIM, "debugger"),
             what="terminated")


def test_debug_copy_to_creates_a_running_copy(demo_cluster: DemoCluster, kubectl: str) -> None:
    _run(kubectl, demo_cluster, "debug", "--copy-to=copy", "--share-processes", "--image=busybox", "-it",
         "--attach=false", SLIM)
    wait_for(lambda: "Running" in _run(kubectl, demo_cluster, "get", "pod", "copy"), timeout=30, what="copy")
    assert _run(kubectl, demo_cluster, "get", "pod", "copy", "-o", "jsonpath={.spec.shareProcessNamespace}") == "true"


def test_logs(shared_cluster: DemoCluster, kubectl: str) -> None:
    assert "FATAL" in _run(kubectl, shared_cluster, "logs", "payments-api-7c9d8f6b5-x2kqp", "--previous")
