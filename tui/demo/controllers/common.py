"""What the controllers share: owner references, pod readiness, int-or-percent values, events."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tui.demo.api.events import EventRecorder, Source
from tui.demo.api.store import Store
from tui.demo.node.kubelet import Kubelet

POD_TEMPLATE_HASH = "pod-template-hash"
REVISION = "deployment.kubernetes.io/revision"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"


@dataclass
class Context:
    """What a controller's sync works with."""

    store: Store
    kubelet: Kubelet
    events: EventRecorder

    def event(self, obj: dict[str, Any], reason: str, message: str, source: Source, type_: str = "Normal") -> None:
        self.events.record(obj, type_, reason, message, source)


def controller_ref(obj: dict[str, Any]) -> dict[str, Any] | None:
    """The ownerReference with controller: true, if any."""
    for ref in obj.get("metadata", {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return dict(ref)
    return None


def owner_reference(owner: dict[str, Any]) -> dict[str, Any]:
    meta = owner["metadata"]
    return {"apiVersion": owner.get("apiVersion", "apps/v1"), "kind": owner.get("kind", ""), "name": meta["name"],
            "uid": meta.get("uid", ""), "controller": True, "blockOwnerDeletion": True}


def owned(objects: Iterable[dict[str, Any]], owner: dict[str, Any]) -> list[dict[str, Any]]:
    """The objects in the owner's namespace whose controller is `owner` (by uid)."""
    meta = owner["metadata"]
    namespace, uid = meta.get("namespace", ""), meta.get("uid")
    result = []
    for obj in objects:
        if obj["metadata"].get("namespace", "") != namespace:
            continue
        ref = controller_ref(obj)
        if ref is not None and ref.get("uid") == uid:
            result.append(obj)
    return result


def pod_ready(pod: dict[str, Any]) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in pod.get("status", {}).get("conditions") or [])


def pod_active(pod: dict[str, Any]) -> bool:
    """Counted by a ReplicaSet: not terminating, not finished (controller.FilterActivePods)."""
    return (not pod["metadata"].get("deletionTimestamp")
            and pod.get("status", {}).get("phase") not in ("Succeeded", "Failed"))


def int_or_percent(value: Any, total: int, round_up: bool) -> int:
    """intstr.GetScaledValueFromIntOrPercent: "25%" of total (rounded up or down) or the int."""
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("%"):
            scaled = int(text[:-1]) * total / 100
            return math.ceil(scaled) if round_up else math.floor(scaled)
        return int(text)
    return int(value or 0)


def replicas_of(obj: dict[str, Any]) -> int:
    value = obj.get("spec", {}).get("replicas")
    return 1 if value is None else int(value)


def set_annotations(obj: dict[str, Any], values: dict[str, str]) -> bool:
    """Set annotations on `obj` (in place); whether anything changed."""
    annotations = obj["metadata"].setdefault("annotations", {})
    changed = False
    for key, value in values.items():
        if annotations.get(key) != value:
            annotations[key] = value
            changed = True
    return changed
