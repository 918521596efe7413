"""DemoCluster: the demo API server on its own thread and asyncio loop.

```python
with DemoCluster(kubelet_delay=0.2) as cluster:
    path = cluster.write_kubeconfig(tmp / "config")   # mode 0600, context "ephemera-demo"
    cluster.faults.drop_watches()
    cluster.restart_server(downtime=0.5)              # same port, same state, connections dropped
```
"""

from __future__ import annotations

import asyncio
import datetime
import os
import secrets
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from aiohttp import web

from tui.demo import scenario
from tui.demo.api.store import DEFAULT_BOOKMARK_FREQUENCY, Store
from tui.demo.controllers.manager import ControllerManager
from tui.demo.faults import FaultInjector
from tui.demo.kubeconfig import write_kubeconfig
from tui.demo.node.kubelet import Kubelet
from tui.demo.node.runtime import ContainerRuntime
from tui.demo.routes.app import build_app
from tui.demo.routes.state import ServerState
from tui.demo.tls import (
    ClientCertificate,
    ServingCertificate,
    issue_client_certificate,
    make_serving_certificate,
)

T = TypeVar("T")


class DemoCluster:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        extra_pods: int = 0,
        kubelet_delay: float = 1.0,
        seed: bool = True,
        token: str | None = None,
        history_size: int = 10_000,
        tls: bool = True,
        bookmark_frequency: float = DEFAULT_BOOKMARK_FREQUENCY,
    ) -> None:
        self.host = host
        self.port = port
        self.extra_pods = extra_pods
        self.kubelet_delay = kubelet_delay
        self.seed = seed
        self.token = token or secrets.token_urlsafe(32)
        self.history_size = history_size
        self._bookmark_frequency = bookmark_frequency
        # kubectl sends kubeconfig credentials only over TLS, hence https with a per-cluster CA.
        self.certificate: ServingCertificate | None = make_serving_certificate(host) if tls else None
        self.kubeconfig_path: Path | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.state: ServerState | None = None
        self.faults = FaultInjector(self)
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._started = threading.Event()
        self._start_error: BaseException | None = None
        self._stopping: asyncio.Event | None = None

    # ---- lifecycle -----------------------------------------------------------------------
    @property
    def url(self) -> str:
        scheme = "https" if self.certificate is not None else "http"
        return f"{scheme}://{self._url_host()}:{self.port}"

    @property
    def ca_pem(self) -> bytes | None:
        """The CA that signed the serving certificate (None when serving plain http)."""
        return self.certificate.ca_pem if self.certificate is not None else None

    def issue_client_certificate(self, user: str = "ephemera-demo-user", groups: tuple[str, ...] = (),
                                 valid_for: datetime.timedelta = datetime.timedelta(hours=1)) -> ClientCertificate:
        """A client certificate signed by the cluster CA: the server accepts it instead of the bearer
        token (x509 authentication, as kube-apiserver's --client-ca-file) unless it is revoked with
        `faults.revoke_client_certificate(serial)`. Needs TLS."""
        if self.certificate is None:
            raise RuntimeError("client certificates need the TLS demo cluster (tls=True)")
        return issue_client_certificate(self.certificate, user, groups, valid_for)

    def _url_host(self) -> str:
        return f"[{self.host}]" if ":" in self.host else self.host

    @property
    def store(self) -> Store:
        assert self.state is not None, "the cluster is not started"
        return self.state.store

    @property
    def bookmark_frequency(self) -> float:
        """Seconds between the BOOKMARK events of a watch with allowWatchBookmarks=true (60, as
        kube-apiserver; tests set less). Takes effect for watches started after the change."""
        return self._bookmark_frequency

    @bookmark_frequency.setter
    def bookmark_frequency(self, seconds: float) -> None:
        self._bookmark_frequency = float(seconds)
        if self.state is not None:
            store = self.state.store
            self.run(lambda: setattr(store, "bookmark_frequency", float(seconds)))

    @property
    def kubelet(self) -> Kubelet:
        assert self.state is not None, "the cluster is not started"
        return self.state.kubelet

    @property
    def runtime(self) -> ContainerRuntime:
        assert self.state is not None, "the cluster is not started"
        return self.state.runtime

    def start(self) -> DemoCluster:
        """Start serving; returns once the port is listening."""
        if self._thread is not None:
            return self
        self._started.clear()
        self._thread = threading.Thread(target=self._thread_main, name="ephemera-demo-cluster", daemon=True)
        self._thread.start()
        self._started.wait()
        if self._start_error is not None:
            self._thread.join()
            self._thread = None
            error, self._start_error = self._start_error, None
            raise error
        return self

    def _thread_main(self) -> None:
        loop = asyncio.new_event_loop()
        self.loop = loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._main())
        except BaseException as error:  # noqa: BLE001 - reported to start()
            if not self._started.is_set():
                self._start_error = error
        finally:
            try:
                pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
                for task in pending:
                    task.cancel()
                if pending:
                    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                loop.close()
                self._started.set()

    async def _main(self) -> None:
        self._stopping = asyncio.Event()
        store = Store(self.history_size, self._bookmark_frequency)
        runtime = ContainerRuntime(on_exit=self._on_exit)
        kubelet = Kubelet(store, runtime, self.kubelet_delay)
        self.state = ServerState(store=store, kubelet=kubelet, runtime=runtime, token=self.token)
        root_ca = self.ca_pem.decode() if self.ca_pem is not None else ""
        if self.seed:
            scenario.seed(store, self.extra_pods, root_ca=root_ca)
            start_seeded_containers(store, runtime)
        kubelet.start_background()
        controllers = ControllerManager(store, kubelet, root_ca=root_ca)
        controllers.start()
        await self._listen()
        self._started.set()
        try:
            await self._stopping.wait()
        finally:
            controllers.stop()
            kubelet.stop()
            await self._close_listener()

    async def _listen(self) -> None:
        assert self.state is not None
        runner = web.AppRunner(build_app(self.state), shutdown_timeout=0.25, handle_signals=False,
                               access_log=None)
        await runner.setup()
        ssl_context = self.certificate.server_context() if self.certificate is not None else None
        site = web.TCPSite(runner, self.host, self.port, reuse_address=True,
                           ssl_context=ssl_context)
        await site.start()
        if self.port == 0:
            self.port = runner.addresses[0][1]
        self.state.address = f"{self._url_host()}:{self.port}"
        self._runner = runner

    async def _close_listener(self) -> None:
        """Stop listening and drop every connection: watches, log follows, attach sessions."""
        assert self.state is not None
        runner, self._runner = self._runner, None
        self.state.store.close_watchers()
        for task in list(self.state.streams):
            task.cancel()
        self.state.runtime.cut_streams()
        if runner is not None:
            await runner.cleanup()

    def stop(self) -> None:
        """Stop the server and its thread (idempotent)."""
        thread = self._thread
        if thread is None:
            return
        loop = self.loop
        if loop is not None and self._stopping is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(self._stopping.set)
            except RuntimeError:
                pass
        thread.join(timeout=10)
        self._thread = None

    def __enter__(self) -> DemoCluster:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def restart_server(self, downtime: float = 0.5) -> None:
        """Stop listening, drop all connections, wait `downtime`, listen again on the same port."""

        async def restart() -> None:
            await self._close_listener()
            await asyncio.sleep(downtime)
            await self._listen()

        self.call(restart())

    # ---- helpers for other threads ----------------------------------------------------------
    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = 30) -> T:
        """Run a coroutine on the server loop from another thread and return its result."""
        assert self.loop is not None, "the cluster is not started"
        future: Future[T] = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        return future.result(timeout)

    def run(self, function: Callable[[], T], timeout: float | None = 30) -> T:
        """Run a plain function on the server loop (where the store lives) and return its result."""

        async def wrapper() -> T:
            return function()

        return self.call(wrapper(), timeout)

    def write_kubeconfig(self, path: str | os.PathLike[str], namespace: str = "default") -> Path:
        target = write_kubeconfig(path, self.url, self.token, namespace, self.ca_pem)
        self.kubeconfig_path = target
        return target

    def _on_exit(self, namespace: str, pod: str, container: str, exit_code: int) -> None:
        """The runtime's callback when a container's main process exits (any thread)."""
        loop = self.loop
        if loop is None or self.state is None:
            return
        kubelet = self.state.kubelet
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            kubelet.container_exited(namespace, pod, container, exit_code)
        else:
            loop.call_soon_threadsafe(kubelet.container_exited, namespace, pod, container, exit_code)


def start_seeded_containers(store: Store, runtime: ContainerRuntime) -> None:
    """Give the seeded running containers their processes (synthetic load pods start lazily)."""
    for pod in list(store.values("pods")):
        if pod["metadata"]["namespace"].startswith(scenario.LOAD_PREFIX):
            continue
        for field in ("containerStatuses", "ephemeralContainerStatuses"):
            for entry in pod.get("status", {}).get(field, []):
                if "running" in entry.get("state", {}):
                    runtime.start_container(pod, entry["name"])
