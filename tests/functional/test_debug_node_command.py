"""`ephemera debug node/NAME` against the demo cluster: --dry-run prints the planned body, the
pre-flight (Pod Security naming privileged, a Windows node, a missing node), the confirmation for
root on the node, and a created node debug pod whose shell sees the node's processes and /host."""

from __future__ import annotations

import json
import random
import threading
from typing import Any

import pytest

from tui.cli import main
from tui.debug.node import NODE_DEBUG_LABEL, NodeDebugRequest, plan_node
from tui.debug.planner import CREATED_AT_ANNOTATION, MANAGED_BY_LABEL, MANAGED_BY_VALUE
from tui.debug.request import Profile
from tui.demo.cluster import DemoCluster
from tui.kube.attach_session import AttachSession, SessionStatus
from tui.kube.config import KubeConfig
from tui.kube.connection import ClusterConnection
from tui.kube.debug_runner import list_copies
from tui.kube.requests import get_json

NODE = "demo-node-1"


def debug(cluster: DemoCluster, *words: str) -> int:
    return main(["--kubeconfig", str(cluster.kubeconfig_path), "debug", *words])


def connect(cluster: DemoCluster) -> ClusterConnection:
    return KubeConfig.load(str(cluster.kubeconfig_path)).connect()


def squeezed(text: str) -> str:
    return " ".join(text.split())


def node_pods(cluster: DemoCluster, namespace: str = "default") -> list[dict[str, Any]]:
    items = get_json(connect(cluster), f"/api/v1/namespaces/{namespace}/pods")["items"]
    return [p for p in items if p["metadata"]["name"].startswith("node-debugger-")]


def exec_output(conn: ClusterConnection, namespace: str, pod: str, container: str, command: list[str]) -> str:
    chunks: list[bytes] = []
    done = threading.Event()

    def on_status(status: SessionStatus) -> None:
        if status.finished:
            done.set()

    session = AttachSession(conn, namespace, pod, container, kind="exec", command=command, tty=False,
                            stdin=False, on_output=chunks.append, on_status=on_status)
    session.start()
    assert done.wait(10), "exec did not finish"
    session.close()
    return b"".join(chunks).decode()


def _without_names(body: dict[str, Any]) -> dict[str, Any]:
    body = json.loads(json.dumps(body))
    body["metadata"].pop("name")
    body["metadata"]["annotations"].pop(CREATED_AT_ANNOTATION)
    return body


def test_dry_run_prints_the_planned_requests(demo_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    assert debug(demo_cluster, f"node/{NODE}", "--image=nicolaka/netshoot", "--profile=sysadmin", "-c", "tools",
                 "--env=A=1", "--image-pull-policy=IfNotPresent", "--dry-run", "--", "sleep", "1d") == 0
    out, _err = capsys.readouterr()
    printed = json.loads(out)
    request = NodeDebugRequest(node=NODE, image="nicolaka/netshoot", profile=Profile.SYSADMIN, container_name="tools",
                               env=(("A", "1"),), image_pull_policy="IfNotPresent", command=("sleep", "1d"),
                               stdin=False, tty=False)
    planned = plan_node(request, rng=random.Random()).to_json()
    assert len(printed) == 1 and printed[0]["method"] == "POST"
    assert printed[0]["path"] == planned[0]["path"] == "/api/v1/namespaces/default/pods"
    assert _without_names(printed[0]["body"]) == _without_names(planned[0]["body"])
    assert printed[0]["body"]["metadata"]["name"].startswith(f"node-debugger-{NODE}-")
    assert node_pods(demo_cluster) == []  # nothing was sent


def test_node_pod_shell_sees_the_nodes_processes_and_host(demo_cluster: DemoCluster,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert debug(demo_cluster, f"node/{NODE}", "-it", "--image=busybox", "--no-attach", "--yes") == 0
    out, err = capsys.readouterr()
    assert "ok server dry run admitted" in squeezed(out)
    assert "ok Pod Security namespace 'default' enforces no Pod Security level" in squeezed(out)
    [pod] = node_pods(demo_cluster)
    name = pod["metadata"]["name"]
    assert f"Creating debugging pod {name} with container debugger on node {NODE}." in err
    assert f"container debugger is running in pod default/{name}" in out
    assert f"kubectl delete pod {name} -n default" in out and "ephemera cleanup -n default" in out
    assert pod["metadata"]["labels"][MANAGED_BY_LABEL] == MANAGED_BY_VALUE
    assert pod["metadata"]["labels"][NODE_DEBUG_LABEL] == NODE
    conn = connect(demo_cluster)
    ps = exec_output(conn, "default", name, "debugger", ["ps"])
    assert "/usr/bin/kubelet" in ps and "/sbin/init" in ps  # the node's processes (hostPID)
    listing = exec_output(conn, "default", name, "debugger", ["ls", "/host"])
    assert {"etc", "var", "usr"} <= set(listing.split())  # the node's filesystem
    assert exec_output(conn, "default", name, "debugger", ["cat", "/host/etc/hostname"]).strip() == NODE
    # ephemera cleanup lists it (the managed-by label), as a copy
    assert {c.name: c.source for c in list_copies(conn, "default")}[name] == f"node/{NODE}"


def test_refused_without_yes_when_not_a_terminal(demo_cluster: DemoCluster,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert debug(demo_cluster, f"node/{NODE}", "--image=busybox", "--no-attach") == 1
    _out, err = capsys.readouterr()
    assert "refused:" in err and "--yes" in err and "Nothing was created" in err
    assert "host" in err  # the reasons name the host namespaces / hostPath
    assert node_pods(demo_cluster) == []


def test_baseline_namespace_refuses_in_the_preflight_naming_privileged(
    demo_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]
) -> None:
    assert debug(demo_cluster, f"node/{NODE}", "-n", "staging", "--image=busybox", "--no-attach", "--yes") == 1
    out, err = capsys.readouterr()
    text = squeezed(out)
    assert "FAIL Pod Security namespace 'staging' enforces baseline:latest; it would refuse: host namespaces" in text
    assert "pod-security.kubernetes.io/enforce=privileged" in text
    assert "-n default (enforces privileged)" in text
    assert "FAIL server dry run refused: 403" in text and 'violates PodSecurity "baseline:latest"' in text
    assert "pre-flight failed" in err and "nothing was created" in err
    assert node_pods(demo_cluster, "staging") == []


def test_windows_node_and_missing_node_fail_the_preflight(demo_cluster: DemoCluster,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert debug(demo_cluster, "node/demo-win-1", "--image=busybox", "--no-attach", "--yes") == 1
    out, _err = capsys.readouterr()
    assert "FAIL node OS node 'demo-win-1' runs Windows" in squeezed(out)
    assert "HostProcess" in out
    assert debug(demo_cluster, "nodes/no-such-node", "--image=busybox", "--no-attach", "--yes") == 1
    out, _err = capsys.readouterr()
    assert "FAIL node node 'no-such-node' does not exist" in squeezed(out)
    assert node_pods(demo_cluster) == []


def test_pod_only_flags_are_refused(demo_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    assert debug(demo_cluster, f"node/{NODE}", "--target=app", "--dry-run") == 2
    assert "--target does not apply to node debugging" in capsys.readouterr().err
