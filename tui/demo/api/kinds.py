"""Server-side defaults, validation and update rules of the plain stored kinds (everything the
generic object routes serve; pods keep their own in `defaults`, `validation`, `routes.pod_update`).

The defaults are kube-apiserver v1.32's for what a blog reader's kubectl session creates:
`kubectl create namespace|deployment|service|configmap|secret`, `apply -f` of such manifests.
"""

from __future__ import annotations

import base64
import copy
import ipaddress
import re
import uuid
from collections.abc import Callable
from typing import Any

from tui.demo.api.defaults import default_container, default_pod_spec, now_iso, random_suffix
from tui.demo.api.registry import Resource

# kinds whose spec changes bump metadata.generation (and whose status only /status writes)
GENERATION_KINDS = frozenset({"Deployment", "ReplicaSet"})
STATUS_KINDS = frozenset({"Deployment", "ReplicaSet", "Service", "Namespace", "Node", "Pod"})
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
SERVICE_CIDR = ipaddress.ip_network("10.96.0.0/16")


def new_metadata(obj: dict[str, Any], resource: Resource, namespace: str | None) -> None:
    """What the server fills in on create: name from generateName, uid, creationTimestamp,
    namespace, generation (and drops what clients may not set)."""
    metadata = obj.setdefault("metadata", {})
    for field in ("uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                  "selfLink", "generation"):
        metadata.pop(field, None)
    if not metadata.get("name") and metadata.get("generateName"):
        metadata["name"] = metadata["generateName"] + random_suffix(5)
    if resource.namespaced and namespace:
        metadata["namespace"] = namespace
    else:
        metadata.pop("namespace", None)
    metadata["uid"] = str(uuid.uuid4())
    metadata["creationTimestamp"] = now_iso()
    if resource.kind in GENERATION_KINDS:
        metadata["generation"] = 1
    obj["kind"] = resource.kind
    obj["apiVersion"] = resource.api_version


def default_pod_template(template: dict[str, Any]) -> None:
    """A pod template's defaults (the same as a pod's spec, without the service account volume)."""
    spec = template.setdefault("spec", {})
    template.setdefault("metadata", {}).pop("creationTimestamp", None)
    default_pod_spec(spec)
    for container in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        if isinstance(container, dict):
            default_container(container)
            container.setdefault("resources", {})


def _default_workload(spec: dict[str, Any], deployment: bool) -> None:
    spec.setdefault("replicas", 1)
    if deployment:
        spec.setdefault("revisionHistoryLimit", 10)
        spec.setdefault("progressDeadlineSeconds", 600)
        strategy = spec.setdefault("strategy", {"type": "RollingUpdate"})
        if strategy.get("type", "RollingUpdate") == "RollingUpdate":
            strategy.setdefault("type", "RollingUpdate")
            rolling = strategy.setdefault("rollingUpdate", {})
            rolling.setdefault("maxUnavailable", "25%")
            rolling.setdefault("maxSurge", "25%")
    template = spec.get("template")
    if isinstance(template, dict):
        default_pod_template(template)


def allocate_cluster_ip(used: set[str]) -> str:
    for offset in range(10, SERVICE_CIDR.num_addresses - 1):
        address = str(SERVICE_CIDR.network_address + offset)
        if address not in used:
            return address
    raise ValueError("the service CIDR is full")


def _default_service(spec: dict[str, Any], used_ips: Callable[[], set[str]]) -> None:
    kind = spec.setdefault("type", "ClusterIP")
    spec.setdefault("sessionAffinity", "None")
    if kind != "ExternalName":
        if not spec.get("clusterIP"):
            spec["clusterIP"] = allocate_cluster_ip(used_ips())
        if spec["clusterIP"] != "None":
            spec.setdefault("clusterIPs", [spec["clusterIP"]])
        else:
            spec.setdefault("clusterIPs", ["None"])
        spec.setdefault("ipFamilies", ["IPv4"])
        spec.setdefault("ipFamilyPolicy", "SingleStack")
        spec.setdefault("internalTrafficPolicy", "Cluster")
    if kind in ("NodePort", "LoadBalancer"):
        spec.setdefault("externalTrafficPolicy", "Cluster")
    for index, port in enumerate(spec.get("ports") or []):
        if isinstance(port, dict):
            port.setdefault("protocol", "TCP")
            port.setdefault("targetPort", port.get("port"))
            if kind in ("NodePort", "LoadBalancer"):
                port.setdefault("nodePort", 30000 + (int(port.get("port") or 0) + index) % 2768)


def apply_defaults(obj: dict[str, Any], resource: Resource, used_ips: Callable[[], set[str]]) -> None:
    """Fill in the kind's server-side defaults (mutates `obj`)."""
    kind = resource.kind
    if kind in ("Deployment", "ReplicaSet"):
        _default_workload(obj.setdefault("spec", {}), kind == "Deployment")
        obj.setdefault("status", {})
    elif kind == "Service":
        _default_service(obj.setdefault("spec", {}), used_ips)
        obj.setdefault("status", {"loadBalancer": {}})
    elif kind == "Namespace":
        metadata = obj["metadata"]
        metadata.setdefault("labels", {})["kubernetes.io/metadata.name"] = metadata.get("name", "")
        obj.setdefault("spec", {"finalizers": ["kubernetes"]})
        obj["status"] = {"phase": "Active"}
    elif kind == "Secret":
        obj.setdefault("type", "Opaque")
        string_data = obj.pop("stringData", None)
        if isinstance(string_data, dict):
            data = obj.setdefault("data", {})
            for key, value in string_data.items():
                data[key] = base64.b64encode(str(value).encode()).decode()


def _name_causes(obj: dict[str, Any], resource: Resource) -> list[str]:
    name = str((obj.get("metadata") or {}).get("name") or "")
    if not name:
        return ["metadata.name: Required value: name or generateName is required"]
    label = resource.kind in ("Namespace", "Service")
    pattern = _DNS_LABEL if label else _DNS_SUBDOMAIN
    if len(name) > (63 if label else 253) or not pattern.match(name):
        what = "RFC 1123 label" if label else "RFC 1123 subdomain"
        return [f'metadata.name: Invalid value: "{name}": a lowercase {what} must consist of lower case '
                "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
                if not label else
                f'metadata.name: Invalid value: "{name}": a lowercase {what} must consist of lower case '
                "alphanumeric characters or '-', and must start and end with an alphanumeric character"]
    return []


def _selector_matches(selector: dict[str, Any], labels: dict[str, Any]) -> bool:
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator, values = expression.get("key"), expression.get("operator"), expression.get("values") or []
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and labels.get(key) in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def _workload_causes(obj: dict[str, Any]) -> list[str]:
    spec = obj.get("spec") or {}
    causes: list[str] = []
    selector = spec.get("selector")
    template = spec.get("template") or {}
    labels = (template.get("metadata") or {}).get("labels") or {}
    if not isinstance(selector, dict) or not (selector.get("matchLabels") or selector.get("matchExpressions")):
        causes.append("spec.selector: Required value")
    elif not _selector_matches(selector, labels):
        causes.append(f"spec.template.metadata.labels: Invalid value: {_go_map(labels)}: "
                      "`selector` does not match template `labels`")
    replicas = spec.get("replicas")
    if isinstance(replicas, int) and replicas < 0:
        causes.append(f"spec.replicas: Invalid value: {replicas}: must be greater than or equal to 0")
    containers = (template.get("spec") or {}).get("containers")
    if not containers:
        causes.append("spec.template.spec.containers: Required value")
    for index, container in enumerate(containers or []):
        path = f"spec.template.spec.containers[{index}]"
        if not isinstance(container, dict):
            continue
        if not container.get("name"):
            causes.append(f"{path}.name: Required value")
        if not container.get("image"):
            causes.append(f"{path}.image: Required value")
    return causes


def _go_map(labels: dict[str, Any]) -> str:
    return "map[string]string{" + ", ".join(f'"{k}":"{v}"' for k, v in sorted(labels.items())) + "}"


def validate(obj: dict[str, Any], resource: Resource) -> list[str]:
    """The API server's field errors for a create or update (the ones the demo checks)."""
    causes = _name_causes(obj, resource)
    if resource.kind in ("Deployment", "ReplicaSet"):
        causes += _workload_causes(obj)
    elif resource.kind == "Service":
        spec = obj.get("spec") or {}
        if spec.get("type", "ClusterIP") != "ExternalName" and not spec.get("ports"):
            causes.append("spec.ports: Required value")
        for index, port in enumerate(spec.get("ports") or []):
            number = port.get("port") if isinstance(port, dict) else None
            if not isinstance(number, int) or not 0 < number < 65536:
                causes.append(f"spec.ports[{index}].port: Invalid value: {number}: must be between 1 and 65535, "
                              "inclusive")
    elif resource.kind == "Secret":
        for key, value in (obj.get("data") or {}).items():
            try:
                base64.b64decode(str(value), validate=True)
            except ValueError:
                causes.append(f'data[{key}]: Invalid value: "<secret contents redacted>": illegal base64 data')
    return causes


def updated(old: dict[str, Any], new: dict[str, Any], resource: Resource, subresource: str) -> dict[str, Any]:
    """The object the server stores for an update of `old` to `new` through the main resource
    (status kept) or `/status` (only the status taken)."""
    if subresource == "status":
        result = copy.deepcopy(old)
        if "status" in new:
            result["status"] = copy.deepcopy(new["status"])
        else:
            result.pop("status", None)
        return result
    result = copy.deepcopy(new)
    result["kind"], result["apiVersion"] = resource.kind, resource.api_version
    metadata = result.setdefault("metadata", {})
    for field in ("uid", "creationTimestamp", "namespace", "name", "generation", "deletionTimestamp",
                  "deletionGracePeriodSeconds"):
        if field in old["metadata"]:
            metadata[field] = old["metadata"][field]
        else:
            metadata.pop(field, None)
    if resource.kind in STATUS_KINDS:
        if "status" in old:
            result["status"] = copy.deepcopy(old["status"])
        else:
            result.pop("status", None)
    return result


def bump_generation(old: dict[str, Any], new: dict[str, Any], resource: Resource) -> None:
    """A Deployment's or ReplicaSet's generation counts the changes of its spec."""
    if resource.kind in GENERATION_KINDS and new.get("spec") != old.get("spec"):
        new["metadata"]["generation"] = int(old["metadata"].get("generation") or 1) + 1
