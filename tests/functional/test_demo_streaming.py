"""attach/exec over WebSocket (v5 and v4) through the official Python client, against
`streaming.handle_stream` served by a minimal aiohttp app around the simulated runtime."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp import web
from kubernetes import client
from kubernetes.stream import stream
from kubernetes.stream.ws_client import RESIZE_CHANNEL

from helpers.exec_stream import read_until, run_exec
from tui.demo.node import streaming
from tui.demo.node.runtime import ContainerRuntime

APP = {"name": "app", "image": "gcr.io/distroless/python3-debian11", "command": ["python", "-m", "http.server", "8080"]}
SIDECAR = {"name": "sidecar", "image": "gcr.io/distroless/nodejs-debian11",
           "command": ["/nodejs/bin/node", "-e", 'setTimeout(() => console.log("done"), 999999)']}
SHELL = {"name": "shell", "image": "busybox:1.36", "stdin": True, "tty": True}
DEBUGGER = {"name": "debugger", "image": "busybox", "stdin": True, "tty": True, "targetContainerName": "app"}


def running(name: str) -> dict[str, Any]:
    return {"name": name, "state": {"running": {"startedAt": "2025-01-01T00:00:00Z"}}}


def slim_pod() -> dict[str, Any]:
    return {
        "metadata": {"namespace": "default", "name": "slim-1", "uid": "uid-1"},
        "spec": {"nodeName": "demo-node", "containers": [APP, SIDECAR, SHELL], "ephemeralContainers": [DEBUGGER]},
        "status": {"containerStatuses": [running("app"), running("sidecar"), running("shell")],
                   "ephemeralContainerStatuses": [running("debugger")]},
    }


class Harness:
    def __init__(self) -> None:
        self.exits: list[tuple[str, str, str, int]] = []
        self.runtime = ContainerRuntime(on_exit=lambda *args: self.exits.append(args))
        self.pods: dict[str, dict[str, Any]] = {}
        self.url = ""

    def add(self, pod: dict[str, Any]) -> None:
        self.pods[pod["metadata"]["name"]] = pod
        for status in pod["status"].get("containerStatuses", []) + pod["status"].get("ephemeralContainerStatuses", []):
            if "running" in status["state"]:
                self.runtime.start_container(pod, status["name"])

    async def handler(self, request: web.Request) -> web.StreamResponse:
        pod = self.pods.get(request.match_info["name"])
        if pod is None:
            raise web.HTTPNotFound()
        return await streaming.handle_stream(request, kind=request.match_info["kind"], pod=pod,
                                             container=request.query.get("container"), runtime=self.runtime)

    def api(self) -> client.CoreV1Api:
        configuration = client.Configuration()
        configuration.host = self.url
        return client.CoreV1Api(client.ApiClient(configuration))

    async def call(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await asyncio.to_thread(function, *args, **kwargs)


@pytest.fixture()
async def harness() -> AsyncIterator[Harness]:
    h = Harness()
    h.add(slim_pod())
    app = web.Application()
    app.router.add_route("*", "/api/v1/namespaces/{ns}/pods/{name}/{kind:attach|exec}", h.handler)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    h.url = f"http://127.0.0.1:{port}"
    yield h
    h.runtime.cut_streams()
    await runner.cleanup()


async def test_exec_ps_in_target_namespace_over_v5(harness: Harness) -> None:
    out, _err, code, status = await harness.call(run_exec, harness.api(), "debugger", ["ps", "aux"])
    lines = out.decode().splitlines()
    assert lines[0] == "PID   USER     TIME  COMMAND"
    assert lines[1].split(None, 3) == ["1", "root", "0:00", "python -m http.server 8080"]
    assert any(line.endswith(" ps aux") for line in lines)
    assert not any("node" in line for line in lines), "the sidecar is in another PID namespace"
    assert code == 0 and status == {"metadata": {}, "status": "Success"}


@pytest.mark.parametrize("protocol", ["v5.channel.k8s.io", "v4.channel.k8s.io"])
async def test_exit_code_on_channel_3(harness: Harness, protocol: str) -> None:
    _out, _err, code, status = await harness.call(run_exec, harness.api(), "debugger", ["sh", "-c", "exit 3"], protocol)
    assert code == 3
    assert status == {
        "metadata": {}, "status": "Failure",
        "message": "command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3",
        "reason": "NonZeroExitCode", "details": {"causes": [{"reason": "ExitCode", "message": "3"}]},
    }


async def test_exec_without_shell_in_distroless_fails_like_the_runtime(harness: Harness) -> None:
    _out, _err, _code, status = await harness.call(run_exec, harness.api(), "sidecar", ["sh"])
    assert status["reason"] == "InternalError" and status["code"] == 500
    assert 'exec: "sh": executable file not found in $PATH: unknown' in status["message"]
    assert status["message"].startswith("Internal error occurred: error executing command in container")


async def test_stdin_and_stderr_without_tty(harness: Harness) -> None:
    out, err, code, _status = await harness.call(
        run_exec, harness.api(), "debugger", ["sh"], None, False, "echo hello $HOSTNAME\nnope\nexit 5\n")
    assert out == b"hello slim-1\n"
    assert err == b"sh: nope: not found\n"
    assert code == 5


async def test_wget_reaches_the_app_over_localhost(harness: Harness) -> None:
    out, err, code, _ = await harness.call(run_exec, harness.api(), "debugger", ["wget", "-O", "-", "localhost:8080"])
    assert b"<title>Directory listing for /</title>" in out
    assert b"Connecting to localhost:8080 (127.0.0.1:8080)" in err
    assert code == 0


async def test_seq_streams_every_byte(harness: Harness) -> None:
    out, _, code, _ = await harness.call(run_exec, harness.api(), "debugger", ["seq", "1", "2000000"])
    assert code == 0
    assert len(out) == 14_888_896
    assert out.endswith(b"1999999\n2000000\n")


async def test_http_errors_before_upgrade(harness: Harness) -> None:
    api = harness.api()
    with pytest.raises(Exception) as missing:
        await harness.call(run_exec, api, "nope", ["ps"])
    assert "400" in str(missing.value)
    pod = slim_pod()
    pod["metadata"]["name"] = "waiting"
    pod["status"]["ephemeralContainerStatuses"] = [{"name": "debugger", "state": {"waiting": {"reason": "ContainerCreating"}}}]
    harness.pods["waiting"] = pod
    _, error, _ = streaming.check_request(pod, "debugger", harness.runtime, "attach",
                                          {"stdin": "true", "stdout": "true"})  # type: ignore[arg-type]
    assert error is not None and error.status == 400
    body = json.loads(error.body)  # type: ignore[arg-type]
    assert body["message"] == 'container "debugger" in pod "waiting" is waiting to start: ContainerCreating'


def open_attach(api: client.CoreV1Api, container: str = "shell") -> Any:
    return stream(api.connect_get_namespaced_pod_attach, "slim-1", "default", container=container, stdin=True,
                  stdout=True, stderr=False, tty=True, _preload_content=False, binary=True)


async def test_attach_resize_cut_and_reattach(harness: Harness) -> None:
    api = harness.api()

    def first_session() -> bytes:
        ws = open_attach(api)
        ws.write_channel(RESIZE_CHANNEL, json.dumps({"Width": 120, "Height": 40}).encode())
        ws.write_stdin(b"stty size\r")
        return read_until(ws, b"40 120\r\n")

    output = await harness.call(first_session)
    assert b"\r/ # \x1b[Kstty size\r\n40 120\r\n" in output, "a resize redraws the prompt"
    assert b"Ephemera demo cluster" not in output, "output from before the attach only went to the logs"
    assert harness.runtime.cut_streams(pod="slim-1", container="shell") == 1
    container = harness.runtime.find("default", "slim-1", "shell")
    assert container is not None and container.running, "a dropped attach does not end the shell"

    def second_session() -> tuple[bytes, int | None]:
        ws = open_attach(api)
        ws.write_stdin(b"echo again\rexit 4\r")
        seen = read_until(ws, b"again\r\n")
        deadline = time.monotonic() + 5
        while ws.is_open() and time.monotonic() < deadline:
            ws.update(timeout=0.2)
        return seen, ws.returncode

    _seen, code = await harness.call(second_session)
    assert code == 0, "attach reports Success when the process ends, like the kubelet"
    await wait_until(lambda: harness.exits == [("default", "slim-1", "shell", 4)])
    assert b"# Ephemera demo cluster" in harness.runtime.logs(harness.pods["slim-1"], "shell")


async def wait_until(predicate: Callable[[], bool], timeout: float = 5) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


@pytest.mark.kubectl
def test_kubectl_debug_then_attach_shows_the_target_processes(demo_cluster: Any, kubectl: str) -> None:
    import subprocess

    def run_kubectl(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([kubectl, "--kubeconfig", str(demo_cluster.kubeconfig_path), *args], input=stdin,
                              capture_output=True, text=True, timeout=30)

    pod = run_kubectl("get", "pods", "-l", "app=slim", "-o", "jsonpath={.items[0].metadata.name}").stdout
    assert pod
    debug = run_kubectl("debug", "--image=busybox", "--target=app", "-it", "--attach=false", "-c", "debugger", pod)
    assert debug.returncode == 0, debug.stderr
    deadline = time.monotonic() + 10
    while "running" not in run_kubectl("get", "pod", pod, "-o",
                                       "jsonpath={.status.ephemeralContainerStatuses[0].state}").stdout:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    attach = run_kubectl("attach", "-i", pod, "-c", "debugger", stdin="ps\nexit\n")
    assert attach.returncode == 0, attach.stderr
    assert "    1 root      0:00 python -m http.server 8080" in attach.stdout
    exec_sh = run_kubectl("exec", pod, "-c", "app", "--", "sh")
    assert exec_sh.returncode == 1
    assert 'exec: "sh": executable file not found in $PATH: unknown' in exec_sh.stderr
