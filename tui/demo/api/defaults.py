"""Defaults the API server (defaulting + ServiceAccount admission) fills into a new pod."""

from __future__ import annotations

import random
import string
import uuid
from datetime import UTC, datetime
from typing import Any

_SUFFIX_CHARS = "bcdfghjklmnpqrstvwxz2456789"


def now_iso(moment: datetime | None = None) -> str:
    return (moment or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")


def random_suffix(length: int = 5, rng: random.Random | None = None) -> str:
    chooser = rng or random
    return "".join(chooser.choice(_SUFFIX_CHARS) for _ in range(length))


def image_pull_policy(image: str) -> str:
    """Always for `:latest` or no tag (a digest counts as a tag), else IfNotPresent."""
    if "@" in image:
        return "IfNotPresent"
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return "Always"
    return "Always" if last.rsplit(":", 1)[1] == "latest" else "IfNotPresent"


def _fill(obj: dict[str, Any], key: str, value: Any) -> None:
    """Set `key` where it is missing, null or "" (Go's zero value: SetDefaults_* test `== ""`/nil)."""
    if obj.get(key) is None or obj.get(key) == "":
        obj[key] = value


def default_container(container: dict[str, Any], ephemeral: bool = False) -> None:
    """SetDefaults_Container (and _EphemeralContainer): where unset or empty."""
    _fill(container, "terminationMessagePath", "/dev/termination-log")
    _fill(container, "terminationMessagePolicy", "File")
    if "image" in container:
        _fill(container, "imagePullPolicy", image_pull_policy(str(container["image"])))
    container.setdefault("resources", {})
    for port in container.get("ports", []) or []:
        if isinstance(port, dict):
            _fill(port, "protocol", "TCP")


def default_pod_spec(spec: dict[str, Any]) -> None:
    """SetDefaults_PodSpec and SetDefaults_Volume: the spec fields a pod (or a pod template) gets
    where they are unset or empty, and `emptyDir: {}` for a volume without a source."""
    _fill(spec, "restartPolicy", "Always")
    _fill(spec, "terminationGracePeriodSeconds", 30)
    _fill(spec, "dnsPolicy", "ClusterFirst")
    _fill(spec, "securityContext", {})
    _fill(spec, "schedulerName", "default-scheduler")
    for volume in spec.get("volumes") or []:
        if isinstance(volume, dict) and all(value is None for key, value in volume.items() if key != "name"):
            for key in [key for key in volume if key != "name"]:
                del volume[key]
            volume["emptyDir"] = {}


def api_access_volume_name(rng: random.Random | None = None) -> str:
    chooser = rng or random
    return "kube-api-access-" + "".join(chooser.choice(string.ascii_lowercase + string.digits) for _ in range(5))


def api_access_volume(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "projected": {
            "defaultMode": 420,
            "sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                {
                    "downwardAPI": {
                        "items": [
                            {"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}
                        ]
                    }
                },
            ],
        },
    }


def default_pod(pod: dict[str, Any], namespace: str, rng: random.Random | None = None,
                created: datetime | None = None) -> dict[str, Any]:
    """Fill server-side defaults into a pod being created (mutates and returns it)."""
    pod["kind"] = "Pod"
    pod["apiVersion"] = "v1"
    metadata = pod.setdefault("metadata", {})
    metadata["namespace"] = namespace
    if not metadata.get("name") and metadata.get("generateName"):
        metadata["name"] = metadata["generateName"] + random_suffix(5, rng)
    metadata["uid"] = str(uuid.UUID(int=rng.getrandbits(128), version=4)) if rng else str(uuid.uuid4())
    metadata["creationTimestamp"] = now_iso(created)
    spec = pod.setdefault("spec", {})
    default_pod_spec(spec)
    _fill(spec, "serviceAccountName", spec.get("serviceAccount") or "default")
    spec["serviceAccount"] = spec["serviceAccountName"]
    _fill(spec, "enableServiceLinks", True)
    spec.setdefault("preemptionPolicy", "PreemptLowerPriority")
    spec.setdefault("priority", 0)
    spec.setdefault(
        "tolerations",
        [
            {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
             "tolerationSeconds": 300},
            {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
             "tolerationSeconds": 300},
        ],
    )
    volumes = spec.setdefault("volumes", [])
    is_mirror = "kubernetes.io/config.mirror" in (metadata.get("annotations") or {})
    if spec.get("automountServiceAccountToken", True) and not is_mirror:
        existing = [v for v in volumes if str(v.get("name", "")).startswith("kube-api-access-")]
        volume_name = existing[0]["name"] if existing else api_access_volume_name(rng)
        if not existing:
            volumes.append(api_access_volume(volume_name))
        for container in spec.get("containers", []) + spec.get("initContainers", []):
            mounts = container.setdefault("volumeMounts", [])
            if not any(m.get("mountPath") == "/var/run/secrets/kubernetes.io/serviceaccount" for m in mounts):
                mounts.append(
                    {"name": volume_name, "readOnly": True,
                     "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"}
                )
    if not volumes:
        del spec["volumes"]
    for container in spec.get("containers", []) + spec.get("initContainers", []):
        default_container(container)
    pod.setdefault("status", {"phase": "Pending", "qosClass": qos_class(pod)})
    return pod


def qos_class(pod: dict[str, Any]) -> str:
    containers = pod.get("spec", {}).get("containers", []) + pod.get("spec", {}).get("initContainers", [])
    any_set = False
    guaranteed = True
    for container in containers:
        resources = container.get("resources") or {}
        requests = resources.get("requests") or {}
        limits = resources.get("limits") or {}
        if requests or limits:
            any_set = True
        for res in ("cpu", "memory"):
            if res not in limits or (res in requests and requests[res] != limits[res]):
                guaranteed = False
    if not any_set:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"
