"""Pod batches handed from the watch worker to the UI, the buffer that collapses changes into
them, and a plain store that applies them.

Pods travel as `StoredPod`s (their JSON text and their row's facts: `tui.pods.stored`) keyed by
``(namespace, name)``; no Kubernetes client models.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field

from tui.pods.stored import PodKey, PodView, StoredPod


@dataclass(frozen=True)
class PodBatch:
    """Changes since the previous batch.

    ``reset=True``: ``upserts`` is the complete set of pods; drop every pod not in it.
    """

    upserts: dict[PodKey, StoredPod]
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


def exclude_loaded_pods_from_gc() -> None:
    """Call once a full pod list is loaded: moves every object alive now (a few per stored pod,
    and what the app built so far) out of the cyclic garbage collector's scans (``gc.freeze``).

    Stored pods are acyclic: those replaced later are still freed by reference counting. Without
    this, each full collection walks every pod's objects and an update storm triggers several.
    The cost: cyclic garbage frozen here is never collected (one-off).

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

    _upserts: dict[PodKey, StoredPod] = field(default_factory=dict)
    _deletes: set[PodKey] = field(default_factory=set)
    _reset: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def upsert(self, pod: StoredPod) -> None:
        key = pod.key
        with self._lock:
            self._deletes.discard(key)
            self._upserts[key] = pod

    def delete(self, key: PodKey) -> None:
        with self._lock:
            self._upserts.pop(key, None)
            if not self._reset:  # after a reset, absence from upserts already means gone
                self._deletes.add(key)

    def replace_all(self, pods: Iterable[StoredPod]) -> None:
        """Everything pending is superseded: the next batch is a reset with exactly these pods."""
        upserts = {pod.key: pod for pod in pods}
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


class PodStore:
    """The pods as the UI should show them: apply batches in order; `pods` decodes on demand."""

    def __init__(self, stored: dict[PodKey, StoredPod] | None = None) -> None:
        self.stored: dict[PodKey, StoredPod] = {} if stored is None else stored
        self.pods = PodView(self.stored)

    def apply(self, batch: PodBatch) -> None:
        if batch.reset:
            self.stored.clear()
        for key in batch.deletes:
            self.stored.pop(key, None)
        self.stored.update(batch.upserts)

    def __len__(self) -> int:
        return len(self.stored)
