"""What the demo server's handlers share: store, kubelet, runtime, policy and fault settings."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field
from typing import Any

from tui.demo.access import AccessPolicy
from tui.demo.kubelet import Kubelet
from tui.demo.store import Store


@dataclass
class RequestFaults:
    """Injected request failures and latency (set from any thread, read on the loop)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latency: float = 0.0
    fail_status: int = 500
    fail_count: int = 0
    fail_path_contains: str | None = None
    # serial numbers of client certificates the server answers 401 for (a revoked or rotated cert)
    revoked_serials: set[int] = field(default_factory=set)

    def take_failure(self, path: str) -> int | None:
        """The status to fail this request with, consuming one injected failure, or None."""
        with self.lock:
            if self.fail_count <= 0:
                return None
            if self.fail_path_contains and self.fail_path_contains not in path:
                return None
            self.fail_count -= 1
            return self.fail_status


@dataclass
class ServerState:
    store: Store
    kubelet: Kubelet
    runtime: Any | None
    token: str
    policy: AccessPolicy = field(default_factory=AccessPolicy)
    faults: RequestFaults = field(default_factory=RequestFaults)
    address: str = "127.0.0.1:0"
    # Long-lived handlers (watches, log follows, attach/exec) so a restart can end them.
    streams: set[asyncio.Task[Any]] = field(default_factory=set)
