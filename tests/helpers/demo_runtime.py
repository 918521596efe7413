"""Helpers for the simulated-runtime unit tests: pods, a collecting sink, running commands."""

from __future__ import annotations

import asyncio
from typing import Any

from helpers import WAIT_SECONDS
from tui.demo.node.runtime import ContainerRuntime, ExecSession

APP = {"name": "app", "image": "gcr.io/distroless/python3-debian11", "command": ["python", "-m", "http.server", "8080"]}
SIDECAR = {"name": "sidecar", "image": "gcr.io/distroless/nodejs-debian11",
           "command": ["/nodejs/bin/node", "-e", 'setTimeout(() => console.log("done"), 999999)']}


def slim_pod(share: bool = False, debugger: dict[str, Any] | None = None, name: str = "slim-1") -> dict[str, Any]:
    spec: dict[str, Any] = {"containers": [dict(APP), dict(SIDECAR)]}
    if share:
        spec["shareProcessNamespace"] = True
    if debugger is not None:
        spec["ephemeralContainers"] = [debugger]
    return {"metadata": {"namespace": "default", "name": name, "uid": f"uid-{name}"}, "spec": spec}


class Collector:
    """A Sink that keeps what each channel received."""

    def __init__(self) -> None:
        self.channels: dict[int, bytes] = {}

    async def send(self, channel: int, data: bytes) -> None:
        self.channels[channel] = self.channels.get(channel, b"") + data

    @property
    def out(self) -> str:
        return self.channels.get(1, b"").decode()

    @property
    def err(self) -> str:
        return self.channels.get(2, b"").decode()


def start(runtime: ContainerRuntime, pod: dict[str, Any]) -> None:
    for kind in ("containers", "ephemeralContainers"):
        for container in pod["spec"].get(kind, []):
            runtime.start_container(pod, container["name"])


async def run(runtime: ContainerRuntime, pod: dict[str, Any], container: str, argv: list[str],
              tty: bool = False, stdin: bytes | None = None) -> tuple[int, Collector]:
    await asyncio.sleep(0)
    found = runtime.find(pod["metadata"]["namespace"], pod["metadata"]["name"], container)
    assert found is not None
    sink = Collector()
    session = runtime.exec(found, argv, tty=tty, stdin=stdin is not None, sink=sink)
    if stdin is not None:
        session.io.feed(stdin)
        session.io.close_stdin()
    code = await asyncio.wait_for(session.task, 10)
    return code, sink


async def interactive(runtime: ContainerRuntime, pod: dict[str, Any], container: str,
                      cols: int = 80, rows: int = 24) -> tuple[ExecSession, Collector]:
    await asyncio.sleep(0)
    found = runtime.find(pod["metadata"]["namespace"], pod["metadata"]["name"], container)
    assert found is not None
    sink = Collector()
    return runtime.exec(found, ["sh"], tty=True, stdin=True, sink=sink, cols=cols, rows=rows), sink


async def wait_for(predicate: Any, timeout: float = WAIT_SECONDS) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


DEBUGGER = {"name": "debugger", "image": "busybox", "stdin": True, "tty": True, "targetContainerName": "app"}


async def pod_runtime() -> tuple[ContainerRuntime, dict]:
    runtime = ContainerRuntime()
    pod = slim_pod(debugger=dict(DEBUGGER))
    start(runtime, pod)
    await asyncio.sleep(0)
    return runtime, pod


async def sh(script: str) -> tuple[int, str, str]:
    runtime, pod = await pod_runtime()
    code, sink = await run(runtime, pod, "debugger", ["sh", "-c", script])
    return code, sink.out, sink.err
