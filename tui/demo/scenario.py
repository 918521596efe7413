"""The seeded demo objects: nodes, namespaces and pods that tell the blog walkthrough's story, and
the `slim` Deployment with its ReplicaSet (whose pod is the walkthrough's slim pod)."""

from __future__ import annotations

import copy
import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from tui.demo.api.defaults import default_container, default_pod, now_iso, qos_class
from tui.demo.api.store import Store
from tui.demo.node.kubelet import (
    CRASHLOOP_ANNOTATION,
    LINUX_NODE,
    NODE_IPS,
    WINDOWS_NODE,
    crash_once,
    refresh_conditions,
    running_status,
)

LOAD_NAMESPACES = 50
LOAD_PREFIX = "load-"
PSA_ENFORCE = "pod-security.kubernetes.io/enforce"


def _uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def namespace_object(name: str, created: datetime, rng: random.Random, labels: dict[str, str] | None = None
                     ) -> dict[str, Any]:
    all_labels = {"kubernetes.io/metadata.name": name, **(labels or {})}
    return {
        "kind": "Namespace",
        "apiVersion": "v1",
        "metadata": {"name": name, "uid": _uid(rng), "creationTimestamp": now_iso(created), "labels": all_labels},
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    }


def node_object(name: str, windows: bool, created: datetime, rng: random.Random) -> dict[str, Any]:
    os_name = "windows" if windows else "linux"
    labels = {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": os_name,
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": os_name,
    }
    if not windows:
        labels["node-role.kubernetes.io/control-plane"] = ""
    when = now_iso(created)
    node_info = {
        "architecture": "amd64",
        "bootID": _uid(rng),
        "containerRuntimeVersion": "containerd://1.7.24",
        "kernelVersion": "10.0.17763.6414" if windows else "6.8.0-49-generic",
        "kubeProxyVersion": "v1.32.4",
        "kubeletVersion": "v1.32.4",
        "machineID": rng.getrandbits(128).to_bytes(16, "big").hex(),
        "operatingSystem": os_name,
        "osImage": "Windows Server 2019 Datacenter" if windows else "Ubuntu 24.04.1 LTS",
        "systemUUID": _uid(rng),
    }
    conditions = [
        {"type": kind, "status": "False", "lastHeartbeatTime": when, "lastTransitionTime": when,
         "reason": reason, "message": message}
        for kind, reason, message in (
            ("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
            ("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            ("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        )
    ]
    conditions.append({"type": "Ready", "status": "True", "lastHeartbeatTime": when, "lastTransitionTime": when,
                       "reason": "KubeletReady", "message": "kubelet is posting ready status"})
    capacity = {"cpu": "8", "ephemeral-storage": "101203600Ki", "hugepages-2Mi": "0", "memory": "32863396Ki",
                "pods": "110"}
    spec: dict[str, Any] = {"podCIDR": "10.244.1.0/24" if windows else "10.244.0.0/24"}
    if windows:
        spec["taints"] = [{"key": "os", "value": "windows", "effect": "NoSchedule"}]
    return {
        "kind": "Node",
        "apiVersion": "v1",
        "metadata": {"name": name, "uid": _uid(rng), "creationTimestamp": when, "labels": labels,
                     "annotations": {"node.alpha.kubernetes.io/ttl": "0",
                                     "volumes.kubernetes.io/controller-managed-attach-detach": "true"}},
        "spec": spec,
        "status": {
            "capacity": capacity,
            "allocatable": dict(capacity, memory="32761 Ki".replace(" ", "")),
            "conditions": conditions,
            "addresses": [{"type": "InternalIP", "address": NODE_IPS[name]}, {"type": "Hostname", "address": name}],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": node_info,
        },
    }


class PodFactory:
    """Builds already-running pods with the defaults the API server and kubelet would have set."""

    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng = rng
        self.now = now
        self.ip = 20

    def running(
        self,
        namespace: str,
        name: str,
        containers: list[dict[str, Any]],
        age: timedelta,
        labels: dict[str, str] | None = None,
        annotations: dict[str, str] | None = None,
        owner: dict[str, Any] | None = None,
        node: str = LINUX_NODE,
        **spec: Any,
    ) -> dict[str, Any]:
        created = self.now - age
        metadata: dict[str, Any] = {"name": name}
        if labels:
            metadata["labels"] = labels
        if annotations:
            metadata["annotations"] = annotations
        if owner:
            metadata["ownerReferences"] = [owner]
        pod = {"metadata": metadata, "spec": {"containers": containers, **spec}}
        default_pod(pod, namespace, self.rng, created)
        pod["spec"]["nodeName"] = node
        started = now_iso(created + timedelta(seconds=3))
        self.ip += 1
        pod_ip = NODE_IPS[node] if spec.get("hostNetwork") else f"10.244.{0 if node == LINUX_NODE else 1}.{self.ip}"
        pod["status"] = {
            "phase": "Running",
            "hostIP": NODE_IPS[node],
            "hostIPs": [{"ip": NODE_IPS[node]}],
            "podIP": pod_ip,
            "podIPs": [{"ip": pod_ip}],
            "startTime": now_iso(created + timedelta(seconds=1)),
            "containerStatuses": [running_status(c, pod["metadata"]["uid"], started) for c in containers],
            "qosClass": qos_class(pod),
        }
        refresh_conditions(pod, started)
        return pod


def replica_set_owner(name: str, rng: random.Random) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": name, "uid": _uid(rng), "controller": True,
            "blockOwnerDeletion": True}


# The blog's slim Deployment: distroless Python app + Node sidecar, no shell anywhere.
SLIM_CONTAINERS: list[dict[str, Any]] = [
    {"name": "app", "image": "gcr.io/distroless/python3-debian11",
     "command": ["python", "-m", "http.server", "8080"]},
    {"name": "sidecar", "image": "gcr.io/distroless/nodejs-debian11",
     "command": ["/nodejs/bin/node", "-e", 'setTimeout(() => console.log("done"), 999999)']},
]
SLIM_HASH = "79487d6484"
SLIM_AGE = timedelta(hours=2, minutes=14)
SLIM_REPLICAS = 1  # one pod, the walkthrough's: the browser's rows and snapshots stay as they were
REVISION = "deployment.kubernetes.io/revision"


def scenario_pods(factory: PodFactory) -> list[dict[str, Any]]:
    rng = factory.rng
    pods: list[dict[str, Any]] = []
    pods.append(factory.running(
        "default", f"slim-{SLIM_HASH}-h4rss",
        copy.deepcopy(SLIM_CONTAINERS),
        SLIM_AGE,
        labels={"app": "slim", "pod-template-hash": SLIM_HASH},
        owner=replica_set_owner(f"slim-{SLIM_HASH}", rng),
    ))
    crash = factory.running(
        "default", "payments-api-7c9d8f6b5-x2kqp",
        [{"name": "api", "image": "ghcr.io/acme/payments-api:1.4.2", "ports": [{"containerPort": 8080}],
          "env": [{"name": "DATABASE_URL", "value": "postgres://payments-db:5432/payments"}]}],
        timedelta(minutes=47),
        labels={"app": "payments-api", "pod-template-hash": "7c9d8f6b5"},
        annotations={CRASHLOOP_ANNOTATION: "api"},
        owner=replica_set_owner("payments-api-7c9d8f6b5", rng),
    )
    for minutes_ago in (40, 30, 20, 12, 5):
        crash_once(crash, "api", factory.now - timedelta(minutes=minutes_ago))
    pods.append(crash)
    pods.append(factory.running(
        "default", "shared-pid-demo",
        [
            {"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 80}]},
            {"name": "worker", "image": "busybox:1.36", "command": ["sh", "-c", "while true; do sleep 3600; done"]},
        ],
        timedelta(hours=5),
        labels={"app": "shared-pid-demo"},
        shareProcessNamespace=True,
    ))
    pods.append(factory.running(
        "default", "nonroot-app",
        [{"name": "app", "image": "gcr.io/distroless/python3-debian11:nonroot",
          "command": ["python", "-m", "http.server", "8443"], "ports": [{"containerPort": 8443}]}],
        timedelta(hours=1, minutes=3),
        labels={"app": "nonroot-app"},
        securityContext={"runAsNonRoot": True},
    ))
    pods.append(factory.running(
        "default", "win-iis-6b7d8c9f5-q7rtz",
        [{"name": "iis", "image": "mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2019",
          "ports": [{"containerPort": 80}]}],
        timedelta(days=3, hours=2),
        labels={"app": "win-iis", "pod-template-hash": "6b7d8c9f5"},
        owner=replica_set_owner("win-iis-6b7d8c9f5", rng),
        node=WINDOWS_NODE,
        nodeSelector={"kubernetes.io/os": "windows"},
        tolerations=[{"key": "os", "operator": "Equal", "value": "windows", "effect": "NoSchedule"}],
    ))
    for suffix, age in (("m4k8p", timedelta(days=1, hours=4)), ("t9w2z", timedelta(days=1, hours=4))):
        pods.append(factory.running(
            "default", f"web-5d9c7b8f4-{suffix}",
            [{"name": "nginx", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}],
            age,
            labels={"app": "web", "tier": "frontend", "pod-template-hash": "5d9c7b8f4"},
            owner=replica_set_owner("web-5d9c7b8f4", rng),
        ))
    # kube-system: a static (mirror) pod and cluster DNS.
    pods.append(factory.running(
        "kube-system", f"kube-apiserver-{LINUX_NODE}",
        [{"name": "kube-apiserver", "image": "registry.k8s.io/kube-apiserver:v1.32.4"}],
        timedelta(days=12),
        labels={"component": "kube-apiserver", "tier": "control-plane"},
        annotations={
            "kubernetes.io/config.hash": "b4c1e5d2f0a9e8c7d6b5a4f3e2d1c0b9",
            "kubernetes.io/config.mirror": "b4c1e5d2f0a9e8c7d6b5a4f3e2d1c0b9",
            "kubernetes.io/config.seen": now_iso(factory.now - timedelta(days=12)),
            "kubernetes.io/config.source": "file",
        },
        owner={"apiVersion": "v1", "kind": "Node", "name": LINUX_NODE, "uid": _uid(rng), "controller": True},
        hostNetwork=True,
        priorityClassName="system-node-critical",
        priority=2000001000,
    ))
    for suffix in ("5dd5f", "8xk2q"):
        pods.append(factory.running(
            "kube-system", f"coredns-668d6bf9bc-{suffix}",
            [{"name": "coredns", "image": "registry.k8s.io/coredns/coredns:v1.11.3",
              "ports": [{"containerPort": 53, "protocol": "UDP"}]}],
            timedelta(days=12),
            labels={"k8s-app": "kube-dns", "pod-template-hash": "668d6bf9bc"},
            owner=replica_set_owner("coredns-668d6bf9bc", rng),
            priorityClassName="system-cluster-critical",
            priority=2000000000,
        ))
    # secure: enforces restricted; its pod complies.
    restricted_sc = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}, "runAsUser": 65532}
    pods.append(factory.running(
        "secure", "vault-agent-0",
        [{"name": "agent", "image": "hashicorp/vault:1.18",
          "securityContext": restricted_sc}],
        timedelta(hours=9),
        labels={"app": "vault-agent", "statefulset.kubernetes.io/pod-name": "vault-agent-0"},
        owner={"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "vault-agent", "uid": _uid(rng),
               "controller": True, "blockOwnerDeletion": True},
        securityContext={"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
    ))
    # staging: enforces baseline.
    pods.append(factory.running(
        "staging", "orders-6f8b9c7d5-2xq9l",
        [{"name": "orders", "image": "python:3.12-slim", "command": ["python", "-m", "http.server", "8000"],
          "ports": [{"containerPort": 8000}]}],
        timedelta(hours=26),
        labels={"app": "orders", "pod-template-hash": "6f8b9c7d5"},
        owner=replica_set_owner("orders-6f8b9c7d5", rng),
    ))
    pods.append(factory.running(
        "staging", "redis-0",
        [{"name": "redis", "image": "redis:7.4", "ports": [{"containerPort": 6379}]}],
        timedelta(days=2),
        labels={"app": "redis"},
    ))
    # monitoring.
    pods.append(factory.running(
        "monitoring", "prometheus-0",
        [{"name": "prometheus", "image": "prom/prometheus:v3.0.1", "ports": [{"containerPort": 9090}]}],
        timedelta(days=6),
        labels={"app": "prometheus"},
    ))
    pods.append(factory.running(
        "monitoring", "node-exporter-7qj4v",
        [{"name": "node-exporter", "image": "prom/node-exporter:v1.8.2", "ports": [{"containerPort": 9100}]}],
        timedelta(days=6),
        labels={"app": "node-exporter"},
        hostNetwork=True,
        hostPID=True,
    ))
    return pods


def synthetic_pods(count: int, rng: random.Random, now: datetime) -> list[dict[str, Any]]:
    """`count` running pods over load-00..load-49, sharing their immutable spec (fast to build)."""
    factory = PodFactory(rng, now)
    template = factory.running(
        "load-00", "template",
        [{"name": "app", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}],
        timedelta(hours=1),
    )
    spec = template["spec"]
    base_status = template["status"]
    container_statuses = base_status["containerStatuses"]
    conditions = base_status["conditions"]
    pods: list[dict[str, Any]] = []
    for index in range(count):
        namespace = f"load-{index % LOAD_NAMESPACES:02d}"
        created = now_iso(now - timedelta(seconds=60 + (index * 7919) % 86_400))
        status = dict(base_status)
        status["podIP"] = f"10.{100 + index // 65_000}.{(index // 250) % 256}.{index % 250 + 2}"
        status["podIPs"] = [{"ip": status["podIP"]}]
        status["containerStatuses"] = container_statuses
        status["conditions"] = conditions
        pods.append({
            "kind": "Pod",
            "apiVersion": "v1",
            "metadata": {
                "name": f"load-{index:05d}",
                "namespace": namespace,
                "uid": f"00000000-0000-4000-8000-{index:012d}",
                "creationTimestamp": created,
                "labels": {"app": "load", "shard": str(index % 10)},
            },
            "spec": spec,
            "status": status,
        })
    return pods


def seed(store: Store, extra_pods: int = 0, rng: random.Random | None = None, now: datetime | None = None) -> None:
    """Fill the store with the scenario (and `extra_pods` synthetic pods)."""
    rng = rng or random.Random(20250601)
    now = now or datetime.now(UTC)
    cluster_birth = now - timedelta(days=12, hours=1)
    store.seed("nodes", node_object(LINUX_NODE, False, cluster_birth, rng))
    store.seed("nodes", node_object(WINDOWS_NODE, True, cluster_birth, rng))
    namespaces: list[tuple[str, dict[str, str]]] = [
        ("default", {}),
        ("kube-node-lease", {}),
        ("kube-public", {}),
        ("kube-system", {}),
        ("monitoring", {}),
        ("secure", {PSA_ENFORCE: "restricted", PSA_ENFORCE + "-version": "latest"}),
        ("staging", {PSA_ENFORCE: "baseline", PSA_ENFORCE + "-version": "latest"}),
    ]
    if extra_pods:
        namespaces += [(f"load-{i:02d}", {}) for i in range(LOAD_NAMESPACES)]
    for name, labels in namespaces:
        store.seed("namespaces", namespace_object(name, cluster_birth, rng, labels))
    pods = scenario_pods(PodFactory(rng, now))
    for pod in pods:
        store.seed("pods", pod)
    slim_pods = [p for p in pods if p["metadata"]["labels"].get("pod-template-hash") == SLIM_HASH]
    deployment, replica_set = slim_deployment(slim_pods, now)
    store.seed("deployments", deployment)
    store.seed("replicasets", replica_set)
    if extra_pods:
        for pod in synthetic_pods(extra_pods, rng, now):
            store.seed("pods", pod)


def pod_template_spec(containers: list[dict[str, Any]]) -> dict[str, Any]:
    """A pod template's spec as the API server stores it (defaults, no service account volume)."""
    spec_containers = copy.deepcopy(containers)
    for container in spec_containers:
        default_container(container)
    return {"containers": spec_containers, "restartPolicy": "Always", "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst", "securityContext": {}, "schedulerName": "default-scheduler"}


def slim_deployment(pods: list[dict[str, Any]], now: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    """The slim Deployment and its ReplicaSet, rolled out: the ReplicaSet's uid is the one its
    pods' ownerReferences name. Their uids come from an RNG of their own, so the rest of the
    scenario (uids, volume names) is as it was."""
    rng = random.Random(20250602)
    created = now_iso(now - SLIM_AGE - timedelta(seconds=1))
    deployment_uid = _uid(rng)
    rs_name = f"slim-{SLIM_HASH}"
    rs_uid = pods[0]["metadata"]["ownerReferences"][0]["uid"]
    spec = pod_template_spec(SLIM_CONTAINERS)
    ready = len(pods)

    def condition(kind: str, reason: str, message: str) -> dict[str, Any]:
        return {"type": kind, "status": "True", "lastUpdateTime": created, "lastTransitionTime": created,
                "reason": reason, "message": message}

    deployment = {
        "kind": "Deployment",
        "apiVersion": "apps/v1",
        "metadata": {"name": "slim", "namespace": "default", "uid": deployment_uid, "generation": 1,
                     "creationTimestamp": created, "labels": {"app": "slim"},
                     "annotations": {REVISION: "1"}},
        "spec": {
            "replicas": SLIM_REPLICAS,
            "selector": {"matchLabels": {"app": "slim"}},
            "template": {"metadata": {"labels": {"app": "slim"}}, "spec": spec},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
            "revisionHistoryLimit": 10,
            "progressDeadlineSeconds": 600,
        },
        "status": {
            "observedGeneration": 1, "replicas": ready, "updatedReplicas": ready, "readyReplicas": ready,
            "availableReplicas": ready,
            "conditions": [
                condition("Available", "MinimumReplicasAvailable", "Deployment has minimum availability."),
                condition("Progressing", "NewReplicaSetAvailable",
                          f'ReplicaSet "{rs_name}" has successfully progressed.'),
            ],
        },
    }
    labels = {"app": "slim", "pod-template-hash": SLIM_HASH}
    replica_set = {
        "kind": "ReplicaSet",
        "apiVersion": "apps/v1",
        "metadata": {
            "name": rs_name, "namespace": "default", "uid": rs_uid, "generation": 1, "creationTimestamp": created,
            "labels": dict(labels),
            "annotations": {"deployment.kubernetes.io/desired-replicas": str(SLIM_REPLICAS),
                            "deployment.kubernetes.io/max-replicas": str(SLIM_REPLICAS + 1), REVISION: "1"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "slim",
                                 "uid": deployment_uid, "controller": True, "blockOwnerDeletion": True}],
        },
        "spec": {
            "replicas": SLIM_REPLICAS,
            "selector": {"matchLabels": dict(labels)},
            "template": {"metadata": {"labels": dict(labels)}, "spec": copy.deepcopy(spec)},
        },
        "status": {"replicas": ready, "fullyLabeledReplicas": ready, "readyReplicas": ready,
                   "availableReplicas": ready, "observedGeneration": 1},
    }
    return deployment, replica_set
