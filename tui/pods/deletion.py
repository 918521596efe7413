"""What deleting a pod does, in words, for the confirmation (the browser's Ctrl+D).

`deletion_preview(pod)` says what will replace the pod (from its ownerReferences: a ReplicaSet or
a DaemonSet makes a new pod, a StatefulSet one with the same name, a Job while it is not complete;
a bare pod or a debug copy made by Ephemera is gone for good; a static pod's mirror comes back),
how long it gets to stop (its grace period: Terminating meanwhile) and what goes with it.
Pure: plain pod JSON in, plain strings out (the screen makes them visible).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui.pods.facts import is_static_pod, owner_text

__all__ = ["COPY_LABEL", "COPY_SOURCE_ANNOTATION", "DEFAULT_GRACE_SECONDS", "DeletionPreview", "deletion_preview",
           "is_debug_copy"]

# The marks of a debug copy (tui/debug/planner.py: MANAGED_BY_LABEL=MANAGED_BY_VALUE and
# SOURCE_POD_ANNOTATION; a test keeps them equal: tui.pods may not import tui.debug)
COPY_LABEL = ("app.kubernetes.io/managed-by", "ephemera")
COPY_SOURCE_ANNOTATION = "ephemera.dev/source-pod"
DEFAULT_GRACE_SECONDS = 30  # the API server's default terminationGracePeriodSeconds
FINISHED_PHASES = ("Succeeded", "Failed")


@dataclass(frozen=True)
class DeletionPreview:
    """What deleting one pod does."""

    namespace: str
    name: str
    replacement: str
    """One sentence: who makes a new pod, or "nothing will replace it: ..."."""
    replaced: bool
    """A controller will make a pod in its place (or the kubelet its mirror)."""
    grace: str
    """How it stops: its grace period (Terminating meanwhile), or at once."""
    grace_seconds: int | None
    """Its terminationGracePeriodSeconds (None: not scheduled, it goes at once)."""
    terminating: bool
    """It is being deleted already (metadata.deletionTimestamp)."""
    debug_copy: bool = False
    """A copy Ephemera made for debugging (its deletion is audited as a copy's)."""
    notes: list[str] = field(default_factory=list)
    """What goes with it (debug containers and their shells)."""

    @property
    def title(self) -> str:
        return f"{self.namespace}/{self.name}"


def _meta(pod: dict[str, Any]) -> dict[str, Any]:
    meta = pod.get("metadata")
    return meta if isinstance(meta, dict) else {}


def _controller(pod: dict[str, Any]) -> dict[str, Any] | None:
    refs = [ref for ref in _meta(pod).get("ownerReferences") or [] if isinstance(ref, dict)]
    return next((ref for ref in refs if ref.get("controller")), None)


def replacement_of(pod: dict[str, Any]) -> tuple[str, bool]:
    """(the sentence, whether something makes a pod in its place)."""
    meta = _meta(pod)
    spec = pod.get("spec") or {}
    node = str(spec.get("nodeName") or "")
    if is_debug_copy(pod):
        source = str((meta.get("annotations") or {}).get(COPY_SOURCE_ANNOTATION) or "")
        made_of = f" of {source}" if source else ""
        return (f"nothing will replace it: it is a debug copy Ephemera made{made_of} "
                "(the source pod is not touched)"), False
    if is_static_pod(pod):
        where = f" on node {node}" if node else ""
        return (f"the kubelet{where} recreates it: it is the mirror of a static pod, which runs from a file on "
                "the node (deleting the mirror does not stop it)"), True
    owner = _controller(pod)
    if owner is None:
        refs = meta.get("ownerReferences") or []
        if refs:
            return (f"nothing will replace it, probably: its owner {owner_text(pod)} is not its controller"), False
        return "nothing will replace it: it is a bare pod (no controller), gone for good", False
    kind, name = str(owner.get("kind") or "?"), str(owner.get("name") or "?")
    described = owner_text(pod)  # "ReplicaSet web-5d9c7b8f4 (Deployment web)"
    if kind in ("ReplicaSet", "ReplicationController"):
        return f"its {described} will create a replacement (a new pod with another name)", True
    if kind == "StatefulSet":
        return f"its StatefulSet {name} will create a replacement with the same name", True
    if kind == "DaemonSet":
        on_node = f" on node {node}" if node else ""
        return f"its DaemonSet {name} will create a replacement{on_node}", True
    if kind == "Job":
        if (pod.get("status") or {}).get("phase") in FINISHED_PHASES:
            return f"nothing will replace it: it has finished, and its {described} does not run it again", False
        return f"its {described} will create a replacement while the job is not complete", True
    return f"its controller {kind} {name} will probably create a replacement", True


def _grace(pod: dict[str, Any]) -> tuple[str, int | None]:
    spec = pod.get("spec") or {}
    if not spec.get("nodeName"):
        return "it is not scheduled to a node: it goes at once", None
    value = spec.get("terminationGracePeriodSeconds")
    seconds = value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else DEFAULT_GRACE_SECONDS
    if seconds == 0:
        return "its grace period is 0 s: its containers are killed at once", 0
    return (f"grace period {seconds} s: its containers get that long to stop; the table shows it as "
            "Terminating meanwhile"), seconds


def is_debug_copy(pod: dict[str, Any]) -> bool:
    return (_meta(pod).get("labels") or {}).get(COPY_LABEL[0]) == COPY_LABEL[1]


def deletion_preview(pod: dict[str, Any]) -> DeletionPreview:
    meta = _meta(pod)
    replacement, replaced = replacement_of(pod)
    grace, seconds = _grace(pod)
    notes = []
    debuggers = len((pod.get("spec") or {}).get("ephemeralContainers") or [])
    if debuggers:
        notes.append(f"its {debuggers} debug container{'s' if debuggers != 1 else ''} and their shells go with it")
    return DeletionPreview(
        namespace=str(meta.get("namespace") or ""),
        name=str(meta.get("name") or ""),
        replacement=replacement,
        replaced=replaced,
        grace=grace,
        grace_seconds=seconds,
        terminating=bool(meta.get("deletionTimestamp")),
        debug_copy=is_debug_copy(pod),
        notes=notes,
    )
