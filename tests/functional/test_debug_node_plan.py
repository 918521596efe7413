"""`kubectl debug node/NAME` as Ephemera plans it (tui.debug.node) equals the pod the real kubectl
v1.32 creates for the same flags: each profile, a command, env, pull policy, -c, -i only. Compared
twice, minus the name and Ephemera's own label and annotation: the requests as sent (kubectl sends
the pod as protobuf: the demo server keeps every body it decoded, before defaulting,
`faults.received_bodies`), and both pods read back from the demo cluster."""

from __future__ import annotations

import copy
import random
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tui.debug import MANAGED_BY_LABEL, Profile
from tui.debug.node import NODE_DEBUG_LABEL, NodeDebugRequest, plan_node
from tui.debug.planner import CREATED_AT_ANNOTATION
from tui.demo.cluster import DemoCluster
from tui.kube.config import KubeConfig
from tui.kube.connection import ClusterConnection
from tui.kube.requests import get_json, send_planned

pytestmark = pytest.mark.kubectl

NODE = "demo-node-1"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoCluster]:
    with DemoCluster(kubelet_delay=0.2) as started:
        started.kubeconfig_path = started.write_kubeconfig(tmp_path_factory.mktemp("kube") / "config")
        yield started


@pytest.fixture(scope="module")
def connection(cluster: DemoCluster) -> Iterator[ClusterConnection]:
    conn = KubeConfig.load(str(cluster.kubeconfig_path)).connect()
    yield conn
    conn.close()


def _node_pods(conn: ClusterConnection) -> set[str]:
    pods = get_json(conn, "/api/v1/namespaces/default/pods")["items"]
    return {p["metadata"]["name"] for p in pods if p["metadata"]["name"].startswith("node-debugger-")}


def _kubectl_pod(kubectl: str, cluster: DemoCluster, conn: ClusterConnection, argv: list[str]) -> dict[str, Any]:
    """Run the plan's kubectl command (not attaching) and read back the pod it created."""
    assert argv[:2] == ["kubectl", "debug"], argv
    before = _node_pods(conn)
    cache = Path(cluster.kubeconfig_path).parent / "kubectl-cache"
    full = [kubectl, "--kubeconfig", str(cluster.kubeconfig_path), "--cache-dir", str(cache), *argv[1:]]
    at = full.index("--") if "--" in full else len(full)
    full[at:at] = ["--attach=false"]
    result = subprocess.run(full, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr[-2000:]
    created = _node_pods(conn) - before
    assert len(created) == 1, (created, result.stdout)
    name = created.pop()
    assert f"Creating debugging pod {name} with container" in result.stdout
    return get_json(conn, f"/api/v1/namespaces/default/pods/{name}")  # type: ignore[no-any-return]


def _our_pod(conn: ClusterConnection, request: NodeDebugRequest) -> dict[str, Any]:
    planned = plan_node(request, rng=random.Random())
    answer = send_planned(conn, planned.requests[0])
    assert answer.status == 201, answer.body
    return get_json(conn, f"/api/v1/namespaces/default/pods/{planned.pod_name}")  # type: ignore[no-any-return]


def _comparable(pod: dict[str, Any]) -> dict[str, Any]:
    pod = copy.deepcopy(pod)
    metadata = pod["metadata"]
    labels = metadata.get("labels") or {}
    labels.pop(MANAGED_BY_LABEL, None)
    labels.pop(NODE_DEBUG_LABEL, None)
    annotations = metadata.get("annotations") or {}
    annotations.pop(CREATED_AT_ANNOTATION, None)
    spec = pod["spec"]
    # the service account token volume's generated name differs per pod
    spec["volumes"] = [v for v in spec.get("volumes") or () if not v["name"].startswith("kube-api-access-")]
    for container in spec["containers"]:
        container["volumeMounts"] = [m for m in container.get("volumeMounts") or ()
                                     if not m["name"].startswith("kube-api-access-")]
        if "env" in container:  # kubectl keeps --env in a Go map: its order varies
            container["env"] = sorted(container["env"], key=lambda e: e["name"])
    return {"labels": labels, "annotations": annotations, "spec": spec}


def _as_sent(value: Any, in_security_context: bool = False) -> Any:
    """A request body without the zero values protobuf always carries and JSON omits ("", 0, false,
    null, {}, []), except in a securityContext, where false and 0 are set on purpose (pointers)."""
    if isinstance(value, dict):
        kept = {key: _as_sent(item, in_security_context or key == "securityContext") for key, item in value.items()}
        return {key: item for key, item in kept.items()
                if not (item in ("", None, {}, []) or (not in_security_context and item in (False, 0)
                                                       and not isinstance(item, float)))}
    if isinstance(value, list):
        return [_as_sent(item, in_security_context) for item in value]
    return value


def _sent(body: dict[str, Any]) -> dict[str, Any]:
    body = _as_sent(copy.deepcopy(body))
    metadata = body.get("metadata") or {}
    for key in ("name", "generateName", "namespace"):
        metadata.pop(key, None)
    (metadata.get("labels") or {}).pop(MANAGED_BY_LABEL, None)
    (metadata.get("labels") or {}).pop(NODE_DEBUG_LABEL, None)
    (metadata.get("annotations") or {}).pop(CREATED_AT_ANNOTATION, None)
    body["metadata"] = _as_sent(metadata)
    for container in body.get("spec", {}).get("containers") or ():
        if "env" in container:  # kubectl keeps --env in a Go map: its order varies
            container["env"] = sorted(container["env"], key=lambda e: e["name"])
    return body


def _check(kubectl: str, cluster: DemoCluster, conn: ClusterConnection, request: NodeDebugRequest) -> None:
    planned = plan_node(request)
    theirs = _kubectl_pod(kubectl, cluster, conn, planned.kubectl_command)
    ours = _our_pod(conn, request)
    assert _comparable(ours) == _comparable(theirs)
    # and the requests as sent, before the server's defaulting (kubectl's protobuf decoded by the demo)
    posted = cluster.faults.received_bodies("POST", "/api/v1/namespaces/default/pods")
    assert len(posted) >= 2, "kubectl's POST and ours"
    assert _sent(posted[-1]) == _sent(posted[-2])


@pytest.mark.parametrize("profile", list(Profile))
def test_node_debug_profiles_are_kubectls_pod(cluster: DemoCluster, connection: ClusterConnection, kubectl: str,
                                              profile: Profile) -> None:
    _check(kubectl, cluster, connection, NodeDebugRequest(node=NODE, profile=profile))


def test_node_debug_command_env_pull_policy_container_and_stdin_only(
    cluster: DemoCluster, connection: ClusterConnection, kubectl: str
) -> None:
    request = NodeDebugRequest(node=NODE, image="nicolaka/netshoot", container_name="tools",
                               env=(("A", "1"), ("B", "x=y")), image_pull_policy="IfNotPresent", tty=False,
                               command=("sleep", "1d"), profile=Profile.SYSADMIN)
    _check(kubectl, cluster, connection, request)


def test_node_debug_arguments_only(cluster: DemoCluster, connection: ClusterConnection, kubectl: str) -> None:
    request = NodeDebugRequest(node=NODE, command=("-c", "sleep 1d"), args_only=True, stdin=False, tty=False)
    _check(kubectl, cluster, connection, request)
