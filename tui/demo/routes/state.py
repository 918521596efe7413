"""What the demo server's handlers share: store, kubelet, runtime, policy and fault settings.

Handlers read it from their application: `request.app[STATE]`. Code on other threads (the fault
API, legacy mode) reaches it through a `ServerLoop` (the `DemoCluster`), which runs functions on
the server's event loop.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import threading
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from aiohttp import web

from tui.demo.api.access import AccessPolicy
from tui.demo.api.store import Store
from tui.demo.node.kubelet import Kubelet
from tui.demo.node.runtime import ContainerRuntime

T = TypeVar("T")
RECEIVED_BODIES = 200  # request bodies kept in ServerState.received


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
    runtime: ContainerRuntime
    token: str
    policy: AccessPolicy = field(default_factory=AccessPolicy)
    faults: RequestFaults = field(default_factory=RequestFaults)
    address: str = "127.0.0.1:0"
    # Long-lived handlers (watches, log follows, attach/exec) so a restart can end them.
    streams: set[asyncio.Task[Any]] = field(default_factory=set)
    # legacy mode (`routes.legacy_api.enable_legacy_api`): the 1.21 ephemeral containers API
    legacy_ephemeral_api: bool = False
    # The last request bodies as received, decoded (protobuf too) and before any defaulting:
    # (method, path, body), for tests comparing what two clients sent (`faults.received_bodies`).
    received: collections.deque[tuple[str, str, Any]] = field(
        default_factory=lambda: collections.deque(maxlen=RECEIVED_BODIES))
    # The Impersonate-* header lines of the last requests that carried any, as received (repeated
    # names kept): (method, path, [(name, value), ...]), for `faults.received_impersonation`.
    # The demo does not act on them (no impersonation authorization): it only records them.
    impersonation: collections.deque[tuple[str, str, list[tuple[str, str]]]] = field(
        default_factory=lambda: collections.deque(maxlen=RECEIVED_BODIES))

    @contextlib.contextmanager
    def long_lived(self) -> Iterator[None]:
        """Register the current handler's task (a watch, a log follow, attach/exec) in `streams`
        while it runs, so that a server restart or stop ends it."""
        task = asyncio.current_task()
        if task is not None:
            self.streams.add(task)
        try:
            yield
        finally:
            if task is not None:
                self.streams.discard(task)

STATE = web.AppKey("demo_state", ServerState)


class ServerLoop(Protocol):
    """The running server as other threads see it (`DemoCluster`): its state once started, and
    `run` / `call` to execute on the server loop."""

    state: ServerState | None

    def run(self, function: Callable[[], T], timeout: float | None = 30) -> T: ...

    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = 30) -> T: ...
