"""Server-side Tables (`as=Table;g=meta.k8s.io;v=v1`): pods via helper B's `table.py`, and the
small ones (namespaces, nodes, events) here."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from tui.kube.podstatus import format_age, pod_columns

TABLE_CONTENT_TYPE = "application/json;as=Table;v=v1;g=meta.k8s.io"


def wants_table(accept: str) -> bool:
    return "as=Table" in accept


def _column(name: str, kind: str = "string", description: str = "", priority: int = 0,
            fmt: str = "") -> dict[str, Any]:
    return {"name": name, "type": kind, "format": fmt, "description": description, "priority": priority}


def _pods_table_fallback(pods: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    columns = [
        _column("Name", fmt="name", description="Name must be unique within a namespace."),
        _column("Ready", description="The aggregate readiness state of this pod for accepting traffic."),
        _column("Status", description="The aggregate status of the containers in this pod."),
        _column("Restarts", description="The number of times the containers in this pod have been restarted "
                                        "and when the last container in this pod has restarted."),
        _column("Age", description="CreationTimestamp is a timestamp representing the server time when this "
                                   "object was created."),
        _column("IP", priority=1, description="podIP is an IP address allocated to the pod."),
        _column("Node", priority=1, description="NodeName indicates in which node this pod is scheduled."),
        _column("Nominated Node", priority=1, description="nominatedNodeName is set when this pod preempts "
                                                           "other pods on the node."),
        _column("Readiness Gates", priority=1, description="If specified, all readiness gates will be "
                                                            "evaluated for pod readiness."),
    ]
    rows = []
    for pod in pods:
        cols = pod_columns(pod, now)
        rows.append({"cells": [cols.name, cols.ready, cols.status, _int_or(cols.restarts), cols.age,
                               cols.ip or "<none>", cols.node or "<none>", cols.nominated_node or "<none>",
                               cols.readiness_gates or "<none>"],
                     "object": pod})
    return {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {}, "columnDefinitions": columns,
            "rows": rows}


def _int_or(text: str) -> Any:
    return int(text) if text.isdigit() else text


def pods_table(pods: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    try:
        from tui.demo.table import pods_table as real_pods_table
    except ImportError:  # TODO(helper B): drop the fallback once tui/demo/table.py has landed
        return _pods_table_fallback(pods, now)
    return real_pods_table(pods, now)


def namespaces_table(items: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    columns = [_column("Name", fmt="name"), _column("Status"), _column("Age")]
    rows = [{"cells": [ns["metadata"]["name"], ns.get("status", {}).get("phase", ""),
                       format_age(ns["metadata"].get("creationTimestamp"), now)], "object": ns} for ns in items]
    return {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {}, "columnDefinitions": columns,
            "rows": rows}


def nodes_table(items: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    columns = [_column("Name", fmt="name"), _column("Status"), _column("Roles"), _column("Age"),
               _column("Version"), _column("Internal-IP", priority=1), _column("External-IP", priority=1),
               _column("OS-Image", priority=1), _column("Kernel-Version", priority=1),
               _column("Container-Runtime", priority=1)]
    rows = []
    for node in items:
        labels = node["metadata"].get("labels", {})
        roles = sorted(k.split("/", 1)[1] for k in labels if k.startswith("node-role.kubernetes.io/"))
        ready = any(c["type"] == "Ready" and c["status"] == "True" for c in node["status"].get("conditions", []))
        info = node["status"].get("nodeInfo", {})
        internal = next((a["address"] for a in node["status"].get("addresses", []) if a["type"] == "InternalIP"),
                        "<none>")
        rows.append({"cells": [node["metadata"]["name"], "Ready" if ready else "NotReady",
                               ",".join(roles) or "<none>", format_age(node["metadata"].get("creationTimestamp"), now),
                               info.get("kubeletVersion", ""), internal, "<none>", info.get("osImage", ""),
                               info.get("kernelVersion", ""), info.get("containerRuntimeVersion", "")],
                     "object": node})
    return {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {}, "columnDefinitions": columns,
            "rows": rows}


def events_table(items: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    columns = [_column("Last Seen"), _column("Type"), _column("Reason"), _column("Object"), _column("Message")]
    rows = [{"cells": [format_age(ev.get("lastTimestamp"), now), ev.get("type", ""), ev.get("reason", ""),
                       f'{ev["involvedObject"].get("kind", "").lower()}/{ev["involvedObject"].get("name", "")}',
                       ev.get("message", "")], "object": ev} for ev in items]
    return {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {}, "columnDefinitions": columns,
            "rows": rows}


TABLES = {"pods": pods_table, "namespaces": namespaces_table, "nodes": nodes_table, "events": events_table}


def to_table(resource: str, items: list[dict[str, Any]], include_object: str = "Metadata",
             now: datetime | None = None, headers: bool = True) -> dict[str, Any]:
    """The Table for `items`, with each row's object as `includeObject` asks (None/Metadata/Object)."""
    table = TABLES[resource](items, now or datetime.now(timezone.utc))
    for row, item in zip(table["rows"], items):
        if include_object == "None":
            row.pop("object", None)
        elif include_object == "Object":
            row["object"] = item
        else:
            row["object"] = {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                             "metadata": item["metadata"]}
    if not headers:
        table["columnDefinitions"] = []
    return table
