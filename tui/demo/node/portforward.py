"""`pods/portforward` over WebSocket, as a v1.32 API server and kubelet serve it.

Two protocols, chosen by the client's `Sec-WebSocket-Protocol`:

- `SPDY/3.1+portforward.k8s.io` (kubectl 1.31+, client-go's `tunneling_dialer.go`): SPDY/3.1
  tunnelled in binary WebSocket messages (`tui.demo.node.spdy`). For every local connection the
  client opens two streams with the headers `streamtype` (`error`, then `data`), `port` and
  `requestid`; the server answers each SYN_STREAM with a SYN_REPLY, copies bytes between the data
  stream and the pod's port, writes a failure as text on the error stream, then closes both
  (empty data frame with FIN). The client pings every 10 s; the server echoes the pings.
- `v4.channel.k8s.io` / `channel.k8s.io` with `?ports=8080,...` (the kubelet's WebSocket
  port-forward, which the Python client uses): per port a data channel `2*i` and an error channel
  `2*i+1`; the server's first frame on each carries the port, 2 bytes little-endian; one
  connection per port, the WebSocket closes when all are done.

Behind a port is the sandbox's `Listener` (`python -m http.server`, nginx, an app's declared
port): the simulated pod speaks HTTP/1.0 (one request, answer, close), as Python's http.server."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import mimetypes
import struct
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tui.demo.api.status import json_response, status_object
from tui.demo.container.processes import Listener, PodSandbox
from tui.demo.node import spdy
from tui.demo.node.runtime import ContainerRuntime, StreamHandle

log = logging.getLogger(__name__)

SPDY_TUNNEL = "SPDY/3.1+portforward.k8s.io"
CHANNEL_PROTOCOLS = ("v4.channel.k8s.io", "channel.k8s.io")
REQUEST_LIMIT = 64 * 1024

Read = Callable[[], Awaitable[bytes | None]]
Write = Callable[[bytes], Awaitable[None]]


def connection_refused(sandbox: PodSandbox, port: int) -> str:
    """containerd's error when nothing listens on the port in the pod's network namespace."""
    sid = sandbox.sandbox_id
    netns = f"/var/run/netns/cni-{sid[:8]}-{sid[8:12]}-{sid[12:16]}-{sid[16:20]}-{sid[20:32]}"
    return (f"error forwarding port {port} to pod {sid}, uid : failed to execute portforward in network "
            f'namespace "{netns}": failed to connect to localhost:{port} inside namespace "{sid}", '
            f"IPv4: dial tcp4 127.0.0.1:{port}: connect: connection refused "
            f"IPv6 dial tcp6 [::1]:{port}: connect: connection refused ")


def _http_date() -> str:
    return time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())


async def http_exchange(listener: Listener, read: Read, write: Write) -> None:
    """One TCP connection to a simulated HTTP server: read a request, answer, close (HTTP/1.0)."""
    request = b""
    while b"\r\n\r\n" not in request and b"\n\n" not in request and len(request) < REQUEST_LIMIT:
        chunk = await read()
        if chunk is None:
            break
        request += chunk
    if not request.strip():
        return
    words = request.split(b"\n", 1)[0].decode("latin-1").split()
    if len(words) not in (2, 3) or (len(words) == 3 and not words[2].startswith("HTTP/")):
        body = b"<html><body><h1>Error response</h1><p>Error code: 400</p></body></html>\n"
        code, reason, method = 400, "Bad request syntax", "GET"
    else:
        method, path = words[0], words[1]
        code, reason, body = await listener.handler(method, path)
    kind = mimetypes.guess_type(words[1] if len(words) > 1 and code == 200 else "")[0] or "text/html"
    head = (f"HTTP/1.0 {code} {reason}\r\nServer: SimpleHTTP/0.6 Python/3.9.2\r\nDate: {_http_date()}\r\n"
            f"Content-type: {kind}; charset=utf-8\r\nContent-Length: {len(body)}\r\n\r\n").encode()
    await write(head + (b"" if method == "HEAD" else body))


async def forward(sandbox: PodSandbox | None, port: int, read: Read, write: Write) -> str | None:
    """Connect to `port` in the pod and serve one connection; the error text when it fails."""
    if sandbox is None:
        return f"error forwarding port {port} to pod: pod sandbox is not running"
    listener = sandbox.listeners.get(port)
    if listener is None:
        return connection_refused(sandbox, port)
    await http_exchange(listener, read, write)
    return None


# ---- SPDY over WebSocket --------------------------------------------------------------------

@dataclass
class _Stream:
    stream_id: int
    headers: dict[str, str]
    inbound: asyncio.Queue[bytes | None] = field(default_factory=asyncio.Queue)
    closed: bool = False
    """Our half is closed (FIN sent) or the stream was reset."""


class SpdyTunnel:
    """One kubectl port-forward session: SPDY streams in a WebSocket, pairs served as connections."""

    def __init__(self, ws: web.WebSocketResponse, sandbox: Callable[[], PodSandbox | None]) -> None:
        self.ws = ws
        self.sandbox = sandbox
        self.conn = spdy.SpdyConnection()
        self.streams: dict[int, _Stream] = {}
        self.pending: dict[str, dict[str, _Stream]] = {}
        self.tasks: set[asyncio.Task[None]] = set()
        self._send_lock = asyncio.Lock()

    async def _send(self, build: Callable[[], bytes]) -> None:
        """Build and send under one lock: header compression is stateful, frames go out in order."""
        async with self._send_lock:
            if self.ws.closed:
                raise ConnectionResetError("port-forward connection closed")
            await self.ws.send_bytes(build())

    async def run(self) -> None:
        try:
            async for message in self.ws:
                if message.type != WSMsgType.BINARY:
                    continue
                for frame in self.conn.feed(message.data):
                    await self._handle(frame)
        except spdy.SpdyError as error:
            log.info("port-forward: %s", error)
        except (ConnectionError, RuntimeError):
            pass
        finally:
            for task in list(self.tasks):
                task.cancel()

    async def _handle(self, frame: spdy.Frame) -> None:
        if isinstance(frame, spdy.Data):
            stream = self.streams.get(frame.stream_id)
            if stream is None:
                return
            if frame.data:
                stream.inbound.put_nowait(frame.data)
            if frame.flags & spdy.FLAG_FIN:
                stream.inbound.put_nowait(None)
            return
        if frame.kind == spdy.SYN_STREAM:
            await self._new_stream(frame)
        elif frame.kind == spdy.RST_STREAM:
            stream = self.streams.pop(frame.stream_id, None)
            if stream is not None:
                stream.closed = True
                stream.inbound.put_nowait(None)
        elif frame.kind == spdy.PING:
            await self._send(lambda: spdy.SpdyConnection.ping(struct.unpack(">I", frame.payload[:4])[0]))
        elif frame.kind == spdy.GOAWAY:
            await self.ws.close()

    async def _new_stream(self, frame: spdy.Control) -> None:
        stream = _Stream(frame.stream_id, frame.headers)
        self.streams[frame.stream_id] = stream
        await self._send(lambda: self.conn.syn_reply(frame.stream_id))
        if frame.flags & spdy.FLAG_FIN:
            stream.inbound.put_nowait(None)
        kind = frame.headers.get("streamtype", "")
        if kind not in ("error", "data"):
            await self._send(lambda: spdy.SpdyConnection.rst_stream(frame.stream_id, spdy.RST_PROTOCOL_ERROR))
            return
        # old clients send no requestid: the error stream is the data stream's id - 2
        request = frame.headers.get("requestid") or str(frame.stream_id + (2 if kind == "error" else 0))
        pair = self.pending.setdefault(request, {})
        pair[kind] = stream
        if len(pair) == 2:
            del self.pending[request]
            task = asyncio.ensure_future(self._serve_pair(pair["data"], pair["error"]))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    async def _write(self, stream: _Stream, data: bytes) -> None:
        for start in range(0, len(data), spdy.MAX_DATA):
            if stream.closed:
                raise ConnectionResetError("stream reset")
            chunk = data[start:start + spdy.MAX_DATA]
            await self._send(lambda chunk=chunk: spdy.SpdyConnection.data(stream.stream_id, chunk))  # type: ignore[misc]

    async def _close(self, stream: _Stream) -> None:
        if not stream.closed:
            stream.closed = True
            await self._send(lambda: spdy.SpdyConnection.data(stream.stream_id, b"", fin=True))

    async def _serve_pair(self, data: _Stream, error: _Stream) -> None:
        port_text = data.headers.get("port", "")
        try:
            port = int(port_text)
            if not 0 < port < 65536:
                raise ValueError(port_text)
        except ValueError:
            failure: str | None = f'invalid port "{port_text}"'
        else:
            try:
                failure = await forward(self.sandbox(), port, data.inbound.get,
                                        lambda payload: self._write(data, payload))
            except ConnectionError:
                failure = None
            except Exception:  # a bug in a simulated server must not leave the client waiting
                log.exception("port-forward to port %s failed", port)
                failure = f"error forwarding port {port} to pod: the simulated server failed"
        with contextlib.suppress(ConnectionError, RuntimeError):
            if failure:
                await self._write(error, failure.encode())
            await self._close(error)
            await self._close(data)
        for done in (data, error):  # frames the client still sends for them (its RST) are ignored
            self.streams.pop(done.stream_id, None)


# ---- the kubelet's channel protocol ---------------------------------------------------------

async def _serve_channels(ws: web.WebSocketResponse, sandbox: PodSandbox | None, ports: list[int]) -> None:
    inbound: list[asyncio.Queue[bytes | None]] = [asyncio.Queue() for _ in ports]
    lock = asyncio.Lock()

    async def send(channel: int, payload: bytes) -> None:
        async with lock:
            await ws.send_bytes(bytes([channel]) + payload)

    for index, port in enumerate(ports):
        prefix = struct.pack("<H", port)
        await send(2 * index, prefix)
        await send(2 * index + 1, prefix)

    async def one(index: int, port: int) -> None:
        try:
            failure = await forward(sandbox, port, inbound[index].get, lambda payload: send(2 * index, payload))
        except (ConnectionError, RuntimeError):
            raise
        except Exception:  # a bug in a simulated server must not leave the client waiting
            log.exception("port-forward to port %s failed", port)
            failure = f"error forwarding port {port} to pod: the simulated server failed"
        if failure:
            await send(2 * index + 1, failure.encode())

    async def read() -> None:
        async for message in ws:
            if message.type == WSMsgType.BINARY and message.data:
                channel = message.data[0]
                if channel % 2 == 0 and channel // 2 < len(ports):
                    inbound[channel // 2].put_nowait(message.data[1:])
        for queue in inbound:
            queue.put_nowait(None)

    reader = asyncio.ensure_future(read())
    try:
        await asyncio.gather(*(one(i, p) for i, p in enumerate(ports)))
        await ws.close()
    except (ConnectionError, RuntimeError):
        pass
    finally:
        reader.cancel()


# ---- the request ----------------------------------------------------------------------------

def _bad_request(message: str) -> web.Response:
    return json_response(status_object(400, message), status=400)


def _offered(request: web.Request) -> list[str]:
    return [p.strip() for p in request.headers.get("Sec-WebSocket-Protocol", "").split(",") if p.strip()]


def _ports(query: Any) -> list[int] | str:
    """The `ports` query of the channel protocol (repeated or comma-separated), or an error."""
    values = [v for raw in query.getall("ports", []) for v in str(raw).split(",") if v.strip()]
    if not values:
        return "query parameter \"port\" is required"
    ports: list[int] = []
    for value in values:
        try:
            port = int(value)
        except ValueError:
            return f'unable to parse "{value}" as a port: strconv.ParseUint: parsing "{value}": invalid syntax'
        if not 0 < port < 65536:
            return f"port {port} must be > 0"
        ports.append(port)
    return ports


async def handle_portforward(request: web.Request, pod: dict[str, Any], runtime: ContainerRuntime) -> web.StreamResponse:
    """Serve one portforward request (the server already did auth, RBAC and the 404)."""
    meta = pod.get("metadata", {})
    namespace, name = meta.get("namespace", "default"), meta.get("name", "")
    if not pod.get("spec", {}).get("nodeName"):
        return _bad_request(f"pod {name} does not have a host assigned")

    def sandbox() -> PodSandbox | None:
        found = runtime.sandboxes.get((namespace, name))
        return found if found is not None and found.uid == meta.get("uid", found.uid) else None

    if sandbox() is None:
        return json_response(status_object(404, f'pod not found ("{name}_{namespace}")'), status=404)
    if request.headers.get("Upgrade", "").lower() != "websocket":
        return _bad_request("the Ephemera demo cluster forwards ports over WebSocket only "
                            f"({SPDY_TUNNEL}, {CHANNEL_PROTOCOLS[0]}); SPDY is not supported "
                            "(kubectl 1.30: set KUBECTL_PORT_FORWARD_WEBSOCKETS=true)")
    offered = _offered(request)
    ports: list[int] = []
    if SPDY_TUNNEL in offered:
        protocol: str | None = SPDY_TUNNEL
    else:  # no subprotocol offered: the legacy channel.k8s.io, answered without one
        protocol = next((p for p in offered if p in CHANNEL_PROTOCOLS), None) if offered else ""
        if protocol is None:
            return _bad_request(f"none of the offered subprotocols is supported: use {SPDY_TUNNEL} "
                                f"or {CHANNEL_PROTOCOLS[0]}")
        parsed = _ports(request.query)
        if isinstance(parsed, str):
            return _bad_request(parsed)
        ports = parsed
    ws = web.WebSocketResponse(protocols=(protocol,) if protocol else (), max_msg_size=0, autoping=True,
                               heartbeat=None)
    await ws.prepare(request)
    transport = request.transport
    handle = StreamHandle(namespace, name, "", abort=lambda: transport.abort() if transport is not None else None)
    runtime.register_stream(handle)
    try:
        if protocol == SPDY_TUNNEL:
            await SpdyTunnel(ws, sandbox).run()
        else:
            await _serve_channels(ws, sandbox(), ports)
    finally:
        runtime.unregister_stream(handle)
    return ws
