"""The workload behind a pod, from the owner objects themselves (pure: the GETs are tui/kube/workload.py's).

    chain = OwnerChain(links=(OwnerLink.of("ReplicaSet", rs), OwnerLink.of("Deployment", deploy)))
    chain.text()            # "Deployment slim -> ReplicaSet slim-79487d6484 -> Pod"
    chain.rolled_pods()     # 3: the pods a change of the Deployment's pod template replaces
    chain_lesson(pod, chain)  # facts.share_pid_lesson with that number

How many pods a template change rolls: a Deployment's and a StatefulSet's `status.replicas` (every
pod it has now, of every revision: all are replaced), else `spec.replicas` (default 1); a
DaemonSet's `status.currentNumberScheduled` (one per node), else `desiredNumberScheduled`. A
ReplicaSet or ReplicationController of its own does not replace its pods (only new ones get the
template); a Job's template cannot be changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui.pods.facts import share_pid_lesson
from tui.pods.json_path import dig

__all__ = ["OWNER_RESOURCES", "OwnerChain", "OwnerLink", "chain_lesson", "controller_ref", "rolled_pods"]

# kind -> (API group/version path prefix, resource): the owners tui/kube/workload.py GETs.
OWNER_RESOURCES: dict[str, tuple[str, str]] = {
    "ReplicaSet": ("/apis/apps/v1", "replicasets"),
    "Deployment": ("/apis/apps/v1", "deployments"),
    "StatefulSet": ("/apis/apps/v1", "statefulsets"),
    "DaemonSet": ("/apis/apps/v1", "daemonsets"),
    "Job": ("/apis/batch/v1", "jobs"),
    "CronJob": ("/apis/batch/v1", "cronjobs"),
    "ReplicationController": ("/api/v1", "replicationcontrollers"),
}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def controller_ref(obj: dict[str, Any]) -> dict[str, Any] | None:
    """The owner reference with `controller: true`, else the first one; None without owners."""
    refs = dig(obj, "metadata", "ownerReferences") or []
    refs = [ref for ref in refs if isinstance(ref, dict)]
    return next((ref for ref in refs if ref.get("controller")), refs[0] if refs else None)


def rolled_pods(kind: str, obj: dict[str, Any] | None) -> int | None:
    """How many pods a change of `obj`'s pod template replaces (see the module docstring); None
    when it replaces none (a ReplicaSet, a Job) or the object was not read."""
    if obj is None:
        return None
    if kind in ("Deployment", "StatefulSet"):
        current = _int(dig(obj, "status", "replicas"))
        if current is not None and dig(obj, "status", "observedGeneration") is not None:
            return current
        spec = dig(obj, "spec", "replicas")
        return 1 if spec is None else _int(spec)
    if kind == "DaemonSet":
        current = _int(dig(obj, "status", "currentNumberScheduled"))
        return current if current is not None else _int(dig(obj, "status", "desiredNumberScheduled"))
    return None


@dataclass(frozen=True)
class OwnerLink:
    """One owner of the chain: its kind and name, what it says about its pods, or why it could not
    be read (`error`: a 403 naming the missing permission, a 404)."""

    kind: str
    name: str
    replicas: int | None = None
    """spec.replicas (Deployment, StatefulSet, ReplicaSet); None when it has none or was not read."""
    ready: int | None = None
    rolled: int | None = None
    """`rolled_pods`: the pods a template change replaces."""
    error: str = ""
    found: bool = True

    @classmethod
    def of(cls, kind: str, name: str, obj: dict[str, Any] | None, error: str = "") -> OwnerLink:
        if obj is None:
            return cls(kind, name, error=error, found=False)
        replicas = dig(obj, "spec", "replicas")
        if replicas is None and kind in ("Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"):
            replicas = 1
        ready = dig(obj, "status", "readyReplicas") if kind != "DaemonSet" else dig(obj, "status", "numberReady")
        return cls(kind, name, _int(replicas), _int(ready) if ready is not None else 0 if replicas else None,
                   rolled_pods(kind, obj))

    def describe(self) -> str:
        """"Deployment slim (3 replicas, 3 ready)", "ReplicaSet x (cannot read: ...)"."""
        text = f"{self.kind} {self.name}"
        if self.error:
            return f"{text} (not read: {self.error})"
        if self.replicas is not None:
            text += f" ({self.replicas} replica{'' if self.replicas == 1 else 's'}"
            text += f", {self.ready} ready)" if self.ready is not None else ")"
        elif self.rolled is not None:
            text += f" ({self.rolled} pod{'' if self.rolled == 1 else 's'})"
        return text


@dataclass(frozen=True)
class OwnerChain:
    """The pod's owners, from its direct owner up (ReplicaSet, then Deployment), as read from the
    API server; `notes` say what could not be read (the chain stops there)."""

    links: tuple[OwnerLink, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def top(self) -> OwnerLink | None:
        """The workload whose template makes the pod (the last owner read)."""
        found = [link for link in self.links if link.found]
        return found[-1] if found else None

    def text(self) -> str:
        """"Deployment slim -> ReplicaSet slim-79487d6484 -> Pod" ("bare pod" without owners)."""
        if not self.links:
            return "bare pod (no owner)"
        return " -> ".join([*(f"{link.kind} {link.name}" for link in reversed(self.links)), "Pod"])

    def rolled_pods(self) -> int | None:
        """The pods a change of the top workload's pod template replaces (None: not known, or none)."""
        top = self.top
        return top.rolled if top is not None else None


def chain_lesson(pod: dict[str, Any], chain: OwnerChain | None) -> str:
    """The shareProcessNamespace lesson (facts.share_pid_lesson) with the real number of pods when the
    workload was read; "" where it does not apply."""
    count = chain.rolled_pods() if chain is not None else None
    return share_pid_lesson(pod, count)
