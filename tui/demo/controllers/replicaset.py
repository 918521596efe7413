"""The ReplicaSet controller: keeps `spec.replicas` active pods of the ReplicaSet's template, named
`<rs>-<5 random characters>` (generateName), labelled as the template, owned by the ReplicaSet
(controller ownerReference). A pod that goes (deleted, or finished) is replaced; extra pods are
deleted gracefully, those not scheduled / not running / not ready / newest first. Events:
SuccessfulCreate "Created pod: ..." and SuccessfulDelete "Deleted pod: ..." (replicaset-controller);
status: replicas, fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration.

A pod is created through the API server's admission (`tui.demo.api.pod_admission`: defaults,
validation, Pod Security), as the real controller's client request is. A refused create is a
Warning FailedCreate event "Error creating: <the API error>", stops this sync's creates (the first
of slowStartBatch's batches is one pod), and sets the condition ReplicaFailure (reason
FailedCreate, the error as message) until a sync succeeds; `sync_replica_set` returns the error
so the manager retries with its back-off."""

from __future__ import annotations

import copy
import random
from typing import Any

from tui.demo.api.defaults import now_iso, random_suffix
from tui.demo.api.events import REPLICASET_CONTROLLER, WARNING
from tui.demo.api.pod_admission import admit_new_pod
from tui.demo.api.status import ApiError
from tui.demo.controllers.common import Context, owned, owner_reference, pod_active, pod_ready, replicas_of

BURST_REPLICAS = 500  # the controller's burstReplicas: creations or deletions per sync at most


def sync_replica_set(ctx: Context, namespace: str, name: str, rng: random.Random) -> ApiError | None:
    """One sync; the error of a refused pod create (the manager retries with back-off), else None."""
    rs = ctx.store.get("replicasets", namespace, name)
    if rs is None:
        return None
    pods = owned(ctx.store.values("pods"), rs)
    active = [p for p in pods if pod_active(p)]
    error: ApiError | None = None
    if not rs["metadata"].get("deletionTimestamp"):
        diff = len(active) - replicas_of(rs)
        if diff < 0:
            for _ in range(min(-diff, BURST_REPLICAS)):
                try:
                    create_pod(ctx, rs, rng)
                except ApiError as refused:
                    ctx.event(rs, "FailedCreate", f"Error creating: {refused.message}", REPLICASET_CONTROLLER,
                              WARNING)
                    error = refused
                    break
        elif diff > 0:
            for pod in sorted(active, key=_deletion_rank)[:min(diff, BURST_REPLICAS)]:
                meta = pod["metadata"]
                ctx.kubelet.delete_pod(meta["namespace"], meta["name"])
                ctx.event(rs, "SuccessfulDelete", f"Deleted pod: {meta['name']}", REPLICASET_CONTROLLER)
    update_status(ctx, namespace, name, error)
    return error


def _deletion_rank(pod: dict[str, Any]) -> tuple[int, int, int, str]:
    """controller.ActivePods order: unscheduled, pending, not ready first; then the newest."""
    created = str(pod["metadata"].get("creationTimestamp", ""))
    newest_first = "".join(chr(0x10FFFF - ord(ch)) for ch in created)
    return (1 if pod["spec"].get("nodeName") else 0,
            1 if pod.get("status", {}).get("phase") == "Running" else 0,
            1 if pod_ready(pod) else 0,
            newest_first)


def create_pod(ctx: Context, rs: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A pod from the ReplicaSet's template, admitted and stored as the API server does it (an
    `ApiError` when refused), started by the kubelet."""
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
    pod = admit_new_pod(ctx.store, namespace, {"metadata": metadata, "spec": template.get("spec") or {}})
    pod["metadata"] = {key: pod["metadata"][key] for key in
                       ("name", "generateName", "namespace", "uid", "creationTimestamp", "labels", "annotations",
                        "ownerReferences") if key in pod["metadata"]}
    stored = ctx.store.create("pods", pod)
    ctx.event(rs, "SuccessfulCreate", f"Created pod: {name}", REPLICASET_CONTROLLER)
    ctx.kubelet.pod_created(namespace, name)
    return stored


def update_status(ctx: Context, namespace: str, name: str, error: ApiError | None = None) -> None:
    """The counts; ReplicaFailure set on a refused create (kept as first written while creates
    keep failing) and removed after a sync without one (replica_set_utils.calculateStatus)."""
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
    conditions = [dict(c) for c in old.get("conditions") or []]
    failure = next((c for c in conditions if c.get("type") == "ReplicaFailure"), None)
    if error is not None and failure is None:
        conditions.append({"type": "ReplicaFailure", "status": "True", "lastTransitionTime": now_iso(),
                           "reason": "FailedCreate", "message": error.message})
    elif error is None and failure is not None:
        conditions.remove(failure)
    if conditions or (failure is None and "conditions" in old):
        status["conditions"] = conditions
    if status == old:
        return

    def write(obj: dict[str, Any]) -> None:
        obj["status"] = status

    ctx.store.modify("replicasets", namespace, name, write)
