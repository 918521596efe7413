"""Messages the browser screen receives from background threads (watcher, workers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui.kube.cluster_objects import ClusterObjects
from tui.kube.pod_watch import PodWatcher, WatchStatus
from tui.pods.store import PodBatch
from tui.screens.background import BackgroundResult, StreamMessage


@dataclass
class PodsChanged(StreamMessage):
    """A batch from the pod watcher `source` (dropped once that watcher is stopped)."""

    batch: PodBatch
    source: PodWatcher


@dataclass
class WatchStatusChanged(StreamMessage):
    status: WatchStatus
    source: PodWatcher


@dataclass
class ClusterObjectsLoaded(BackgroundResult):
    """Nodes and namespaces as listed for the current connection (a newer load or a new
    connection makes it stale)."""

    objects: ClusterObjects


@dataclass
class Connected(BackgroundResult):
    """`kubeconfig.connect(context)` finished: `connection` or `error` (a ClusterError)."""

    context: str
    connection: Any
    error: Exception | None
