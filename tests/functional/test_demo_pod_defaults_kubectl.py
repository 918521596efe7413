"""The real kubectl v1.32 (skipped without it) sees the pod defaults a real API server stores:
`kubectl apply` (client-side and server-side) of a pod with `restartPolicy: ""` and a volume
without a source, and a Deployment's pod (the ReplicaSet controller's create), read back with
`get -o json`: restartPolicy Always, emptyDir {}, and the other SetDefaults_PodSpec/_Container fields."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from helpers.demo_http import wait_for
from tui.demo.cluster import DemoCluster

pytestmark = pytest.mark.kubectl

POD = """\
apiVersion: v1
kind: Pod
metadata: {name: NAME}
spec:
  restartPolicy: ""
  volumes: [{name: scratch}]
  containers:
  - name: app
    image: busybox
    imagePullPolicy: ""
    command: ["sleep", "3600"]
    volumeMounts: [{name: scratch, mountPath: /scratch}]
  - name: web
    image: nginx:1.27
"""

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: scratchy}
spec:
  replicas: 1
  selector: {matchLabels: {app: scratchy}}
  template:
    metadata: {labels: {app: scratchy}}
    spec:
      volumes: [{name: scratch}]
      containers: [{name: app, image: "busybox:latest", command: ["sleep", "3600"]}]
"""


def kubectl_run(kubectl: str, cluster: DemoCluster, *args: str, stdin: str | None = None) -> str:
    assert cluster.kubeconfig_path is not None
    cache = Path(cluster.kubeconfig_path).parent / "kubectl-cache"
    result = subprocess.run([kubectl, "--kubeconfig", str(cluster.kubeconfig_path), "--cache-dir", str(cache), *args],
                            capture_output=True, text=True, timeout=60, input=stdin,
                            stdin=None if stdin is not None else subprocess.DEVNULL)
    assert result.returncode == 0, f"kubectl {' '.join(args)}: {result.stderr}"
    return result.stdout


def assert_defaulted(spec: dict[str, Any]) -> None:
    assert spec["restartPolicy"] == "Always"
    assert (spec["dnsPolicy"], spec["schedulerName"]) == ("ClusterFirst", "default-scheduler")
    assert spec["terminationGracePeriodSeconds"] == 30 and spec["securityContext"] == {}
    assert spec["enableServiceLinks"] is True
    assert {"name": "scratch", "emptyDir": {}} in spec["volumes"]
    for container in spec["containers"]:
        assert container["terminationMessagePath"] == "/dev/termination-log"
        assert container["terminationMessagePolicy"] == "File"
        expected = "IfNotPresent" if container["image"] == "nginx:1.27" else "Always"
        assert container["imagePullPolicy"] == expected, container["name"]


def test_applied_pods_are_stored_defaulted(demo_cluster: DemoCluster, kubectl: str) -> None:
    kubectl_run(kubectl, demo_cluster, "apply", "-f", "-", stdin=POD.replace("NAME", "client-side"))
    kubectl_run(kubectl, demo_cluster, "apply", "--server-side", "-f", "-", stdin=POD.replace("NAME", "server-side"))
    for name in ("client-side", "server-side"):
        assert_defaulted(json.loads(kubectl_run(kubectl, demo_cluster, "get", "pod", name, "-o", "json"))["spec"])


def test_a_controller_created_pod_is_stored_defaulted(demo_cluster: DemoCluster, kubectl: str) -> None:
    kubectl_run(kubectl, demo_cluster, "apply", "-f", "-", stdin=DEPLOYMENT)

    def created() -> list[dict[str, Any]]:
        listed = json.loads(kubectl_run(kubectl, demo_cluster, "get", "pods", "-l", "app=scratchy", "-o", "json"))
        return list(listed["items"])

    pods = wait_for(created, timeout=30, what="the Deployment's pod")
    assert_defaulted(pods[0]["spec"])
    template = json.loads(kubectl_run(kubectl, demo_cluster, "get", "deploy", "scratchy", "-o", "json"))
    assert {"name": "scratch", "emptyDir": {}} in template["spec"]["template"]["spec"]["volumes"]
