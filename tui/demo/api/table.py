"""Server-side `meta.k8s.io/v1` Tables (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`).

What the API server returns for `kubectl get pods|namespaces|nodes|events|deployments|replicasets|
services|configmaps|secrets`: the column definitions of
kubernetes `pkg/printers/internalversion/printers.go` (wide columns included: the server always
generates them, kubectl hides priority > 0 unless `-o wide`), one row per object with its cells
and, per `includeObject`, the object as PartialObjectMetadata (`Metadata`, the default), in full
(`Object`) or not at all (`None`). Pods whose phase is Succeeded / Failed carry the row condition
`Completed` as the real printer sets it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tui.pods.status import format_age, pod_columns

__all__ = [
    "INCLUDE_OBJECT_VALUES",
    "ColumnDefinition",
    "TableSpec",
    "namespaces_table",
    "nodes_table",
    "pods_table",
    "table_for",
]

INCLUDE_OBJECT_VALUES = ("None", "Metadata", "Object")

# Swagger docs of the fields the columns describe (identical in the OpenAPI spec).
_NAME_DOC = (
    "Name must be unique within a namespace. Is required when creating resources, although some resources may "
    "allow a client to request the generation of an appropriate name automatically. Name is primarily intended "
    "for creation idempotence and configuration definition. Cannot be updated. More info: "
    "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
)
_CREATION_DOC = (
    "CreationTimestamp is a timestamp representing the server time when this object was created. It is not "
    "guaranteed to be set in happens-before order across separate operations. Clients may not set this value. "
    "It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. "
    "More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"
)
_POD_IP_DOC = "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated."
_NODE_NAME_DOC = (
    "NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by "
    "the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible "
    "for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled "
    "on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename"
)
_NOMINATED_DOC = (
    "nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right "
    "away as preemption victims receive their graceful termination periods. This field does not guarantee that the "
    "pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become "
    "available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that "
    "is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is "
    "scheduled."
)
_READINESS_GATES_DOC = (
    "If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers "
    'are ready AND all conditions specified in the readiness gates have status equal to "True" More info: '
    "https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates"
)
_ADDRESSES_DOC = (
    "List of addresses reachable to the node. Queried from cloud provider, if available. More info: "
    "https://kubernetes.io/docs/reference/node/node-status/#addresses Note: This field is declared as mergeable, "
    "but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers "
    "should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should "
    "assume that addresses can change during the lifetime of a Node. However, there are some exceptions where this "
    "may not be possible, such as Pods that inherit a Node's address in its own status or consumers of the "
    "downward API (status.hostIP)."
)


@dataclass(frozen=True)
class ColumnDefinition:
    name: str
    type: str = "string"
    format: str = ""
    description: str = ""
    priority: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "format": self.format,
            "description": self.description,
            "priority": self.priority,
        }


Cells = Callable[[dict[str, Any], datetime | None], list[Any]]
Conditions = Callable[[dict[str, Any]], list[dict[str, str]]]


@dataclass(frozen=True)
class TableSpec:
    """The columns of one resource and how to compute a row's cells (and row conditions)."""

    columns: tuple[ColumnDefinition, ...]
    cells: Cells
    conditions: Conditions | None = None


def _no_conditions(_obj: dict[str, Any]) -> list[dict[str, str]]:
    return []


def _row_object(obj: dict[str, Any], include_object: str) -> dict[str, Any] | None:
    if include_object == "None":
        return None
    if include_object == "Object":
        return copy.deepcopy(obj)
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": copy.deepcopy(obj.get("metadata") or {}),
    }


def table_for(
    objects: list[dict[str, Any]],
    spec: TableSpec,
    now: datetime | None = None,
    include_object: str = "Metadata",
    resource_version: str | None = None,
    continue_token: str | None = None,
) -> dict[str, Any]:
    """A `meta.k8s.io/v1` Table of `objects` laid out by `spec`."""
    if include_object not in INCLUDE_OBJECT_VALUES:
        raise ValueError(f"includeObject must be one of {', '.join(INCLUDE_OBJECT_VALUES)}, not {include_object!r}")
    conditions = spec.conditions or _no_conditions
    rows: list[dict[str, Any]] = []
    for obj in objects:
        row: dict[str, Any] = {"cells": spec.cells(obj, now)}
        row_conditions = conditions(obj)
        if row_conditions:
            row["conditions"] = row_conditions
        embedded = _row_object(obj, include_object)
        if embedded is not None:
            row["object"] = embedded
        rows.append(row)
    metadata: dict[str, Any] = {}
    if resource_version is not None:
        metadata["resourceVersion"] = resource_version
    if continue_token:
        metadata["continue"] = continue_token
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": metadata,
        "columnDefinitions": [column.to_json() for column in spec.columns],
        "rows": rows,
    }


# --------------------------------------------------------------------------- pods

POD_COLUMNS: tuple[ColumnDefinition, ...] = (
    ColumnDefinition("Name", format="name", description=_NAME_DOC),
    ColumnDefinition("Ready", description="The aggregate readiness state of this pod for accepting traffic."),
    ColumnDefinition("Status", description="The aggregate status of the containers in this pod."),
    ColumnDefinition(
        "Restarts",
        description="The number of times the containers in this pod have been restarted and when the last container "
        "in this pod has restarted.",
    ),
    ColumnDefinition("Age", description=_CREATION_DOC),
    ColumnDefinition("IP", priority=1, description=_POD_IP_DOC),
    ColumnDefinition("Node", priority=1, description=_NODE_NAME_DOC),
    ColumnDefinition("Nominated Node", priority=1, description=_NOMINATED_DOC),
    ColumnDefinition("Readiness Gates", priority=1, description=_READINESS_GATES_DOC),
)


def _pod_cells(pod: dict[str, Any], now: datetime | None) -> list[Any]:
    return list(pod_columns(pod, now).wide_cells)


def _pod_conditions(pod: dict[str, Any]) -> list[dict[str, str]]:
    phase = (pod.get("status") or {}).get("phase")
    if phase == "Succeeded":
        return [{"type": "Completed", "status": "True", "reason": "Succeeded", "message": "The pod has completed successfully."}]
    if phase == "Failed":
        return [{"type": "Completed", "status": "True", "reason": "Failed", "message": "The pod failed."}]
    return []


POD_TABLE = TableSpec(POD_COLUMNS, _pod_cells, _pod_conditions)


def pods_table(
    pods: list[dict[str, Any]],
    now: datetime | None = None,
    include_object: str = "Metadata",
    resource_version: str | None = None,
    continue_token: str | None = None,
) -> dict[str, Any]:
    """The Table the API server returns for pods (a list, or one pod as a one-element list)."""
    return table_for(pods, POD_TABLE, now, include_object, resource_version, continue_token)


# --------------------------------------------------------------------------- namespaces

NAMESPACE_COLUMNS: tuple[ColumnDefinition, ...] = (
    ColumnDefinition("Name", format="name", description=_NAME_DOC),
    ColumnDefinition("Status", description="The status of the namespace"),
    ColumnDefinition("Age", description=_CREATION_DOC),
)


def _namespace_cells(namespace: dict[str, Any], now: datetime | None) -> list[Any]:
    metadata = namespace.get("metadata") or {}
    phase = (namespace.get("status") or {}).get("phase") or ""
    return [metadata.get("name", ""), phase, format_age(metadata.get("creationTimestamp"), now)]


NAMESPACE_TABLE = TableSpec(NAMESPACE_COLUMNS, _namespace_cells)


def namespaces_table(
    namespaces: list[dict[str, Any]],
    now: datetime | None = None,
    include_object: str = "Metadata",
    resource_version: str | None = None,
) -> dict[str, Any]:
    return table_for(namespaces, NAMESPACE_TABLE, now, include_object, resource_version)


# --------------------------------------------------------------------------- nodes

NODE_COLUMNS: tuple[ColumnDefinition, ...] = (
    ColumnDefinition("Name", format="name", description=_NAME_DOC),
    ColumnDefinition("Status", description="The status of the node"),
    ColumnDefinition("Roles", description="The roles of the node"),
    ColumnDefinition("Age", description=_CREATION_DOC),
    ColumnDefinition("Version", description="Kubelet Version reported by the node."),
    ColumnDefinition("Internal-IP", priority=1, description=_ADDRESSES_DOC),
    ColumnDefinition("External-IP", priority=1, description=_ADDRESSES_DOC),
    ColumnDefinition("OS-Image", priority=1, description="OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."),
    ColumnDefinition("Kernel-Version", priority=1, description="Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
    ColumnDefinition(
        "Container-Runtime",
        priority=1,
        description="ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).",
    ),
)

_ROLE_PREFIX = "node-role.kubernetes.io/"
_ROLE_LABEL = "kubernetes.io/role"


def node_status(node: dict[str, Any]) -> str:
    """`Ready`, `NotReady`, `Unknown`, with `,SchedulingDisabled` for a cordoned node."""
    status: list[str] = []
    for condition in (node.get("status") or {}).get("conditions") or []:
        if condition.get("type") == "Ready":
            status = ["Ready" if condition.get("status") == "True" else "NotReady"]
    if not status:
        status = ["Unknown"]
    if (node.get("spec") or {}).get("unschedulable"):
        status.append("SchedulingDisabled")
    return ",".join(status)


def node_roles(node: dict[str, Any]) -> str:
    roles: set[str] = set()
    for key, value in ((node.get("metadata") or {}).get("labels") or {}).items():
        if key.startswith(_ROLE_PREFIX):
            role = key[len(_ROLE_PREFIX):]
            if role:
                roles.add(role)
        elif key == _ROLE_LABEL and value:
            roles.add(value)
    return ",".join(sorted(roles)) or "<none>"


def _node_address(node: dict[str, Any], kind: str) -> str:
    for address in (node.get("status") or {}).get("addresses") or []:
        if address.get("type") == kind:
            return str(address.get("address") or "")
    return "<none>"


def _node_cells(node: dict[str, Any], now: datetime | None) -> list[Any]:
    metadata = node.get("metadata") or {}
    info = (node.get("status") or {}).get("nodeInfo") or {}
    return [
        metadata.get("name", ""),
        node_status(node),
        node_roles(node),
        format_age(metadata.get("creationTimestamp"), now),
        info.get("kubeletVersion", ""),
        _node_address(node, "InternalIP"),
        _node_address(node, "ExternalIP"),
        info.get("osImage") or "<unknown>",
        info.get("kernelVersion") or "<unknown>",
        info.get("containerRuntimeVersion") or "<unknown>",
    ]


NODE_TABLE = TableSpec(NODE_COLUMNS, _node_cells)


def nodes_table(
    nodes: list[dict[str, Any]],
    now: datetime | None = None,
    include_object: str = "Metadata",
    resource_version: str | None = None,
) -> dict[str, Any]:
    return table_for(nodes, NODE_TABLE, now, include_object, resource_version)


# --------------------------------------------------------------------------- events

EVENT_COLUMNS: tuple[ColumnDefinition, ...] = (
    ColumnDefinition("Last Seen", description="The time at which the most recent occurrence of this event was recorded."),
    ColumnDefinition("Type", description="Type of this event (Normal, Warning), new types could be added in the future"),
    ColumnDefinition("Reason", description="This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
    ColumnDefinition("Object", description="The object that this event is about."),
    ColumnDefinition("Message", description="A human-readable description of the status of this operation."),
)


def _event_cells(event: dict[str, Any], now: datetime | None) -> list[Any]:
    involved = event.get("involvedObject") or {}
    # printEvent: lastTimestamp, else the first one, else eventTime (the scheduler's events.k8s.io events)
    last_seen = event.get("lastTimestamp") or event.get("firstTimestamp") or event.get("eventTime")
    return [
        format_age(last_seen, now),
        event.get("type", ""),
        event.get("reason", ""),
        f'{str(involved.get("kind", "")).lower()}/{involved.get("name", "")}',
        event.get("message", ""),
    ]


EVENT_TABLE = TableSpec(EVENT_COLUMNS, _event_cells)


# --------------------------------------------------------------------------- apps/v1 and core kinds

_CONTAINERS_DOC = "Names of each container in the template."
_IMAGES_DOC = "Images referenced by each container in the template."


def format_label_selector(selector: dict[str, Any] | None) -> str:
    """metav1.FormatLabelSelector: the requirements sorted by key, `<none>` when there are none."""
    if selector is None:
        return "<none>"
    parts: list[tuple[str, str]] = [(k, f"{k}={v}") for k, v in (selector.get("matchLabels") or {}).items()]
    for expression in selector.get("matchExpressions") or []:
        key = str(expression.get("key", ""))
        values = ",".join(sorted(str(v) for v in expression.get("values") or []))
        operator = expression.get("operator")
        text = {"In": f"{key} in ({values})", "NotIn": f"{key} notin ({values})", "Exists": key,
                "DoesNotExist": f"!{key}"}.get(str(operator), f"{key} {operator}")
        parts.append((key, text))
    return ",".join(text for _, text in sorted(parts)) or "<none>"


def format_labels(labels: dict[str, Any] | None) -> str:
    """labels.FormatLabels: `k=v` sorted by key, `<none>` when empty."""
    return ",".join(f"{k}={v}" for k, v in sorted((labels or {}).items())) or "<none>"


def _template_cells(obj: dict[str, Any]) -> list[str]:
    spec = obj.get("spec") or {}
    containers = ((spec.get("template") or {}).get("spec") or {}).get("containers") or []
    return [",".join(str(c.get("name", "")) for c in containers), ",".join(str(c.get("image", "")) for c in containers),
            format_label_selector(spec.get("selector"))]


DEPLOYMENT_COLUMNS: tuple[ColumnDefinition, ...] = (
    ColumnDefinition("Name", format="name", description=_NAME_DOC),
    ColumnDefinition("Ready", description="Number of the pod with ready state"),
    ColumnDefinition("Up-to-date", type="integer", description="Total number of non-terminated pods targeted by "
                     "this deployment that have the desired template spec."),
    ColumnDefinition("Available", type="integer", description="Total number of available pods (ready for at least "
                     "minReadySeconds) targeted by this deployment."),
    ColumnDefinition("Age", description=_CREATION_DOC),
    ColumnDefinition("Containers", priority=1, description=_CONTAINERS_DOC),
    ColumnDefinition("Images", priority=1, description=_IMAGES_DOC),
    ColumnDefinition("Selector", priority=1, description="Label selector for pods. Existing ReplicaSets whose pods "
                     "are selected by this will be the ones affected by this deployment."),
)


def _deployment_cells(deployment: dict[str, Any], now: datetime | None) -> list[Any]:
    metadata = deployment.get("metadata") or {}
    spec = deployment.get("spec") or {}
    status = deployment.get("status") or {}
    desired = spec.get("replicas", 1)
    return [metadata.get("name", ""), f"{int(status.get('readyReplicas') or 0)}/{int(desired or 0)}",
            int(status.get("updatedReplicas") or 0), int(status.get("availableReplicas") or 0),
            format_age(metadata.get("creationTimestamp"), now), *_template_cells(deployment)]


DEPLOYMENT_TABLE = TableSpec(DEPLOYMENT_COLUMNS, _deployment_cells)

REPLICA_SET_COLUMNS: tuple[ColumnDefinition, ...] = (
    ColumnDefinition("Name", format="name", description=_NAME_DOC),
    ColumnDefinition("Desired", type="integer", description="Replicas is the number of desired pods. This is a "
                     "pointer to distinguish between explicit zero and unspecified. Defaults to 1. More info: "
                     "https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/#how-a-replicaset-works"),
    ColumnDefinition("Current", type="integer", description="Replicas is the most recently observed number of "
                     "non-terminating pods. More info: "
                     "https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/#how-a-replicaset-works"),
    ColumnDefinition("Ready", type="integer", description="The number of non-terminating pods targeted by this "
                     "ReplicaSet with a Ready Condition."),
    ColumnDefinition("Age", description=_CREATION_DOC),
    ColumnDefinition("Containers", priority=1, description=_CONTAINERS_DOC),
    ColumnDefinition("Images", priority=1, description=_IMAGES_DOC),
    ColumnDefinition("Selector", priority=1, description="Selector is a label query over pods that should match "
                     "the replica count. Label keys and values that must match in order to be controlled by this "
                     "replica set. It must match the pod template's labels. More info: "
                     "https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"),
)


def _replica_set_cells(replica_set: dict[str, Any], now: datetime | None) -> list[Any]:
    metadata = replica_set.get("metadata") or {}
    spec = replica_set.get("spec") or {}
    status = replica_set.get("status") or {}
    return [metadata.get("name", ""), int(spec.get("replicas", 1) or 0), int(status.get("replicas") or 0),
            int(status.get("readyReplicas") or 0), format_age(metadata.get("creationTimestamp"), now),
            *_template_cells(replica_set)]


REPLICA_SET_TABLE = TableSpec(REPLICA_SET_COLUMNS, _replica_set_cells)

SERVICE_COLUMNS: tuple[ColumnDefinition, ...] = (
    ColumnDefinition("Name", format="name", description=_NAME_DOC),
    ColumnDefinition("Type", description="type determines how the Service is exposed. Defaults to ClusterIP."),
    ColumnDefinition("Cluster-IP", description="clusterIP is the IP address of the service and is usually assigned "
                     "randomly."),
    ColumnDefinition("External-IP", description="externalIPs is a list of IP addresses for which nodes in the "
                     "cluster will also accept traffic for this service."),
    ColumnDefinition("Port(s)", description="The list of ports that are exposed by this service."),
    ColumnDefinition("Age", description=_CREATION_DOC),
    ColumnDefinition("Selector", priority=1, description="Route service traffic to pods with label keys and values "
                     "matching this selector."),
)


def _service_external_ip(service: dict[str, Any]) -> str:
    spec = service.get("spec") or {}
    kind = spec.get("type") or "ClusterIP"
    external = [str(ip) for ip in spec.get("externalIPs") or []]
    if kind in ("ClusterIP", "NodePort"):
        return ",".join(external) or "<none>"
    if kind == "ExternalName":
        return str(spec.get("externalName") or "")
    ingress = ((service.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    addresses = [str(i.get("ip") or i.get("hostname") or "") for i in ingress] + external
    return ",".join(a for a in addresses if a) or "<pending>"


def _service_ports(service: dict[str, Any]) -> str:
    parts = []
    for port in (service.get("spec") or {}).get("ports") or []:
        text = str(port.get("port", ""))
        if port.get("nodePort"):
            text += f":{port['nodePort']}"
        parts.append(f"{text}/{port.get('protocol') or 'TCP'}")
    return ",".join(parts) or "<none>"


def _service_cells(service: dict[str, Any], now: datetime | None) -> list[Any]:
    metadata = service.get("metadata") or {}
    spec = service.get("spec") or {}
    return [metadata.get("name", ""), spec.get("type") or "ClusterIP", spec.get("clusterIP") or "<none>",
            _service_external_ip(service), _service_ports(service), format_age(metadata.get("creationTimestamp"), now),
            format_labels(spec.get("selector"))]


SERVICE_TABLE = TableSpec(SERVICE_COLUMNS, _service_cells)

CONFIG_MAP_COLUMNS: tuple[ColumnDefinition, ...] = (
    ColumnDefinition("Name", format="name", description=_NAME_DOC),
    ColumnDefinition("Data", type="integer", description="Data contains the configuration data."),
    ColumnDefinition("Age", description=_CREATION_DOC),
)


def _config_map_cells(config_map: dict[str, Any], now: datetime | None) -> list[Any]:
    metadata = config_map.get("metadata") or {}
    count = len(config_map.get("data") or {}) + len(config_map.get("binaryData") or {})
    return [metadata.get("name", ""), count, format_age(metadata.get("creationTimestamp"), now)]


CONFIG_MAP_TABLE = TableSpec(CONFIG_MAP_COLUMNS, _config_map_cells)

SECRET_COLUMNS: tuple[ColumnDefinition, ...] = (
    ColumnDefinition("Name", format="name", description=_NAME_DOC),
    ColumnDefinition("Type", description="Used to facilitate programmatic handling of secret data."),
    ColumnDefinition("Data", type="integer", description="Data contains the secret data."),
    ColumnDefinition("Age", description=_CREATION_DOC),
)


def _secret_cells(secret: dict[str, Any], now: datetime | None) -> list[Any]:
    metadata = secret.get("metadata") or {}
    return [metadata.get("name", ""), secret.get("type") or "Opaque", len(secret.get("data") or {}),
            format_age(metadata.get("creationTimestamp"), now)]


SECRET_TABLE = TableSpec(SECRET_COLUMNS, _secret_cells)


# --------------------------------------------------------------------------- what the server routes use

TABLE_CONTENT_TYPE = "application/json;as=Table;v=v1;g=meta.k8s.io"
TABLE_SPECS = {"pods": POD_TABLE, "namespaces": NAMESPACE_TABLE, "nodes": NODE_TABLE, "events": EVENT_TABLE,
               "deployments": DEPLOYMENT_TABLE, "replicasets": REPLICA_SET_TABLE, "services": SERVICE_TABLE,
               "configmaps": CONFIG_MAP_TABLE, "secrets": SECRET_TABLE}


def wants_table(accept: str) -> bool:
    """Whether an Accept header asks for the server-side Table (as `kubectl get` does)."""
    return "as=Table" in accept


def to_table(
    resource: str,
    items: list[dict[str, Any]],
    include_object: str = "Metadata",
    now: datetime | None = None,
    headers: bool = True,
) -> dict[str, Any]:
    """The Table for `items` of `resource`; `headers=False` drops the column definitions (the
    events of a watch after the first, as the real server sends them)."""
    table = table_for(items, TABLE_SPECS[resource], now or datetime.now(UTC), include_object)
    if not headers:
        table["columnDefinitions"] = []
    return table
