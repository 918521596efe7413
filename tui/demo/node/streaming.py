"""`pods/attach` and `pods/exec` over WebSocket, as the kubelet serves them.

Subprotocols `v5.channel.k8s.io` (adds the close signal, channel 255), `v4.channel.k8s.io`
(JSON `Status` on channel 3) and the legacy `channel.k8s.io` (plain-text errors). Every binary
frame starts with its channel: 0 stdin, 1 stdout, 2 stderr, 3 status, 4 resize, 255 close.
Plain HTTP errors (400) are answered before the upgrade."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from typing import Any

from aiohttp import WSMsgType, web

from tui.demo.api.status import json_response, status_object
from tui.demo.container.processes import Container
from tui.demo.node.runtime import (
    CONTAINER_KINDS,
    ContainerRuntime,
    ExecError,
    StreamHandle,
)

log = logging.getLogger(__name__)

V5 = "v5.channel.k8s.io"
V4 = "v4.channel.k8s.io"
V1 = "channel.k8s.io"
SUPPORTED = (V5, V4, V1)
STDIN, STDOUT, STDERR, ERROR, RESIZE, CLOSE = 0, 1, 2, 3, 4, 255
FRAME_LIMIT = 32 * 1024


def _flag(query: Any, name: str) -> bool:
    return str(query.get(name, "")).lower() in ("true", "1", "yes")


def _bad_request(message: str) -> web.Response:
    return json_response(status_object(400, message), status=400)


def success_status() -> dict[str, Any]:
    return {"metadata": {}, "status": "Success"}


def exit_code_status(command: list[str], code: int) -> dict[str, Any]:
    """What the kubelet (containerd) writes on channel 3 when the command exits non-zero."""
    return {
        "metadata": {},
        "status": "Failure",
        "message": f"command terminated with non-zero exit code: error executing command "
                   f"[{' '.join(command)}], exit code {code}",
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]},
    }


def internal_error_status(error: str) -> dict[str, Any]:
    """`apierrors.NewInternalError`, as the kubelet reports a failed exec start."""
    return {
        "metadata": {},
        "status": "Failure",
        "message": f"Internal error occurred: {error}",
        "reason": "InternalError",
        "details": {"causes": [{"message": error}]},
        "code": 500,
    }


def exec_start_error(runtime_message: str) -> str:
    exec_id = secrets.token_hex(32)
    return (f"error executing command in container: failed to exec in container: failed to start exec "
            f'"{exec_id}": OCI runtime exec failed: exec failed: unable to start container process: '
            f"{runtime_message}")


def _container_names(pod: dict[str, Any], kind: str) -> list[str]:
    return [c.get("name", "") for c in pod.get("spec", {}).get(kind) or []]


def _container_state(pod: dict[str, Any], name: str) -> dict[str, Any] | None:
    status = pod.get("status", {})
    for field in ("containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"):
        for entry in status.get(field) or []:
            if entry.get("name") == name:
                return entry.get("state") or {}
    return None


def check_request(pod: dict[str, Any], container: str | None, runtime: ContainerRuntime,
                  kind: str, query: Any) -> tuple[Container | None, web.Response | None, str]:
    """The API server's and kubelet's checks before the upgrade: (container, error, name)."""
    pod_name = pod.get("metadata", {}).get("name", "")
    namespace = pod.get("metadata", {}).get("namespace", "default")
    name = container or ""
    if not name:
        regular = _container_names(pod, "containers")
        if len(regular) == 1:
            name = regular[0]
        else:
            message = f"a container name must be specified for pod {pod_name}, choose one of: [{' '.join(regular)}]"
            init = _container_names(pod, "initContainers")
            if init:
                message += f" or one of the init containers: [{' '.join(init)}]"
            ephemeral = _container_names(pod, "ephemeralContainers")
            if ephemeral:
                message += f" or one of the ephemeral containers: [{' '.join(ephemeral)}]"
            return None, _bad_request(message), name
    if not any(name in _container_names(pod, k) for k in CONTAINER_KINDS):
        return None, _bad_request(f"container {name} is not valid for pod {pod_name}"), name
    if kind == "exec" and not query.getall("command", []):
        return None, _bad_request("you must specify at least one command for the container"), name
    if not any(_flag(query, f) for f in ("stdin", "stdout", "stderr")):
        return None, _bad_request("you must specify at least 1 of stdin, stdout, stderr"), name
    state = _container_state(pod, name) or {}
    found = runtime.find(namespace, pod_name, name)
    if "waiting" in state or not state:
        reason = (state.get("waiting") or {}).get("reason", "ContainerCreating")
        return None, _bad_request(f'container "{name}" in pod "{pod_name}" is waiting to start: {reason}'), name
    if "terminated" in state or found is None or not found.running:
        return None, _bad_request(f'container "{name}" in pod "{pod_name}" is not running: '
                                  f'container not found ("{name}")'), name
    return found, None, name


def choose_protocol(request: web.Request) -> str | None:
    offered = [p.strip() for p in request.headers.get("Sec-WebSocket-Protocol", "").split(",") if p.strip()]
    if not offered:
        return V1
    for protocol in offered:
        if protocol in SUPPORTED:
            return protocol
    return None


class WebSocketSink:
    """Output of a process to one client: channel byte + payload, in frames of at most 32 KiB.

    Only the output channels the client asked for (`stdout=`, `stderr=`) are sent, as the kubelet
    connects no stream it was not asked for: client-go creates a stream per requested channel and
    logs `Unknown stream id 2, discarding message` for a frame on any other (and so does any
    frame that reaches an older client before it has created its streams)."""

    def __init__(self, ws: web.WebSocketResponse, channels: frozenset[int] = frozenset({STDOUT, STDERR})) -> None:
        self.ws = ws
        self.channels = channels

    async def send(self, channel: int, data: bytes) -> None:
        if self.ws.closed:
            raise ConnectionResetError("stream closed")
        if channel not in self.channels:
            return
        prefix = bytes([channel])
        for start in range(0, len(data), FRAME_LIMIT):
            await self.ws.send_bytes(prefix + data[start:start + FRAME_LIMIT])


async def _send_status(ws: web.WebSocketResponse, protocol: str, status: dict[str, Any]) -> None:
    if ws.closed:
        return
    if protocol in (V4, V5):
        payload = json.dumps(status, separators=(",", ":")).encode()
    elif status.get("status") == "Success":
        return
    else:
        payload = str(status.get("message", "")).encode()
    with contextlib.suppress(ConnectionError, RuntimeError):
        await ws.send_bytes(bytes([ERROR]) + payload)


def _resize(payload: bytes) -> tuple[int, int] | None:
    try:
        size = json.loads(payload)
        return int(size.get("Width", 0)), int(size.get("Height", 0))
    except (ValueError, AttributeError, TypeError):
        return None


async def handle_stream(request: web.Request, kind: str, pod: dict[str, Any], container: str | None,
                        runtime: ContainerRuntime) -> web.StreamResponse:
    """Serve one attach or exec request (the server already did auth, RBAC and the 404)."""
    query = request.query
    found, error, name = check_request(pod, container or query.get("container"), runtime, kind, query)
    if error is not None:
        return error
    assert found is not None
    if request.headers.get("Upgrade", "").lower() != "websocket":
        return _bad_request("the Ephemera demo cluster streams attach/exec over WebSocket only "
                            f"({V5}, {V4}); SPDY is not supported")
    protocol = choose_protocol(request)
    if protocol is None:
        return _bad_request(f"none of the offered subprotocols is supported: use {V5} or {V4}")
    ws = web.WebSocketResponse(protocols=(protocol,) if protocol != V1 else (), max_msg_size=0,
                               autoping=True, heartbeat=None)
    await ws.prepare(request)
    stdin, tty = _flag(query, "stdin"), _flag(query, "tty")
    wanted = {channel for channel, name in ((STDOUT, "stdout"), (STDERR, "stderr")) if _flag(query, name)}
    if tty and STDERR in wanted:  # a terminal has one output stream: stderr arrives on stdout
        wanted = (wanted - {STDERR}) | {STDOUT}
    sink = WebSocketSink(ws, frozenset(wanted))
    transport = request.transport
    meta = pod.get("metadata", {})
    handle = StreamHandle(meta.get("namespace", "default"), meta.get("name", ""), name,
                          abort=lambda: transport.abort() if transport is not None else None)
    runtime.register_stream(handle)
    try:
        if kind == "attach":
            await _attach(ws, protocol, found, runtime, sink, stdin, tty)
        else:
            await _exec(ws, protocol, found, runtime, sink, query.getall("command"), stdin, tty)
    finally:
        runtime.unregister_stream(handle)
    return ws


async def _read_client(ws: web.WebSocketResponse, protocol: str, feed: Any, resize: Any,
                       close_stdin: Any) -> None:
    async for message in ws:
        if message.type == WSMsgType.TEXT:  # the Python client writes str data as text frames
            data = message.data.encode()
        elif message.type == WSMsgType.BINARY:
            data = message.data
        else:
            continue
        if not data:
            continue
        channel, payload = data[0], data[1:]
        if channel == STDIN:
            feed(payload)
        elif channel == RESIZE:
            size = _resize(payload)
            if size is not None:
                resize(*size)
        elif channel == CLOSE and protocol == V5 and payload[:1] == bytes([STDIN]):
            close_stdin()


async def _attach(ws: web.WebSocketResponse, protocol: str, container: Container, runtime: ContainerRuntime,
                  sink: WebSocketSink, stdin: bool, tty: bool) -> None:
    io = container.io
    assert io is not None
    accept_input = stdin and container.stdin
    runtime.attach(container, sink)
    reader = asyncio.ensure_future(_read_client(
        ws, protocol,
        feed=io.feed if accept_input else (lambda data: None),
        resize=io.resize if tty and container.tty else (lambda cols, rows: None),
        close_stdin=lambda: None,
    ))
    exited = asyncio.ensure_future(container.exited.wait())
    try:
        await asyncio.wait({reader, exited}, return_when=asyncio.FIRST_COMPLETED)
        if exited.done() and not ws.closed:
            await _send_status(ws, protocol, success_status())
            await ws.close()
    finally:
        runtime.detach(container, sink, had_stdin=accept_input)
        for task in (reader, exited):
            task.cancel()


async def _exec(ws: web.WebSocketResponse, protocol: str, container: Container, runtime: ContainerRuntime,
                sink: WebSocketSink, command: list[str], stdin: bool, tty: bool) -> None:
    try:
        session = runtime.exec(container, command, tty=tty, stdin=stdin, sink=sink)
    except ExecError as error:
        await _send_status(ws, protocol, internal_error_status(exec_start_error(str(error))))
        await ws.close()
        return
    reader = asyncio.ensure_future(_read_client(
        ws, protocol, feed=session.io.feed if stdin else (lambda data: None),
        resize=session.io.resize if tty else (lambda cols, rows: None),
        close_stdin=session.io.close_stdin,
    ))
    try:
        await asyncio.wait({reader, session.task}, return_when=asyncio.FIRST_COMPLETED)
        if session.task.done():
            if session.task.cancelled():
                code = 137
            elif session.task.exception() is not None:
                log.error("exec %s crashed", command, exc_info=session.task.exception())
                code = 1
            else:
                code = session.task.result()
            await _send_status(ws, protocol, success_status() if code == 0 else exit_code_status(command, code))
            with contextlib.suppress(ConnectionError, RuntimeError):
                await ws.close()
        else:  # the client went away: the session's processes get SIGHUP
            session.task.cancel()
    finally:
        reader.cancel()
