"""The real kubectl v1.32 against the demo cluster's API surface beyond pods (skipped without
kubectl): apps/v1 Deployments and ReplicaSets, Services, ConfigMaps, Secrets, namespaces created
and deleted, `apply -f` with kubectl's default validation, server-side apply, `explain`, `auth
whoami`, `cluster-info`, events and a Deployment's template patch. Read-only tests share one
cluster; tests that change something get a fresh one."""

from __future__ import annotations

import base64
import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tui.demo.cluster import DemoCluster

pytestmark = pytest.mark.kubectl
SLIM = "slim-79487d6484-h4rss"

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  labels: {app: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: shop}}
  template:
    metadata: {labels: {app: shop}}
    spec:
      containers:
      - name: app
        image: nginx:1.27
"""

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: applied
  labels: {app: applied}
spec:
  containers:
  - name: app
    image: busybox
    command: ["sleep", "3600"]
"""


def run(kubectl: str, cluster: DemoCluster, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """One kubectl command with the cluster's kubeconfig and a discovery cache next to it."""
    assert cluster.kubeconfig_path is not None
    cache = Path(cluster.kubeconfig_path).parent / "kubectl-cache"
    return subprocess.run([kubectl, "--kubeconfig", str(cluster.kubeconfig_path), "--cache-dir", str(cache), *args],
                          capture_output=True, text=True, timeout=30, input=stdin,
                          stdin=None if stdin is not None else subprocess.DEVNULL)


def ok(kubectl: str, cluster: DemoCluster, *args: str, stdin: str | None = None) -> str:
    result = run(kubectl, cluster, *args, stdin=stdin)
    assert result.returncode == 0, f"kubectl {' '.join(args)} exited {result.returncode}: {result.stderr}"
    return result.stdout


def rows(text: str) -> tuple[list[str], dict[str, list[str]]]:
    """The header words and each row's cells by the row's first cell (the name)."""
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[0].split(), {cells[0]: cells for cells in (line.split() for line in lines[1:])}


def test_get_deployments_replicasets_services_configmaps_secrets(demo_cluster: DemoCluster, kubectl: str) -> None:
    assert ok(kubectl, demo_cluster, "apply", "-f", "-", stdin=DEPLOYMENT).strip() == "deployment.apps/shop created"
    replica_set = DEPLOYMENT.replace("Deployment", "ReplicaSet").replace("name: shop\n", "name: shop-rs\n", 1)
    ok(kubectl, demo_cluster, "apply", "-f", "-", stdin=replica_set)
    ok(kubectl, demo_cluster, "create", "service", "clusterip", "shop", "--tcp=80:8080")
    ok(kubectl, demo_cluster, "create", "configmap", "settings", "--from-literal=mode=demo")
    ok(kubectl, demo_cluster, "create", "secret", "generic", "token", "--from-literal=key=s3cret")

    header, by_name = rows(ok(kubectl, demo_cluster, "get", "deploy"))
    assert header == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    assert by_name["shop"][1].endswith("/2")
    header, by_name = rows(ok(kubectl, demo_cluster, "get", "deployments.apps", "shop", "-o", "wide"))
    assert header[5:] == ["CONTAINERS", "IMAGES", "SELECTOR"] and by_name["shop"][5:] == ["app", "nginx:1.27",
                                                                                         "app=shop"]
    header, by_name = rows(ok(kubectl, demo_cluster, "get", "rs", "shop-rs"))
    assert header == ["NAME", "DESIRED", "CURRENT", "READY", "AGE"] and by_name["shop-rs"][1] == "2"
    header, by_name = rows(ok(kubectl, demo_cluster, "get", "svc", "shop"))
    assert header == ["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"]
    assert by_name["shop"][1] == "ClusterIP" and by_name["shop"][2].startswith("10.96.")
    assert by_name["shop"][3:5] == ["<none>", "80/TCP"]
    header, by_name = rows(ok(kubectl, demo_cluster, "get", "cm", "settings"))
    assert header == ["NAME", "DATA", "AGE"] and by_name["settings"][1] == "1"
    header, by_name = rows(ok(kubectl, demo_cluster, "get", "secrets", "token"))
    assert header == ["NAME", "TYPE", "DATA", "AGE"] and by_name["token"][1:3] == ["Opaque", "1"]
    data = ok(kubectl, demo_cluster, "get", "secret", "token", "-o", "jsonpath={.data.key}")
    assert base64.b64decode(data) == b"s3cret"
    assert ok(kubectl, demo_cluster, "get", "service", "shop", "-o", "jsonpath={.spec.ports[0].targetPort}") == "8080"


def test_create_and_delete_a_namespace(demo_cluster: DemoCluster, kubectl: str) -> None:
    assert ok(kubectl, demo_cluster, "create", "namespace", "team").strip() == "namespace/team created"
    _, by_name = rows(ok(kubectl, demo_cluster, "get", "ns"))
    assert by_name["team"][1] == "Active"
    ok(kubectl, demo_cluster, "create", "configmap", "inside", "-n", "team", "--from-literal=a=b")
    assert ok(kubectl, demo_cluster, "delete", "namespace", "team").strip() == 'namespace "team" deleted'
    gone = run(kubectl, demo_cluster, "get", "namespace", "team")
    assert gone.returncode == 1 and 'namespaces "team" not found' in gone.stderr
    assert demo_cluster.run(lambda: demo_cluster.store.get("configmaps", "team", "inside")) is None
    refused = run(kubectl, demo_cluster, "delete", "namespace", "default")
    assert 'namespaces "default" is forbidden: this namespace may not be deleted' in refused.stderr


def test_apply_without_flags_validates_with_the_servers_schema(demo_cluster: DemoCluster, kubectl: str) -> None:
    assert ok(kubectl, demo_cluster, "apply", "-f", "-", stdin=POD).strip() == "pod/applied created"
    changed = POD.replace("{app: applied}", "{app: applied, tier: demo}")
    assert ok(kubectl, demo_cluster, "apply", "-f", "-", stdin=changed).strip() == "pod/applied configured"
    assert ok(kubectl, demo_cluster, "get", "pod", "applied", "-o", "jsonpath={.metadata.labels.tier}") == "demo"
    typo = run(kubectl, demo_cluster, "create", "-f", "-", stdin=POD.replace("name: applied", "name: typo")
               .replace("image:", "imag:"))
    assert typo.returncode == 1
    assert 'strict decoding error: unknown field "spec.containers[0].imag"' in typo.stderr


def test_server_side_apply(demo_cluster: DemoCluster, kubectl: str) -> None:
    out = ok(kubectl, demo_cluster, "apply", "--server-side", "-f", "-", stdin=DEPLOYMENT)
    assert out.strip() == "deployment.apps/shop serverside-applied"
    live = json.loads(ok(kubectl, demo_cluster, "get", "deploy", "shop", "-o", "json", "--show-managed-fields"))
    entries = {(e["manager"], e["operation"]) for e in live["metadata"]["managedFields"]}
    assert ("kubectl", "Apply") in entries
    ok(kubectl, demo_cluster, "patch", "deployment", "shop", "--field-manager=ops", "-p", '{"spec":{"replicas":4}}')
    conflict = run(kubectl, demo_cluster, "apply", "--server-side", "-f", "-", stdin=DEPLOYMENT)
    assert conflict.returncode == 1
    assert 'Apply failed with 1 conflict: conflict with "ops" using apps/v1: .spec.replicas' in conflict.stderr
    ok(kubectl, demo_cluster, "apply", "--server-side", "--force-conflicts", "-f", "-", stdin=DEPLOYMENT)
    assert ok(kubectl, demo_cluster, "get", "deploy", "shop", "-o", "jsonpath={.spec.replicas}") == "2"
    relabelled = DEPLOYMENT.replace("image: nginx:1.27", "image: nginx:1.28")
    ok(kubectl, demo_cluster, "apply", "--server-side", "-f", "-", stdin=relabelled)
    image = ok(kubectl, demo_cluster, "get", "deploy", "shop", "-o", "jsonpath={.spec.template.spec.containers[0].image}")
    assert image == "nginx:1.28"


def test_server_side_apply_takes_over_from_client_side_apply(demo_cluster: DemoCluster, kubectl: str) -> None:
    """kubectl's upgrade of a client-side applied object (it rewrites managedFields): the label the
    new configuration leaves out goes, as on a real cluster."""
    ok(kubectl, demo_cluster, "apply", "-f", "-", stdin=DEPLOYMENT.replace("labels: {app: shop}",
                                                                            "labels: {app: shop, extra: e}", 1))
    ok(kubectl, demo_cluster, "apply", "--server-side", "-f", "-", stdin=DEPLOYMENT)
    assert ok(kubectl, demo_cluster, "get", "deploy", "shop", "-o", "jsonpath={.metadata.labels}") == '{"app":"shop"}'
    live = json.loads(ok(kubectl, demo_cluster, "get", "deploy", "shop", "-o", "json", "--show-managed-fields"))
    assert "kubectl-client-side-apply" not in {e["manager"] for e in live["metadata"]["managedFields"]}


def test_server_side_apply_of_a_pod(demo_cluster: DemoCluster, kubectl: str) -> None:
    labelled = POD.replace("{app: applied}", "{app: applied, extra: e}")
    assert ok(kubectl, demo_cluster, "apply", "--server-side", "-f", "-", stdin=labelled).strip() == (
        "pod/applied serverside-applied")
    ok(kubectl, demo_cluster, "apply", "--server-side", "-f", "-", stdin=POD.replace("busybox", "busybox:1.36"))
    got = ok(kubectl, demo_cluster, "get", "pod", "applied", "-o",
             "jsonpath={.metadata.labels} {.spec.containers[0].image}")
    assert got == '{"app":"applied"} busybox:1.36'  # the label this manager stopped applying is gone
    refused = run(kubectl, demo_cluster, "apply", "--server-side", "-f", "-", stdin=POD.replace("3600", "60"))
    assert refused.returncode == 1 and "pod updates may not change fields" in refused.stderr


def test_explain_ephemeral_containers(shared_cluster: DemoCluster, kubectl: str) -> None:
    text = ok(kubectl, shared_cluster, "explain", "pod.spec.ephemeralContainers")
    assert "FIELD: ephemeralContainers <[]EphemeralContainer>" in text
    assert "List of ephemeral containers run in this pod." in text
    assert "targetContainerName\t<string>" in text and "name\t<string> -required-" in text
    v2 = ok(kubectl, shared_cluster, "explain", "deployment.spec.template", "--output=plaintext-openapiv2")
    assert "RESOURCE: template <Object>" in v2 and "spec\t<Object>" in v2


def test_auth_whoami_and_cluster_info(shared_cluster: DemoCluster, kubectl: str) -> None:
    whoami = ok(kubectl, shared_cluster, "auth", "whoami")
    assert [line.split() for line in whoami.splitlines()][:3] == [
        ["ATTRIBUTE", "VALUE"], ["Username", "demo"], ["Groups", "[system:authenticated]"]]
    info = ok(kubectl, shared_cluster, "cluster-info")
    assert f"Kubernetes control plane is running at {shared_cluster.url}" in info


def test_auth_whoami_with_a_client_certificate(shared_cluster: DemoCluster, kubectl: str, tmp_path: Path) -> None:
    cert = shared_cluster.issue_client_certificate("alice", groups=("dev",))
    assert shared_cluster.ca_pem is not None

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    kubeconfig = tmp_path / "cert-kubeconfig"
    kubeconfig.write_text(json.dumps({
        "apiVersion": "v1", "kind": "Config", "current-context": "cert",
        "clusters": [{"name": "demo", "cluster": {"server": shared_cluster.url,
                                                  "certificate-authority-data": b64(shared_cluster.ca_pem)}}],
        "users": [{"name": "alice", "user": {"client-certificate-data": b64(cert.cert_pem),
                                             "client-key-data": b64(cert.key_pem)}}],
        "contexts": [{"name": "cert", "context": {"cluster": "demo", "user": "alice"}}]}))
    kubeconfig.chmod(0o600)
    result = subprocess.run([kubectl, "--kubeconfig", str(kubeconfig), "--cache-dir", str(tmp_path / "cache"),
                             "auth", "whoami"], capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert result.returncode == 0, result.stderr
    assert [line.split() for line in result.stdout.splitlines()][1:3] == [
        ["Username", "alice"], ["Groups", "[dev", "system:authenticated]"]]


def test_events_from_the_store(demo_cluster: DemoCluster, kubectl: str) -> None:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    event = {"apiVersion": "v1", "kind": "Event",
             "metadata": {"name": f"{SLIM}.pull", "namespace": "default", "creationTimestamp": now},
             "involvedObject": {"kind": "Pod", "name": SLIM, "namespace": "default", "apiVersion": "v1",
                                "fieldPath": "spec.ephemeralContainers{debugger}"},
             "reason": "Failed", "message": 'Failed to pull image "busybox:nope": not found', "type": "Warning",
             "source": {"component": "kubelet", "host": "demo-node-1"}, "firstTimestamp": now, "lastTimestamp": now,
             "count": 1, "reportingComponent": "kubelet"}
    demo_cluster.run(lambda: demo_cluster.store.create("events", event))
    listed = ok(kubectl, demo_cluster, "events", "--for", f"pod/{SLIM}")
    line = next(line for line in listed.splitlines() if "busybox:nope" in line)
    assert line.split()[1:4] == ["Warning", "Failed", f"Pod/{SLIM}"]
    assert "busybox:nope" in ok(kubectl, demo_cluster, "get", "events", "--field-selector", "reason=Failed")
    new_api = json.loads(ok(kubectl, demo_cluster, "get", "events.v1.events.k8s.io", f"{SLIM}.pull", "-o", "json"))
    assert new_api["apiVersion"] == "events.k8s.io/v1" and new_api["regarding"]["name"] == SLIM
    assert new_api["note"] == event["message"] and new_api["deprecatedCount"] == 1


def test_patch_a_deployments_template(demo_cluster: DemoCluster, kubectl: str) -> None:
    ok(kubectl, demo_cluster, "apply", "-f", "-", stdin=DEPLOYMENT)
    out = ok(kubectl, demo_cluster, "patch", "deployment", "shop", "-p",
             '{"spec":{"template":{"spec":{"shareProcessNamespace":true}}}}')
    assert out.strip() == "deployment.apps/shop patched"
    got = ok(kubectl, demo_cluster, "get", "deployment", "shop", "-o",
             "jsonpath={.metadata.generation} {.spec.template.spec.shareProcessNamespace} "
             "{.spec.template.spec.containers[0].name}")
    assert got == "2 true app"
    ok(kubectl, demo_cluster, "patch", "deployment", "shop", "-p",
       '{"spec":{"template":{"spec":{"shareProcessNamespace":true}}}}')  # the same again: no new generation
    assert ok(kubectl, demo_cluster, "get", "deployment", "shop", "-o", "jsonpath={.metadata.generation}") == "2"
    ok(kubectl, demo_cluster, "scale", "deployment", "shop", "--replicas=3")
    assert ok(kubectl, demo_cluster, "get", "deploy", "shop", "-o", "jsonpath={.spec.replicas}") == "3"
