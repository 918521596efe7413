"""Messages the browser screen receives from background threads (watcher, workers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message

from tui.kube.cluster_objects import ClusterObjects
from tui.kube.pod_watch import WatchStatus
from tui.pods.store import PodBatch


@dataclass
class PodsChanged(Message):
    """A batch from the watcher of `generation` (older generations are ignored)."""

    batch: PodBatch
    generation: int


@dataclass
class WatchStatusChanged(Message):
    status: WatchStatus
    generation: int


@dataclass
class ClusterObjectsLoaded(Message):
    objects: ClusterObjects
    generation: int
    context: str = ""  # the connection's context: a load for a context no longer shown is dropped


@dataclass
class Connected(Message):
    """`kubeconfig.connect(context)` finished: `connection` or `error` (a ClusterError)."""

    context: str
    connection: Any
    error: Exception | None
    generation: int
