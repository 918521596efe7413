"""Server-side Tables for pods, namespaces and nodes as `kubectl get` receives them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tui.demo.api.table import namespaces_table, node_roles, node_status, nodes_table, pods_table

NOW = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)


def ts(seconds_ago: float) -> str:
    return (NOW - timedelta(seconds=seconds_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def pod(name: str, phase: str = "Running", **status: Any) -> dict[str, Any]:
    return {
        "kind": "Pod",
        "apiVersion": "v1",
        "metadata": {"name": name, "namespace": "default", "creationTimestamp": ts(3 * 86400 + 4 * 3600), "labels": {"app": name}},
        "spec": {"nodeName": "demo-node-1", "containers": [{"name": "app", "image": "nginx"}]},
        "status": {"phase": phase, "podIPs": [{"ip": "10.244.0.7"}], **status},
    }


RUNNING = {"containerStatuses": [{"name": "app", "ready": True, "restartCount": 0, "state": {"running": {}}}]}
CRASHING = {
    "containerStatuses": [
        {
            "name": "app",
            "ready": False,
            "restartCount": 5,
            "state": {"waiting": {"reason": "CrashLoopBackOff"}},
            "lastState": {"terminated": {"exitCode": 1, "finishedAt": ts(120)}},
        }
    ]
}


def test_pod_table_columns_are_the_api_servers() -> None:
    table = pods_table([], NOW)
    assert table["kind"] == "Table" and table["apiVersion"] == "meta.k8s.io/v1"
    columns = [(c["name"], c["type"], c["format"], c["priority"]) for c in table["columnDefinitions"]]
    assert columns == [
        ("Name", "string", "name", 0),
        ("Ready", "string", "", 0),
        ("Status", "string", "", 0),
        ("Restarts", "string", "", 0),
        ("Age", "string", "", 0),
        ("IP", "string", "", 1),
        ("Node", "string", "", 1),
        ("Nominated Node", "string", "", 1),
        ("Readiness Gates", "string", "", 1),
    ]
    assert all(c["description"] for c in table["columnDefinitions"])
    assert table["rows"] == []


def test_pod_rows_carry_kubectls_cells() -> None:
    table = pods_table([pod("web", **RUNNING), pod("crash", **CRASHING)], NOW, resource_version="42")
    assert table["metadata"] == {"resourceVersion": "42"}
    assert [row["cells"] for row in table["rows"]] == [
        ["web", "1/1", "Running", "0", "3d4h", "10.244.0.7", "demo-node-1", "<none>", "<none>"],
        ["crash", "0/1", "CrashLoopBackOff", "5 (2m ago)", "3d4h", "10.244.0.7", "demo-node-1", "<none>", "<none>"],
    ]


def test_include_object_variants() -> None:
    the_pod = pod("web", **RUNNING)
    metadata_row = pods_table([the_pod], NOW)["rows"][0]
    assert metadata_row["object"] == {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": the_pod["metadata"],
    }
    assert pods_table([the_pod], NOW, include_object="Object")["rows"][0]["object"] == the_pod
    assert "object" not in pods_table([the_pod], NOW, include_object="None")["rows"][0]
    with pytest.raises(ValueError):
        pods_table([the_pod], NOW, include_object="Everything")


def test_finished_pods_have_the_completed_row_condition() -> None:
    done = pod("job", phase="Succeeded", containerStatuses=[{"name": "app", "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}])
    failed = pod("bad", phase="Failed")
    rows = pods_table([done, failed, pod("web", **RUNNING)], NOW)["rows"]
    assert rows[0]["conditions"] == [
        {"type": "Completed", "status": "True", "reason": "Succeeded", "message": "The pod has completed successfully."}
    ]
    assert rows[1]["conditions"][0]["reason"] == "Failed"
    assert "conditions" not in rows[2]
    assert rows[0]["cells"][2] == "Completed"


def test_namespaces_table() -> None:
    namespaces = [
        {"metadata": {"name": "default", "creationTimestamp": ts(45 * 86400)}, "status": {"phase": "Active"}},
        {"metadata": {"name": "old", "creationTimestamp": ts(30)}, "status": {"phase": "Terminating"}},
    ]
    table = namespaces_table(namespaces, NOW, include_object="None")
    assert [c["name"] for c in table["columnDefinitions"]] == ["Name", "Status", "Age"]
    assert [r["cells"] for r in table["rows"]] == [["default", "Active", "45d"], ["old", "Terminating", "30s"]]


def test_nodes_table() -> None:
    node = {
        "metadata": {
            "name": "demo-control-plane",
            "creationTimestamp": ts(10 * 86400),
            "labels": {"node-role.kubernetes.io/control-plane": "", "kubernetes.io/role": "master"},
        },
        "spec": {},
        "status": {
            "conditions": [{"type": "MemoryPressure", "status": "False"}, {"type": "Ready", "status": "True"}],
            "addresses": [{"type": "InternalIP", "address": "172.18.0.2"}, {"type": "Hostname", "address": "demo"}],
            "nodeInfo": {"kubeletVersion": "v1.32.0", "osImage": "Debian GNU/Linux 12 (bookworm)",
                         "kernelVersion": "6.1.0", "containerRuntimeVersion": "containerd://1.7.0"},
        },
    }
    table = nodes_table([node], NOW)
    assert [c["name"] for c in table["columnDefinitions"] if c["priority"] == 0] == ["Name", "Status", "Roles", "Age", "Version"]
    assert table["rows"][0]["cells"] == [
        "demo-control-plane", "Ready", "control-plane,master", "10d", "v1.32.0",
        "172.18.0.2", "<none>", "Debian GNU/Linux 12 (bookworm)", "6.1.0", "containerd://1.7.0",
    ]


@pytest.mark.parametrize(
    ("conditions", "unschedulable", "expected"),
    [
        ([{"type": "Ready", "status": "True"}], False, "Ready"),
        ([{"type": "Ready", "status": "False"}], False, "NotReady"),
        ([{"type": "Ready", "status": "Unknown"}], True, "NotReady,SchedulingDisabled"),
        ([], False, "Unknown"),
    ],
)
def test_node_status(conditions: list[dict[str, str]], unschedulable: bool, expected: str) -> None:
    assert node_status({"spec": {"unschedulable": unschedulable}, "status": {"conditions": conditions}}) == expected


def test_node_roles_default() -> None:
    assert node_roles({"metadata": {"labels": {"kubernetes.io/hostname": "x"}}}) == "<none>"
