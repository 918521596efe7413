"""The ReplicaSet controller: keeps `spec.replicas` active pods of the ReplicaSet's template, named
`<rs>-<5 random characters>` (generateName), labelled as the template, owned by the ReplicaSet
(controller ownerReference). A pod that goes (deleted, or finished) is replaced; extra pods are
deleted gracefully, those not scheduled / not running / not ready / newest first. Events:
SuccessfulCreate "Created pod: ..." and SuccessfulDelete "Deleted pod: ..." (replicaset-controller);
status: replicas, fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration."""

from __future__ import annotations

import copy
import random
from typing import Any

from tui.demo.api.defaults import default_pod, random_suffix
from tui.demo.api.events import REPLICASET_CONTROLLER
from tui.demo.controllers.common import Context, owned, owner_reference, pod_active, pod_ready, replicas_of

BURST_REPLICAS = 500  # the controller's burstReplicas: creations or deletions per sync at most


def sync_replica_set(ctx: Context, namespace: str, name: str, rng: random.Random) -> None:
    rs = ctx.store.get("replicasets", namespace, name)
    if rs is None:
        return
    pods = owned(ctx.store.values("pods"), rs)
    active = [p for p in pods if pod_active(p)]
    if not rs["metadata"].get("deletionTimestamp"):
        diff = len(active) - replicas_of(rs)
        if diff < 0:
            for _ in range(min(-diff, BURST_REPLICAS)):
                create_pod(ctx, rs, rng)
        elif diff > 0:
            for pod in sorted(active, key=_deletion_rank)[:min(diff, BURST_REPLICAS)]:
                meta = pod["metadata"]
                ctx.kubelet.delete_pod(meta["namespace"], meta["name"])
                ctx.event(rs, "SuccessfulDelete", f"Deleted pod: {meta['name']}", REPLICASET_CONTROLLER)
    update_status(ctx, namespace, name)


def _deletion_rank(pod: dict[str, Any]) -> tuple[int, int, int, str]:
    """controller.ActivePods order: unscheduled, pending, not ready first; then the newest."""
    created = str(pod["metadata"].get("creationTimestamp", ""))
    newest_first = "".join(chr(0x10FFFF - ord(ch)) for ch in created)
    return (1 if pod["spec"].get("nodeName") else 0,
            1 if pod.get("status", {}).get("phase") == "Running" else 0,
            1 if pod_ready(pod) else 0,
            newest_first)


def create_pod(ctx: Context, rs: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A pod from the ReplicaSet's template, as the API server stores it, started by the kubelet."""
    meta = rs["metadata"]
    namespace = meta["namespace"]
    template = copy.deepcopy(rs["spec"].get("template") or {})
    template_meta = template.get("metadata") or {}
    prefix = f"{meta['name']}-"
    name = prefix + random_suffix(5, rng)
    while ctx.store.get("pods", namespace, name) is not None:
        name = prefix + random_suffix(5, rng)
    metadata: dict[str, Any] = {"name": name, "generateName": prefix, "namespace": namespace,
                                "ownerReferences": [owner_reference(rs)]}
    if template_meta.get("labels"):
        metadata["labels"] = dict(template_meta["labels"])
    if template_meta.get("annotations"):
        metadata["annotations"] = dict(template_meta["annotations"])
    pod = default_pod({"metadata": metadata, "spec": template.get("spec") or {}}, namespace)
    pod["metadata"] = {key: pod["metadata"][key] for key in
                       ("name", "generateName", "namespace", "uid", "creationTimestamp", "labels", "annotations",
                        "ownerReferences") if key in pod["metadata"]}
    stored = ctx.store.create("pods", pod)
    ctx.event(rs, "SuccessfulCreate", f"Created pod: {name}", REPLICASET_CONTROLLER)
    ctx.kubelet.pod_created(namespace, name)
    return stored


def update_status(ctx: Context, namespace: str, name: str) -> None:
    rs = ctx.store.get("replicasets", namespace, name)
    if rs is None:
        return
    active = [p for p in owned(ctx.store.values("pods"), rs) if pod_active(p)]
    ready = sum(1 for p in active if pod_ready(p))
    status: dict[str, Any] = {"replicas": len(active), "fullyLabeledReplicas": len(active),
                              "readyReplicas": ready, "availableReplicas": ready,
                              "observedGeneration": int(rs["metadata"].get("generation") or 1)}
    status = {key: value for key, value in status.items() if value or key == "replicas"}  # omitempty
    old = rs.get("status") or {}
    if "conditions" in old:
        status["conditions"] = old["conditions"]
    if status == old:
        return

    def write(obj: dict[str, Any]) -> None:
        obj["status"] = status

    ctx.store.modify("replicasets", namespace, name, write)
