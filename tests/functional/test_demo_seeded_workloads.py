"""The seeded demo cluster as a real one starts (issue 14): a Deployment and ReplicaSet behind every
seeded pod whose controller is a ReplicaSet, adopting the pods at start (none added, renamed or
touched, the crash-looping one included) and replacing a deleted one; the `kubernetes` Service;
a `kube-root-ca.crt` ConfigMap in every namespace, also in one created later (and put back when
deleted); the seeded pods' events (Scheduled, Pulled, Created, Started, the crash loop's BackOff),
counted on by the kubelet. The kubectl tests are skipped without kubectl."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from helpers.demo_http import Raw, pod_json, wait_for
from tui.demo.cluster import DemoCluster
from tui.demo.controllers.common import controller_ref
from tui.demo.controllers.mirror_pods import is_mirror
from tui.pods.deletion import deletion_preview

CRASHLOOP = "payments-api-7c9d8f6b5-x2kqp"
# (namespace, Deployment, ReplicaSet, its seeded pods)
WORKLOADS = [
    ("default", "slim", "slim-79487d6484", ["slim-79487d6484-h4rss"]),
    ("default", "payments-api", "payments-api-7c9d8f6b5", [CRASHLOOP]),
    ("default", "win-iis", "win-iis-6b7d8c9f5", ["win-iis-6b7d8c9f5-q7rtz"]),
    ("default", "web", "web-5d9c7b8f4", ["web-5d9c7b8f4-m4k8p", "web-5d9c7b8f4-t9w2z"]),
    ("kube-system", "coredns", "coredns-668d6bf9bc", ["coredns-668d6bf9bc-5dd5f", "coredns-668d6bf9bc-8xk2q"]),
    ("staging", "orders", "orders-6f8b9c7d5", ["orders-6f8b9c7d5-2xq9l"]),
]
NAMESPACES = ["default", "kube-node-lease", "kube-public", "kube-system", "monitoring", "secure", "staging"]


def get(cluster: DemoCluster, path: str) -> dict[str, Any]:
    status, body = Raw(cluster).json("GET", path)
    assert status == 200, body
    return body  # type: ignore[no-any-return]


def kubectl_ok(kubectl: str, cluster: DemoCluster, *args: str) -> str:
    assert cluster.kubeconfig_path is not None
    cache = Path(cluster.kubeconfig_path).parent / "kubectl-cache"
    result = subprocess.run([kubectl, "--kubeconfig", str(cluster.kubeconfig_path), "--cache-dir", str(cache), *args],
                            capture_output=True, text=True, timeout=40, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, f"kubectl {' '.join(args)} exited {result.returncode}: {result.stderr}"
    return result.stdout


def table(text: str) -> list[list[str]]:
    return [line.split() for line in text.splitlines()[1:] if line.strip()]


def test_the_controllers_adopt_the_seeded_pods_and_change_nothing(demo_cluster: DemoCluster) -> None:
    def state() -> tuple[list[str], list[tuple[str, str, str]]]:
        store = demo_cluster.store
        pods = sorted(p["metadata"]["name"] for p in store.values("pods"))
        changes = [(event.type, event.resource, event.obj["metadata"]["name"]) for event in store.history
                   if event.resource in ("pods", "deployments", "replicasets")]
        return pods, changes

    demo_cluster.faults.hold_crash_loops()  # the crash loop's own restart is the kubelet's, not a controller's
    pods, changes = demo_cluster.run(state)  # the controllers' first syncs were queued before this call
    assert [change for change in changes if change[2] != CRASHLOOP] == []
    assert [change for change in changes if change[0] != "MODIFIED"] == []
    for namespace, deployment, replica_set, members in WORKLOADS:
        assert set(members) <= set(pods)
        rs = get(demo_cluster, f"/apis/apps/v1/namespaces/{namespace}/replicasets/{replica_set}")
        d = get(demo_cluster, f"/apis/apps/v1/namespaces/{namespace}/deployments/{deployment}")
        assert controller_ref(rs) == {"apiVersion": "apps/v1", "kind": "Deployment", "name": deployment,
                                      "uid": d["metadata"]["uid"], "controller": True, "blockOwnerDeletion": True}
        template_hash = replica_set.rsplit("-", 1)[1]
        assert rs["spec"]["selector"]["matchLabels"]["pod-template-hash"] == template_hash
        assert "pod-template-hash" not in d["spec"]["selector"]["matchLabels"]
        for name in members:
            pod = pod_json(demo_cluster, namespace, name) or {}
            assert (controller_ref(pod) or {}).get("uid") == rs["metadata"]["uid"], name
            labels = pod["metadata"]["labels"]
            assert all(labels.get(k) == v for k, v in rs["spec"]["selector"]["matchLabels"].items()), name
        assert rs["spec"]["replicas"] == d["spec"]["replicas"] == len(members)
        assert rs["status"]["replicas"] == len(members)
    crash = get(demo_cluster, "/apis/apps/v1/namespaces/default/deployments/payments-api")
    conditions = {c["type"]: (c["status"], c["reason"]) for c in crash["status"]["conditions"]}
    assert conditions == {"Available": ("False", "MinimumReplicasUnavailable"),
                          "Progressing": ("False", "ProgressDeadlineExceeded")}
    assert crash["status"]["unavailableReplicas"] == 1
    web = get(demo_cluster, "/apis/apps/v1/namespaces/default/deployments/web")
    assert web["status"]["availableReplicas"] == 2


@pytest.mark.parametrize(("namespace", "replica_set", "name", "node"), [
    ("default", "web-5d9c7b8f4", "web-5d9c7b8f4-m4k8p", "demo-node-1"),
    ("default", "win-iis-6b7d8c9f5", "win-iis-6b7d8c9f5-q7rtz", "demo-win-1"),
    ("kube-system", "coredns-668d6bf9bc", "coredns-668d6bf9bc-8xk2q", "demo-node-1"),
    ("staging", "orders-6f8b9c7d5", "orders-6f8b9c7d5-2xq9l", "demo-node-1"),
    ("default", "payments-api-7c9d8f6b5", CRASHLOOP, "demo-node-1"),
])
def test_a_deleted_seeded_pod_is_replaced(demo_cluster: DemoCluster, namespace: str, replica_set: str, name: str,
                                          node: str) -> None:
    status, body = Raw(demo_cluster).json("DELETE", f"/api/v1/namespaces/{namespace}/pods/{name}")
    assert status == 200, body

    def replacement() -> dict[str, Any] | None:
        listed = get(demo_cluster, f"/api/v1/namespaces/{namespace}/pods")["items"]
        return next((p for p in listed if p["metadata"]["name"].startswith(replica_set + "-")
                     and p["metadata"]["name"] != name and p["status"].get("phase") == "Running"), None)

    pod = wait_for(replacement, what=f"a running replacement of {name}")
    assert pod["spec"]["nodeName"] == node
    rs = get(demo_cluster, f"/apis/apps/v1/namespaces/{namespace}/replicasets/{replica_set}")
    assert (controller_ref(pod) or {}).get("uid") == rs["metadata"]["uid"]


def test_kubectl_lists_the_seeded_deployments_and_replicasets(shared_cluster: DemoCluster, kubectl: str) -> None:
    rows = table(kubectl_ok(kubectl, shared_cluster, "get", "deploy,rs", "-A"))
    listed = {(cells[0], cells[1]) for cells in rows}
    for namespace, deployment, replica_set, _ in WORKLOADS:
        assert (namespace, f"deployment.apps/{deployment}") in listed
        assert (namespace, f"replicaset.apps/{replica_set}") in listed
    ready = {cells[1]: cells[2] for cells in rows if cells[1].startswith("deployment.apps/")}
    assert ready["deployment.apps/web"] == "2/2" and ready["deployment.apps/payments-api"] == "0/1"


def test_kubectl_deletes_a_web_pod_and_the_replicaset_replaces_it(demo_cluster: DemoCluster, kubectl: str) -> None:
    kubectl_ok(kubectl, demo_cluster, "delete", "pod", "web-5d9c7b8f4-t9w2z", "--wait=false")

    def running() -> list[str] | None:
        rows = table(kubectl_ok(kubectl, demo_cluster, "get", "pods", "-l", "app=web"))
        names = [cells[0] for cells in rows if cells[2] == "Running"]
        return names if len(names) == 2 and "web-5d9c7b8f4-t9w2z" not in names else None

    names = wait_for(running, what="two running web pods, one of them new")
    assert "web-5d9c7b8f4-m4k8p" in names
    events = kubectl_ok(kubectl, demo_cluster, "get", "events", "--field-selector",
                        "involvedObject.name=web-5d9c7b8f4")
    assert "SuccessfulCreate" in events


def test_the_kubernetes_service_and_the_root_ca_config_maps(shared_cluster: DemoCluster) -> None:
    service = get(shared_cluster, "/api/v1/namespaces/default/services/kubernetes")
    assert service["spec"]["clusterIP"] == "10.96.0.1" and service["spec"]["type"] == "ClusterIP"
    assert service["spec"]["ports"] == [{"name": "https", "protocol": "TCP", "port": 443, "targetPort": 6443}]
    assert shared_cluster.ca_pem is not None
    for namespace in NAMESPACES:
        config_map = get(shared_cluster, f"/api/v1/namespaces/{namespace}/configmaps/kube-root-ca.crt")
        assert config_map["data"] == {"ca.crt": shared_cluster.ca_pem.decode()}


def test_kubectl_get_svc_shows_the_kubernetes_service(shared_cluster: DemoCluster, kubectl: str) -> None:
    rows = {cells[0]: cells for cells in table(kubectl_ok(kubectl, shared_cluster, "get", "svc", "-n", "default"))}
    assert rows["kubernetes"][1:5] == ["ClusterIP", "10.96.0.1", "<none>", "443/TCP"]


def test_a_new_namespace_gets_its_root_ca_config_map_back_after_a_delete(demo_cluster: DemoCluster) -> None:
    raw = Raw(demo_cluster)
    assert raw.json("POST", "/api/v1/namespaces", {"metadata": {"name": "team"}})[0] == 201
    path = "/api/v1/namespaces/team/configmaps/kube-root-ca.crt"
    first = wait_for(lambda: (answer := raw.json("GET", path))[0] == 200 and answer[1], what="the ConfigMap")
    assert demo_cluster.ca_pem is not None and first["data"] == {"ca.crt": demo_cluster.ca_pem.decode()}
    assert raw.json("DELETE", path)[0] == 200
    again = wait_for(lambda: (answer := raw.json("GET", path))[0] == 200 and answer[1], what="the ConfigMap back")
    assert again["metadata"]["uid"] != first["metadata"]["uid"]
    assert raw.json("DELETE", "/api/v1/namespaces/team")[0] == 200
    wait_for(lambda: raw.json("GET", "/api/v1/namespaces/team")[0] == 404, what="the namespace gone")
    assert demo_cluster.run(lambda: demo_cluster.store.get("configmaps", "team", "kube-root-ca.crt")) is None


def _events(cluster: DemoCluster, name: str, namespace: str = "default") -> list[dict[str, Any]]:
    listed = get(cluster, f"/api/v1/namespaces/{namespace}/events?fieldSelector=involvedObject.name%3D{name}")
    return list(listed["items"])


def test_the_seeded_pods_have_their_events(shared_cluster: DemoCluster) -> None:
    slim = _events(shared_cluster, "slim-79487d6484-h4rss")
    assert [e["reason"] for e in slim if e["reason"] == "Scheduled"] == ["Scheduled"]
    for reason in ("Pulled", "Created", "Started"):
        assert {e["involvedObject"].get("fieldPath") for e in slim if e["reason"] == reason} == {
            "spec.containers{app}", "spec.containers{sidecar}"}, reason
    crash = {e["reason"]: e for e in _events(shared_cluster, CRASHLOOP)}
    assert crash["BackOff"]["type"] == "Warning" and crash["BackOff"]["count"] == 5
    assert crash["Started"]["count"] == 6
    mirror = _events(shared_cluster, "kube-apiserver-demo-node-1", "kube-system")
    assert mirror and "Scheduled" not in {e["reason"] for e in mirror}  # a static pod is not scheduled
    second_web = {e["reason"]: e for e in _events(shared_cluster, "web-5d9c7b8f4-t9w2z")}
    assert "already present on machine" in second_web["Pulled"]["message"]


def test_the_kubelet_counts_on_the_seeded_back_off_event(demo_cluster: DemoCluster) -> None:
    demo_cluster.run(lambda: demo_cluster.kubelet.crash_now("default", CRASHLOOP, "api"))

    def back_offs() -> list[dict[str, Any]] | None:
        found = [e for e in _events(demo_cluster, CRASHLOOP) if e["reason"] == "BackOff"]
        return found if found and found[0]["count"] == 6 else None

    (event,) = wait_for(back_offs, what="the seeded BackOff counted once more")
    assert event["lastTimestamp"] >= event["firstTimestamp"]


def test_kubectl_events_are_not_empty_on_a_fresh_demo(shared_cluster: DemoCluster, kubectl: str) -> None:
    out = kubectl_ok(kubectl, shared_cluster, "events", "-A")
    assert out.splitlines()[0].split()[:2] == ["NAMESPACE", "LAST"]
    assert any("BackOff" in line and f"Pod/{CRASHLOOP}" in line for line in out.splitlines())
    assert any("Scheduled" in line and "Pod/slim-79487d6484-h4rss" in line for line in out.splitlines())


def test_the_delete_dialog_promises_a_replacement_only_where_the_demo_makes_one(shared_cluster: DemoCluster) -> None:
    """Ctrl+D's 'what will replace it' (tui.pods.deletion) against the demo: every seeded pod it
    says is replaced has its controller stored, except the two the README says are not simulated."""
    not_simulated = {"vault-agent-0": "StatefulSet"}

    def seeded() -> list[dict[str, Any]]:
        return [pod for pod in shared_cluster.store.values("pods")
                if not pod["metadata"]["namespace"].startswith("load-")]

    promised = []
    for pod in shared_cluster.run(seeded):
        preview = deletion_preview(pod)
        name = pod["metadata"]["name"]
        if not preview.replaced or name in not_simulated:
            continue
        if is_mirror(pod):  # the kubelet's: test_a_deleted_mirror_pod_comes_back
            promised.append(name)
            continue
        ref = controller_ref(pod) or {}
        assert ref.get("kind") == "ReplicaSet", (name, preview.replacement)
        rs = get(shared_cluster, f"/apis/apps/v1/namespaces/{pod['metadata']['namespace']}/replicasets/{ref['name']}")
        assert rs["metadata"]["uid"] == ref["uid"], name
        promised.append(name)
    assert len(promised) == 9


def test_a_deleted_mirror_pod_comes_back(demo_cluster: DemoCluster) -> None:
    """The dialog's 'the kubelet on node demo-node-1 recreates it': same name, a new uid, Running."""
    path = "/api/v1/namespaces/kube-system/pods/kube-apiserver-demo-node-1"
    raw = Raw(demo_cluster)
    before = get(demo_cluster, path)
    assert raw.json("DELETE", path)[0] == 200

    def back() -> dict[str, Any] | None:
        status, pod = raw.json("GET", path)
        return pod if status == 200 and pod["metadata"]["uid"] != before["metadata"]["uid"] else None

    pod = wait_for(back, what="the mirror pod back")
    wait_for(lambda: (p := back()) and p["status"]["phase"] == "Running" and all(
        s.get("ready") for s in p["status"]["containerStatuses"]), what="the mirror pod running")
    assert pod["metadata"]["annotations"] == before["metadata"]["annotations"]
    assert "deletionTimestamp" not in pod["metadata"]


def test_the_crash_looping_pods_replacement_crash_loops_too(demo_cluster: DemoCluster) -> None:
    """payments-api's pod template is the crash-looping one: its replacement fails at once and
    waits in CrashLoopBackOff, restarted with the back-off, as the deleted pod did."""
    status, body = Raw(demo_cluster).json("DELETE", f"/api/v1/namespaces/default/pods/{CRASHLOOP}")
    assert status == 200, body

    def crash_looping() -> dict[str, Any] | None:
        listed = get(demo_cluster, "/api/v1/namespaces/default/pods")["items"]
        for pod in listed:
            if pod["metadata"]["name"].startswith("payments-api-7c9d8f6b5-") and pod["metadata"]["name"] != CRASHLOOP:
                entry = next(iter(pod["status"].get("containerStatuses") or []), {})
                waiting = (entry.get("state") or {}).get("waiting") or {}
                if waiting.get("reason") == "CrashLoopBackOff" and entry.get("restartCount", 0) >= 1:
                    return entry
        return None

    entry = wait_for(crash_looping, what="the replacement in CrashLoopBackOff")
    assert entry["lastState"]["terminated"]["exitCode"] == 1

