"""The seeded demo objects: nodes, namespaces and pods that tell the blog walkthrough's story; a
Deployment and its ReplicaSet behind every pod whose controller is a ReplicaSet named
`<deployment>-<pod-template-hash>` (`slim`, `web`, `payments-api`, `win-iis`, `coredns`, `orders`:
their controllers adopt the seeded pods, none is added or replaced at start); the `kubernetes`
Service; a `kube-root-ca.crt` ConfigMap in every namespace; and the events the scheduler and the
kubelet wrote about each seeded pod (Scheduled, Pulling/Pulled, Created, Started; the crash loop's
restarts and BackOff), timed from the pods' ages."""

from __future__ import annotations

import copy
import math
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tui.demo.api.defaults import default_container, default_pod, now_iso, qos_class
from tui.demo.api.events import KUBELET, NORMAL, SCHEDULER, WARNING, involved_object, micro_time
from tui.demo.api.store import Store
from tui.demo.controllers.common import POD_TEMPLATE_HASH
from tui.demo.controllers.root_ca import root_ca_config_map
from tui.demo.node.kubelet import (
    CRASHLOOP_ANNOTATION,
    LINUX_NODE,
    NODE_IPS,
    WINDOWS_NODE,
    _image_size,
    _pull_time,
    canonical_image,
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


@dataclass(frozen=True)
class PodInput:
    """What a seeded pod was made of (its containers, labels, annotations, other spec fields)."""

    containers: list[dict[str, Any]]
    labels: dict[str, str]
    annotations: dict[str, str]
    spec: dict[str, Any]


class PodFactory:
    """Builds already-running pods with the defaults the API server and kubelet would have set."""

    def __init__(self, rng: random.Random, now: datetime) -> None:
        self.rng = rng
        self.now = now
        self.ip = 20
        # what each pod was made of, before the defaults: the pod templates of their workloads
        self.inputs: dict[tuple[str, str], PodInput] = {}

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
        self.inputs[(namespace, name)] = PodInput(copy.deepcopy(containers), dict(labels or {}),
                                                  dict(annotations or {}), copy.deepcopy(spec))
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
REVISION = "deployment.kubernetes.io/revision"
CRASH_MINUTES_AGO = (40, 30, 20, 12, 5)  # payments-api's restarts (it crash-loops since)


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
    for minutes_ago in CRASH_MINUTES_AGO:
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


def seed(store: Store, extra_pods: int = 0, rng: random.Random | None = None, now: datetime | None = None,
         root_ca: str = "") -> None:
    """Fill the store with the scenario (and `extra_pods` synthetic pods); `root_ca` is the cluster
    CA's PEM the `kube-root-ca.crt` ConfigMaps hold."""
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
    factory = PodFactory(rng, now)
    pods = scenario_pods(factory)
    workloads = replica_set_workloads(pods, factory.inputs)  # their own RNG: the pods' uids stay
    for pod in pods:
        store.seed("pods", pod)
    for deployment, replica_set in workloads:
        store.seed("deployments", deployment)
        store.seed("replicasets", replica_set)
    other = random.Random(20250604)  # the objects added since: the scenario's uids above stay as they were
    store.seed("services", kubernetes_service(cluster_birth, _uid(other)))
    for name, _labels in namespaces:
        store.seed("configmaps", root_ca_config_map(name, root_ca, _uid(other), now_iso(cluster_birth)))
    for event in pod_events(pods, now):
        store.seed("events", event)
    if extra_pods:
        for pod in synthetic_pods(extra_pods, rng, now):
            store.seed("pods", pod)


def pod_template_spec(containers: list[dict[str, Any]], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A pod template's spec as the API server stores it (defaults, no service account volume);
    `extra`: the other spec fields the pods were made with (nodeSelector, tolerations...)."""
    spec_containers = copy.deepcopy(containers)
    for container in spec_containers:
        default_container(container)
    spec = {"containers": spec_containers, "restartPolicy": "Always", "terminationGracePeriodSeconds": 30,
            "dnsPolicy": "ClusterFirst", "securityContext": {}, "schedulerName": "default-scheduler"}
    # priority is admission's, from priorityClassName: a template does not hold it
    spec.update({key: copy.deepcopy(value) for key, value in (extra or {}).items() if key != "priority"})
    return spec


def replica_set_workloads(pods: list[dict[str, Any]], inputs: dict[tuple[str, str], PodInput]
                          ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """A Deployment and its ReplicaSet, rolled out, for each ReplicaSet named as the seeded pods'
    controller (`<deployment>-<pod-template-hash>`): their template is what the pods were made
    of, their status what the controllers compute from the pods (so starting them changes
    nothing). The pods of one ReplicaSet get its uid in their ownerReferences. The uids come from
    an RNG of their own (slim's first), so the rest of the scenario is as it was."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for pod in pods:
        ref = next((r for r in pod["metadata"].get("ownerReferences") or [] if r.get("controller")), None)
        if ref is not None and ref.get("kind") == "ReplicaSet":
            groups.setdefault((pod["metadata"]["namespace"], ref["name"]), []).append(pod)
    rng = random.Random(20250602)
    workloads = []
    for (namespace, rs_name), members in groups.items():
        rs_uid = members[0]["metadata"]["ownerReferences"][0]["uid"]
        for pod in members:
            for ref in pod["metadata"]["ownerReferences"]:
                if ref.get("kind") == "ReplicaSet" and ref.get("name") == rs_name:
                    ref["uid"] = rs_uid
        source = inputs[(namespace, members[0]["metadata"]["name"])]
        workloads.append(deployment_objects(namespace, rs_name, rs_uid, members, source, _uid(rng)))
    return workloads


def deployment_objects(namespace: str, rs_name: str, rs_uid: str, pods: list[dict[str, Any]], source: PodInput,
                       deployment_uid: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The Deployment and ReplicaSet `rs_name` (`<deployment>-<hash>`) whose pods are `pods`."""
    template_hash = source.labels[POD_TEMPLATE_HASH]
    name = rs_name.removesuffix(f"-{template_hash}")
    oldest = min(str(p["metadata"]["creationTimestamp"]) for p in pods)
    created = now_iso(datetime.fromisoformat(oldest.replace("Z", "+00:00")) - timedelta(seconds=1))
    labels = {key: value for key, value in source.labels.items() if key != POD_TEMPLATE_HASH}
    template_meta: dict[str, Any] = {"labels": dict(labels)}
    if source.annotations:
        template_meta["annotations"] = dict(source.annotations)
    spec = pod_template_spec(source.containers, source.spec)
    replicas = len(pods)
    ready = sum(1 for pod in pods if any(c.get("type") == "Ready" and c.get("status") == "True"
                                         for c in pod["status"].get("conditions") or []))
    surge = math.ceil(replicas * 25 / 100)
    available = ready >= replicas - replicas * 25 // 100

    def condition(kind: str, ok: bool, reason: str, message: str, when: str = created) -> dict[str, Any]:
        return {"type": kind, "status": "True" if ok else "False", "lastUpdateTime": when,
                "lastTransitionTime": when, "reason": reason, "message": message}

    conditions = [
        condition("Available", True, "MinimumReplicasAvailable", "Deployment has minimum availability.")
        if available else
        condition("Available", False, "MinimumReplicasUnavailable", "Deployment does not have minimum availability."),
        condition("Progressing", True, "NewReplicaSetAvailable", f'ReplicaSet "{rs_name}" has successfully progressed.')
        if ready == replicas else
        condition("Progressing", False, "ProgressDeadlineExceeded", f'ReplicaSet "{rs_name}" has timed out progressing.',
                  now_iso(datetime.fromisoformat(created.replace("Z", "+00:00")) + timedelta(seconds=601))),
    ]
    status = {"observedGeneration": 1, "replicas": replicas, "updatedReplicas": replicas, "readyReplicas": ready,
              "availableReplicas": ready, "unavailableReplicas": replicas - ready}
    deployment = {
        "kind": "Deployment",
        "apiVersion": "apps/v1",
        "metadata": {"name": name, "namespace": namespace, "uid": deployment_uid, "generation": 1,
                     "creationTimestamp": created, "labels": dict(labels), "annotations": {REVISION: "1"}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": dict(labels)},
            "template": {"metadata": copy.deepcopy(template_meta), "spec": spec},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
            "revisionHistoryLimit": 10,
            "progressDeadlineSeconds": 600,
        },
        "status": {**{key: value for key, value in status.items() if value}, "conditions": conditions},
    }
    rs_labels = {**labels, POD_TEMPLATE_HASH: template_hash}
    rs_template_meta = copy.deepcopy(template_meta)
    rs_template_meta["labels"] = dict(rs_labels)
    rs_status = {"replicas": replicas, "fullyLabeledReplicas": replicas, "readyReplicas": ready,
                 "availableReplicas": ready, "observedGeneration": 1}
    replica_set = {
        "kind": "ReplicaSet",
        "apiVersion": "apps/v1",
        "metadata": {
            "name": rs_name, "namespace": namespace, "uid": rs_uid, "generation": 1, "creationTimestamp": created,
            "labels": dict(rs_labels),
            "annotations": {"deployment.kubernetes.io/desired-replicas": str(replicas),
                            "deployment.kubernetes.io/max-replicas": str(replicas + surge), REVISION: "1"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": name,
                                 "uid": deployment_uid, "controller": True, "blockOwnerDeletion": True}],
        },
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": dict(rs_labels)},
            "template": {"metadata": rs_template_meta, "spec": copy.deepcopy(spec)},
        },
        "status": {key: value for key, value in rs_status.items() if value or key == "replicas"},
    }
    return deployment, replica_set


def kubernetes_service(created: datetime, uid: str) -> dict[str, Any]:
    """The `kubernetes` Service the API server keeps in `default` (the first address of the
    service CIDR, port 443 named https to the API server's 6443)."""
    return {
        "kind": "Service",
        "apiVersion": "v1",
        "metadata": {"name": "kubernetes", "namespace": "default", "uid": uid, "creationTimestamp": now_iso(created),
                     "labels": {"component": "apiserver", "provider": "kubernetes"}},
        "spec": {"ports": [{"name": "https", "protocol": "TCP", "port": 443, "targetPort": 6443}],
                 "clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"], "type": "ClusterIP",
                 "sessionAffinity": "None", "ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack",
                 "internalTrafficPolicy": "Cluster"},
        "status": {"loadBalancer": {}},
    }


def pod_events(pods: list[dict[str, Any]], now: datetime) -> list[dict[str, Any]]:
    """What the scheduler and the kubelets wrote about the seeded pods, timed from their ages (as
    the demo's kubelet writes them: `tui.demo.api.events`): Scheduled (not for a static pod's
    mirror), then per container Pulling and Pulled (or "already present" for an image the node
    has pulled before), Created, Started; a crash-looping container's restarts count the Pulled,
    Created and Started again and add a BackOff warning per restart."""
    events: list[dict[str, Any]] = []
    present: set[tuple[str, str]] = set()

    def kubelet_event(*args: Any) -> dict[str, Any]:
        return make_kubelet_event(len(events) + 1, *args)

    for pod in sorted(pods, key=lambda p: str(p["metadata"]["creationTimestamp"])):
        meta, spec = pod["metadata"], pod["spec"]
        node = str(spec.get("nodeName") or LINUX_NODE)
        created = datetime.fromisoformat(str(meta["creationTimestamp"]).replace("Z", "+00:00"))
        if "kubernetes.io/config.mirror" not in (meta.get("annotations") or {}):
            events.append(scheduled_event(pod, f"Successfully assigned {meta['namespace']}/{meta['name']} to {node}",
                                          created))
        crashing = (meta.get("annotations") or {}).get(CRASHLOOP_ANNOTATION)
        for container in spec.get("containers") or []:
            image, name = str(container.get("image", "")), container["name"]
            path = f"spec.containers{{{name}}}"
            pulled = created + timedelta(seconds=2)
            restarts = sorted(_restart_times(now)) if name == crashing else []
            if (node, canonical_image(image)) in present:
                events.append(kubelet_event(pod, node, path, NORMAL, "Pulled",
                                            f'Container image "{image}" already present on machine',
                                            pulled, pulled))
            else:
                present.add((node, canonical_image(image)))
                took = _pull_time(image)
                events.append(kubelet_event(pod, node, path, NORMAL, "Pulling", f'Pulling image "{image}"',
                                            created + timedelta(seconds=1), created + timedelta(seconds=1)))
                events.append(kubelet_event(pod, node, path, NORMAL, "Pulled",
                                            f'Successfully pulled image "{image}" in {took} ({took} including '
                                            f"waiting). Image size: {_image_size(image)} bytes.", pulled, pulled))
                if restarts:
                    events.append(kubelet_event(pod, node, path, NORMAL, "Pulled",
                                                f'Container image "{image}" already present on machine',
                                                restarts[0], restarts[-1], len(restarts)))
            last = restarts[-1] if restarts else pulled
            events.append(kubelet_event(pod, node, path, NORMAL, "Created", f"Created container: {name}", pulled,
                                        last, 1 + len(restarts)))
            events.append(kubelet_event(pod, node, path, NORMAL, "Started", f"Started container {name}",
                                        created + timedelta(seconds=3), last, 1 + len(restarts)))
            if restarts:
                events.append(kubelet_event(
                    pod, node, path, WARNING, "BackOff",
                    f"Back-off restarting failed container {name} in pod {meta['name']}_{meta['namespace']}"
                    f"({meta['uid']})", restarts[0], restarts[-1], len(restarts)))
    return events


def _restart_times(now: datetime) -> list[datetime]:
    """When the crash-looping seeded container was restarted (and failed again)."""
    return [now - timedelta(minutes=minutes) for minutes in CRASH_MINUTES_AGO]


def _event_name(involved: str, moment: datetime, index: int) -> str:
    """client-go's `<name>.<UnixNano in hex>`, the index keeping the events of one second apart."""
    nanos = int(moment.timestamp()) * 1_000_000_000 + index
    return f"{involved}.{nanos:x}"


def scheduled_event(pod: dict[str, Any], message: str, moment: datetime) -> dict[str, Any]:
    """The scheduler's Scheduled event (the events.k8s.io/v1 recorder: eventTime, no count)."""
    meta = pod["metadata"]
    return {
        "kind": "Event", "apiVersion": "v1",
        "metadata": {"name": _event_name(meta["name"], moment, 0), "namespace": meta["namespace"],
                     "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{meta['uid']}/Scheduled")),
                     "creationTimestamp": now_iso(moment)},
        "involvedObject": involved_object(pod),
        "reason": "Scheduled", "message": message, "source": {},
        "firstTimestamp": None, "lastTimestamp": None, "type": NORMAL,
        "eventTime": micro_time(moment), "action": "Binding", "reportingComponent": SCHEDULER,
        "reportingInstance": f"{SCHEDULER}-{LINUX_NODE}",
    }


def make_kubelet_event(index: int, pod: dict[str, Any], node: str, path: str, type_: str, reason: str, message: str,
                       first: datetime, last: datetime, count: int = 1) -> dict[str, Any]:
    """A kubelet event (the legacy recorder: source, count, first and last timestamps); `index`
    keeps the names of events of the same second apart."""
    meta = pod["metadata"]
    return {
        "kind": "Event", "apiVersion": "v1",
        "metadata": {"name": _event_name(meta["name"], first, index),
                     "namespace": meta["namespace"],
                     "uid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{meta['uid']}/{path}/{reason}/{message}")),
                     "creationTimestamp": now_iso(first)},
        "involvedObject": involved_object(pod, path),
        "reason": reason, "message": message, "source": {"component": KUBELET.component, "host": node},
        "firstTimestamp": now_iso(first), "lastTimestamp": now_iso(last), "count": count, "type": type_,
        "eventTime": None, "reportingComponent": KUBELET.component, "reportingInstance": node,
    }
