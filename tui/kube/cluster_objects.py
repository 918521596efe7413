"""Namespaces and nodes as plain JSON, for the inspector's facts (Pod Security level, node OS).

Blocking calls: run them in a worker thread, never on the UI thread. No Textual imports here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui.kube.errors import ClusterError
from tui.kube.requests import get_json


@dataclass
class ClusterObjects:
    namespaces: dict[str, dict] = field(default_factory=dict)
    nodes: dict[str, dict] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # e.g. "nodes: HTTP 403"


def fetch_cluster_objects(connection: Any) -> ClusterObjects:
    """List namespaces and nodes once; an HTTP error on either is noted, not raised (a failure to
    reach the cluster raises ClusterError)."""
    objects = ClusterObjects()
    for path, target, label in (
        ("/api/v1/namespaces", objects.namespaces, "namespaces"),
        ("/api/v1/nodes", objects.nodes, "nodes"),
    ):
        try:
            body = get_json(connection, path)
        except ClusterError as exc:
            if exc.status is None:
                raise
            objects.notes.append(f"{label}: HTTP {exc.status}")
            continue
        for item in body.get("items") or []:
            name = (item.get("metadata") or {}).get("name")
            if name:
                target[name] = item
    return objects
