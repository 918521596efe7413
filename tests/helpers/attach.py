"""Helpers shared by the attach-session tests and benchmarks/terminal_bench.py: add a debug
container to a demo-cluster pod as `kubectl debug` does, and wait for it to run; a terminal
engine fed by an AttachSession (`Screen`, `attach`)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from helpers import WAIT_SECONDS
from tui.kube.attach_session import AttachSession, SessionStatus
from tui.kube.connection import ClusterConnection
from tui.screenshots import api_request
from widgets.terminal.engine import TerminalEngine

NAMESPACE = "default"
POD = "shared-pid-demo"


def wait_for(predicate: Callable[[], bool], timeout: float = WAIT_SECONDS, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        time.sleep(0.005)


request = api_request  # (status, JSON) of one API request through the connection's client


def container_state(conn: ClusterConnection, name: str, pod: str = POD, namespace: str = NAMESPACE) -> str:
    """"running", "waiting", "terminated", or "absent" for an ephemeral container."""
    _, obj = request(conn, "GET", f"/api/v1/namespaces/{namespace}/pods/{pod}")
    for status in obj.get("status", {}).get("ephemeralContainerStatuses") or []:
        if status.get("name") == name:
            return next(iter(status.get("state") or {"unknown": {}}))
    return "absent"


def add_debug_container(conn: ClusterConnection, name: str = "debugger", image: str = "busybox:1.36",
                        target: str | None = "web", pod: str = POD, namespace: str = NAMESPACE) -> None:
    """What `kubectl debug -it --image busybox --target web` sends (a strategic-merge PATCH), then
    wait until the container runs."""
    container: dict[str, Any] = {"name": name, "image": image, "stdin": True, "tty": True,
                                 "terminationMessagePolicy": "File"}
    if target:
        container["targetContainerName"] = target
    status, answer = request(conn, "PATCH", f"/api/v1/namespaces/{namespace}/pods/{pod}/ephemeralcontainers",
                             {"spec": {"ephemeralContainers": [container]}},
                             content_type="application/strategic-merge-patch+json")
    if status != 200:
        raise RuntimeError(f"could not add debug container {name}: {status} {answer.get('message')}")
    wait_for(lambda: container_state(conn, name, pod, namespace) == "running", 15, f"{name} to run")


def add_debug_container_to(kubeconfig_path: Any, name: str = "debugger", target: str | None = "app",
                           pod: str = "slim-79487d6484-h4rss") -> None:
    """`add_debug_container` through a connection of its own, from a cluster's kubeconfig."""
    from tui.kube.config import KubeConfig

    connection = KubeConfig.load(str(kubeconfig_path)).connect()
    try:
        add_debug_container(connection, name, target=target, pod=pod)
    finally:
        connection.close()


class Screen:
    """A terminal engine fed by the session's reader thread (locked: the test thread reads it)."""

    def __init__(self, cols: int = 100, rows: int = 30) -> None:
        self.engine = TerminalEngine(cols, rows)
        self.lock = threading.Lock()
        self.statuses: list[SessionStatus] = []
        self.raw = bytearray()

    def output(self, data: bytes) -> None:
        with self.lock:
            self.raw += data
            self.engine.feed(data)

    def status(self, status: SessionStatus) -> None:
        with self.lock:
            self.statuses.append(status)

    def text(self) -> str:
        with self.lock:
            return "\n".join(self.engine.all_text())

    @property
    def state(self) -> str:
        with self.lock:
            return self.statuses[-1].state if self.statuses else "none"

    def last(self) -> SessionStatus:
        with self.lock:
            return self.statuses[-1]


def attach(conn: ClusterConnection, screen: Screen, container: str = "debugger", **kwargs: Any) -> AttachSession:
    session = AttachSession(conn, NAMESPACE, POD, container, on_output=screen.output, on_status=screen.status,
                            cols=screen.engine.cols, rows=screen.engine.rows, **kwargs)
    session.start()
    wait_for(lambda: screen.state in ("live", "failed"), what="the session to go live")
    return session
