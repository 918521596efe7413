"""Pod batches handed from the watch worker to the UI, the buffer that collapses changes into
them, and a plain store that applies them.

Everything here is plain JSON dicts keyed by ``(namespace, name)``; no Kubernetes client models.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

PodKey = tuple[str, str]

# Annotations that can be as large as the pod itself and that the UI never shows.
_BULKY_ANNOTATIONS = ("kubectl.kubernetes.io/last-applied-configuration",)


@dataclass(frozen=True)
class PodBatch:
    """Changes since the previous batch.

    ``reset=True``: ``upserts`` is the complete set of pods; drop every pod not in it.
    """

    upserts: dict[PodKey, dict]
    deletes: frozenset[PodKey] = frozenset()
    reset: bool = False

    def __len__(self) -> int:
        return len(self.upserts) + len(self.deletes)


def merge_batches(first: PodBatch, then: PodBatch) -> PodBatch:
    """One batch with the effect of applying `first`, then `then`."""
    if then.reset:
        return then
    upserts = {key: pod for key, pod in first.upserts.items() if key not in then.deletes}
    upserts.update(then.upserts)
    if first.reset:  # absence from a reset's upserts already means gone
        return PodBatch(upserts=upserts, reset=True)
    deletes = frozenset(key for key in first.deletes if key not in then.upserts) | then.deletes
    return PodBatch(upserts=upserts, deletes=deletes)


def pod_key(pod: dict) -> PodKey:
    meta = pod.get("metadata") or {}
    return (meta.get("namespace") or "", meta.get("name") or "")


# Strings shared between pods: a decoded pod repeats its keys and many values ("Running",
# image names, timestamps, label values) that other pods hold too. Sharing one object per distinct
# string halves the memory of 10,000 pods (measured: 159 MB -> 75 MB when decoded one event at a
# time). Bounded: cleared when it grows past _SHARED_LIMIT entries (only sharing is lost).
_shared: dict[str, str] = {}
_SHARED_LIMIT = 300_000


def _share(value: object) -> object:
    if isinstance(value, str):
        return _shared.setdefault(value, value)
    if isinstance(value, dict):
        return {_shared.setdefault(k, k): _share(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_share(v) for v in value]
    return value


def _share_like(new: object, old: object) -> object:
    """`new` with its strings shared, reusing every subtree of `old` (the pod's previous version)
    that is equal to the matching subtree of `new`. An update that changes one annotation then
    allocates a handful of dicts instead of a whole pod: the garbage collector has far fewer new
    long-lived objects to scan during an update storm (full collections of 10,000 pods took
    hundreds of ms), and unchanged `spec`/`status` keep their identity between versions.

    Equality is Python's ==, exact for pods because a field has one JSON type in every version
    of an object (the API schema): true never meets 1 at the same place."""
    if type(new) is dict and type(old) is dict:
        if new == old:
            return old
        shared: dict = {}
        for key, value in new.items():
            previous = old.get(key, _MISSING)
            if previous is _MISSING:
                shared[_shared.setdefault(key, key)] = _share(value)
            elif previous is value or (type(previous) is type(value) and previous == value):
                shared[_shared.setdefault(key, key)] = previous
            else:
                shared[_shared.setdefault(key, key)] = _share_like(value, previous)
        return shared
    if type(new) is list and type(old) is list and new == old:
        return old
    return _share(new)


_MISSING = object()


def slim_pod(pod: dict, previous: dict | None = None) -> dict:
    """The pod without the fields the UI never shows but that dominate its memory
    (``metadata.managedFields``, the last-applied-configuration annotation), with its strings
    shared with the other pods'. Returns a new dict (or ``previous`` when nothing changed).

    ``previous``: the slim version of the same pod seen before; its subtrees that did not
    change are reused as they are (callers never mutate pods)."""
    meta = pod.get("metadata")
    if isinstance(meta, dict):
        meta.pop("managedFields", None)
        annotations = meta.get("annotations")
        if annotations:
            for name in _BULKY_ANNOTATIONS:
                annotations.pop(name, None)
    if len(_shared) > _SHARED_LIMIT:
        _shared.clear()
    slim = _share(pod) if previous is None else _share_like(pod, previous)
    assert isinstance(slim, dict)
    return slim


def exclude_loaded_pods_from_gc() -> None:
    """Call once a full pod list is loaded: moves every object alive now (10,000 pods are some
    600,000 dicts and lists) out of the cyclic garbage collector's scans (``gc.freeze``).

    Pods are acyclic: those replaced later are still freed by reference counting. Without this,
    each full collection walks every pod (hundreds of ms with 10,000 pods) and an update storm
    triggers several. The cost: cyclic garbage frozen here is never collected (one-off).

    Full collections also become ten times rarer (after 100 young collections instead of 10):
    with the pods frozen they are cheap, but an update storm still triggered one a second."""
    gc.freeze()
    young, middle, full = gc.get_threshold()
    gc.set_threshold(young, middle, max(full, FULL_COLLECTION_EVERY))


FULL_COLLECTION_EVERY = 100  # second-generation collections between two full ones (CPython: 10)


@dataclass
class PodChangeBuffer:
    """Thread-safe accumulator: many changes of one pod collapse into its latest state.

    The watch thread calls `upsert` / `delete` / `replace_all`; the flushing side calls `take`.
    """

    _upserts: dict[PodKey, dict] = field(default_factory=dict)
    _deletes: set[PodKey] = field(default_factory=set)
    _reset: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def upsert(self, pod: dict) -> None:
        key = pod_key(pod)
        with self._lock:
            self._deletes.discard(key)
            self._upserts[key] = pod

    def delete(self, key: PodKey) -> None:
        with self._lock:
            self._upserts.pop(key, None)
            if not self._reset:  # after a reset, absence from upserts already means gone
                self._deletes.add(key)

    def replace_all(self, pods: Iterable[dict]) -> None:
        """Everything pending is superseded: the next batch is a reset with exactly these pods."""
        upserts = {pod_key(pod): pod for pod in pods}
        with self._lock:
            self._upserts = upserts
            self._deletes = set()
            self._reset = True

    def pending(self) -> bool:
        with self._lock:
            return self._reset or bool(self._upserts) or bool(self._deletes)

    def take(self) -> PodBatch | None:
        """The collapsed batch since the last call, or None when nothing changed."""
        with self._lock:
            if not (self._reset or self._upserts or self._deletes):
                return None
            batch = PodBatch(upserts=self._upserts, deletes=frozenset(self._deletes), reset=self._reset)
            self._upserts = {}
            self._deletes = set()
            self._reset = False
        return batch


@dataclass
class PodStore:
    """The pods as the UI should show them: apply batches in order."""

    pods: dict[PodKey, dict] = field(default_factory=dict)

    def apply(self, batch: PodBatch) -> None:
        if batch.reset:
            self.pods = dict(batch.upserts)
            return
        for key in batch.deletes:
            self.pods.pop(key, None)
        self.pods.update(batch.upserts)

    def __len__(self) -> int:
        return len(self.pods)
