"""The demo API server over real HTTPS with the official client: auth, version, discovery,
lists with selectors and chunking, the Table format, errors as Status objects."""

from __future__ import annotations

import os
import stat

import pytest
from kubernetes.client import ApiException, VersionApi

from helpers.demo_http import Raw, api_client, core_v1
from tui.demo.cluster import DemoCluster

SLIM = "slim-79487d6484-h4rss"


def test_requests_without_the_token_get_401_status(shared_cluster: DemoCluster) -> None:
    for token in (None, "wrong"):
        status, body = Raw(shared_cluster, token=token).json("GET", "/api/v1/pods")
        assert status == 401
        assert body == {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                        "message": "Unauthorized", "reason": "Unauthorized", "code": 401}


def test_kubeconfig_is_private_and_names_the_demo_context(shared_cluster: DemoCluster, tmp_path) -> None:
    path = shared_cluster.write_kubeconfig(tmp_path / "cfg")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    text = path.read_text()
    assert "current-context: ephemera-demo" in text and "namespace: default" in text
    assert shared_cluster.url.startswith("https://127.0.0.1:")


def test_version_has_every_field_kubectl_prints(shared_cluster: DemoCluster) -> None:
    info = VersionApi(api_client(shared_cluster)).get_code()
    assert (info.major, info.minor, info.git_version) == ("1", "32", "v1.32.4")
    for value in (info.git_commit, info.git_tree_state, info.build_date, info.go_version, info.compiler,
                  info.platform):
        assert value


def test_discovery_lists_pods_and_debug_subresources(shared_cluster: DemoCluster) -> None:
    raw = Raw(shared_cluster)
    _, resources = raw.json("GET", "/api/v1")
    names = {r["name"]: r for r in resources["resources"]}
    for name in ("pods", "pods/ephemeralcontainers", "pods/attach", "pods/exec", "pods/log", "pods/status",
                 "namespaces", "nodes", "events"):
        assert name in names
    assert set(names["pods/ephemeralcontainers"]["verbs"]) == {"get", "patch", "update"}
    assert names["pods"]["shortNames"] == ["po"]
    _, groups = raw.json("GET", "/apis")
    assert [g["name"] for g in groups["groups"]] == ["apps", "events.k8s.io", "authentication.k8s.io",
                                                    "authorization.k8s.io"]
    _, authz = raw.json("GET", "/apis/authorization.k8s.io/v1")
    assert "selfsubjectaccessreviews" in {r["name"] for r in authz["resources"]}
    status, body = raw.json("GET", "/openapi/v3")
    assert status == 200 and "api/v1" in body["paths"]


def test_namespaces_carry_pod_security_labels_and_nodes_include_windows(shared_cluster: DemoCluster) -> None:
    api = core_v1(shared_cluster)
    namespaces = {ns.metadata.name: ns.metadata.labels for ns in api.list_namespace().items}
    assert namespaces["secure"]["pod-security.kubernetes.io/enforce"] == "restricted"
    assert namespaces["staging"]["pod-security.kubernetes.io/enforce"] == "baseline"
    nodes = {n.metadata.name: n for n in api.list_node().items}
    assert nodes["demo-win-1"].status.node_info.operating_system == "windows"
    assert nodes["demo-win-1"].metadata.labels["kubernetes.io/os"] == "windows"
    assert nodes["demo-node-1"].status.node_info.operating_system == "linux"


def test_scenario_pods(shared_cluster: DemoCluster) -> None:
    api = core_v1(shared_cluster)
    slim = api.read_namespaced_pod(SLIM, "default")
    assert [c.name for c in slim.spec.containers] == ["app", "sidecar"]
    assert slim.spec.containers[0].image == "gcr.io/distroless/python3-debian11"
    assert slim.metadata.owner_references[0].kind == "ReplicaSet"
    assert slim.metadata.labels["pod-template-hash"] in slim.metadata.owner_references[0].name
    assert any(v.name.startswith("kube-api-access-") for v in slim.spec.volumes)
    mirror = api.read_namespaced_pod("kube-apiserver-demo-node-1", "kube-system")
    assert "kubernetes.io/config.mirror" in mirror.metadata.annotations
    assert mirror.metadata.owner_references[0].kind == "Node"
    crash = api.list_namespaced_pod("default", label_selector="app=payments-api").items[0]
    state = crash.status.container_statuses[0]
    assert state.state.waiting.reason == "CrashLoopBackOff" and state.restart_count >= 1
    assert state.last_state.terminated.exit_code == 1
    shared = api.read_namespaced_pod("shared-pid-demo", "default")
    assert shared.spec.share_process_namespace is True
    windows = [p for p in api.list_pod_for_all_namespaces().items if p.spec.node_name == "demo-win-1"]
    assert windows


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("app=slim", {SLIM}),
        ("app==slim", {SLIM}),
        ("app in (slim,web)", {SLIM, "web-5d9c7b8f4-m4k8p", "web-5d9c7b8f4-t9w2z"}),
        ("tier", {"web-5d9c7b8f4-m4k8p", "web-5d9c7b8f4-t9w2z"}),
        ("app=web,tier!=frontend", set()),
    ],
)
def test_label_selectors(shared_cluster: DemoCluster, selector: str, expected: set[str]) -> None:
    pods = core_v1(shared_cluster).list_namespaced_pod("default", label_selector=selector).items
    assert {p.metadata.name for p in pods} == expected


def test_negative_label_selectors(shared_cluster: DemoCluster) -> None:
    api = core_v1(shared_cluster)
    everything = {p.metadata.name for p in api.list_namespaced_pod("default").items}
    not_in = {p.metadata.name for p in api.list_namespaced_pod("default", label_selector="app notin (slim)").items}
    assert not_in == everything - {SLIM}
    without_tier = {p.metadata.name for p in api.list_namespaced_pod("default", label_selector="!tier").items}
    assert without_tier == everything - {"web-5d9c7b8f4-m4k8p", "web-5d9c7b8f4-t9w2z"}


def test_field_selectors_and_their_errors(shared_cluster: DemoCluster) -> None:
    api = core_v1(shared_cluster)
    pods = api.list_pod_for_all_namespaces(field_selector=f"metadata.name={SLIM}").items
    assert [p.metadata.name for p in pods] == [SLIM]
    secure = api.list_pod_for_all_namespaces(field_selector="metadata.namespace=secure").items
    assert {p.metadata.namespace for p in secure} == {"secure"}
    windows = api.list_pod_for_all_namespaces(field_selector="spec.nodeName=demo-win-1").items
    assert [p.spec.node_name for p in windows] == ["demo-win-1"] * len(windows) and windows
    not_running = api.list_pod_for_all_namespaces(field_selector="status.phase!=Running").items
    assert all(p.status.phase != "Running" for p in not_running)
    with pytest.raises(ApiException) as error:
        api.list_namespaced_pod("default", field_selector="spec.bogus=1")
    assert error.value.status == 400
    assert "field label not supported: spec.bogus" in error.value.body


def test_limit_and_continue_page_through_everything(shared_cluster: DemoCluster) -> None:
    api = core_v1(shared_cluster)
    everything = [p.metadata.name for p in api.list_pod_for_all_namespaces().items]
    seen: list[str] = []
    token = None
    while True:
        page = api.list_pod_for_all_namespaces(limit=4, _continue=token)
        seen += [p.metadata.name for p in page.items]
        token = page.metadata._continue
        if not token:
            break
        assert page.metadata.remaining_item_count == len(everything) - len(seen)
    assert seen == everything


def test_table_format_has_kubectl_columns(shared_cluster: DemoCluster) -> None:
    accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
    response = Raw(shared_cluster).request("GET", "/api/v1/namespaces/default/pods", headers={"Accept": accept})
    assert response.status == 200
    assert "as=Table" in response.headers["Content-Type"]
    import json

    table = json.loads(response.data)
    assert table["kind"] == "Table"
    assert [c["name"] for c in table["columnDefinitions"]][:5] == ["Name", "Ready", "Status", "Restarts", "Age"]
    rows = {row["cells"][0]: row for row in table["rows"]}
    assert rows[SLIM]["cells"][1:3] == ["2/2", "Running"]
    assert rows[SLIM]["object"]["metadata"]["namespace"] == "default"
    assert rows["payments-api-7c9d8f6b5-x2kqp"]["cells"][2] == "CrashLoopBackOff"


def test_missing_objects_are_404_status(shared_cluster: DemoCluster) -> None:
    status, body = Raw(shared_cluster).json("GET", "/api/v1/namespaces/default/pods/nope")
    assert status == 404
    assert body["reason"] == "NotFound" and body["message"] == 'pods "nope" not found'
    assert body["details"] == {"name": "nope", "kind": "pods"}


def test_big_cluster_builds_and_lists_every_pod() -> None:
    """10k pods listed whole and in pages (how fast is benchmarks/bench_server.py's to say)."""
    with DemoCluster(extra_pods=10_000, kubelet_delay=0.2) as cluster:
        raw = Raw(cluster)
        status, body = raw.json("GET", "/api/v1/pods", timeout=120)  # a limit for a loaded machine
        assert status == 200 and len(body["items"]) > 10_000
        status, page = raw.json("GET", "/api/v1/pods?limit=500", timeout=120)
        assert len(page["items"]) == 500 and page["metadata"]["remainingItemCount"] == len(body["items"]) - 500
        _, namespaces = raw.json("GET", "/api/v1/namespaces")
        assert sum(ns["metadata"]["name"].startswith("load-") for ns in namespaces["items"]) == 50
