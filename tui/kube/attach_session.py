"""AttachSession: one interactive attach/exec stream to a container, off the UI thread.

The WebSocket upgrade is `tui.kube.requests.open_websocket` (the request serialized there, sent by
the official client's WebSocket transport: auth, TLS, proxy, `v5.channel.k8s.io` with `v4`
fallback), with ONE new ApiClient per session. After the upgrade the session reads and writes the
frames itself:

* a reader thread hands stdout/stderr bytes to `on_output` as they arrive and turns channel 3's
  Status into an exit code;
* stdin and resizes go through a queue drained by a writer thread, so `write()` and `resize()`
  never block the caller (the UI thread);
* an idle connection is pinged every `PING_INTERVAL` seconds; one silent for `DEAD_AFTER` seconds
  is "lost" (a half-open TCP connection never reports an error by itself);
* the first resize is one column wider than the real size, then the real size, as kubectl does,
  so the shell redraws its prompt;
* `on_status` gets a `SessionStatus` at each change: connecting, live, ended (with the exit code
  when the process ended), lost (the connection dropped: the process may still be running and can
  be re-attached) or failed (the upgrade was refused: 400 not running, 404 pod gone, 403 ...).

Callbacks run on the session's threads: a UI must hop to its own thread (Textual: post_message).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

from websocket import ABNF

from tui.kube.duplex_socket import DuplexSocket
from tui.kube.errors import ClusterError, describe_exception
from tui.kube.requests import get_json, open_websocket
from tui.kube.stream_protocol import (
    CLOSE,
    ERROR,
    RESIZE,
    STDERR,
    STDIN,
    STDOUT,
    V5_PROTOCOL,
    frame,
    parse_exit_status,
    resize_payload,
)

if TYPE_CHECKING:
    from tui.kube.connection import ClusterConnection

__all__ = ["AttachSession", "SessionState", "SessionStatus"]

SessionState = Literal["connecting", "live", "ended", "lost", "failed"]

CLOSE_WAIT = 1.0  # seconds close() waits for the server's close frame
# A connection that went silent (VPN down, laptop asleep, a NAT forgetting it) sends no error:
# ping the server when idle (as kubectl does) and call the connection lost after DEAD_AFTER
# seconds without any frame, pongs included.
PING_INTERVAL = 5.0
DEAD_AFTER = 30.0
EXIT_STATUS_WAIT = 5.0  # seconds to wait for the kubelet to record an attached container's exit
_SEND_CLOSE = object()  # in the outbox: the writer sends the close frame and stops


def _container_state(pod: dict[str, Any], name: str) -> dict[str, Any]:
    status = pod.get("status") or {}
    for key in ("ephemeralContainerStatuses", "containerStatuses", "initContainerStatuses"):
        for entry in status.get(key) or []:
            if entry.get("name") == name:
                return dict(entry.get("state") or {})
    return {}


@dataclass(frozen=True, slots=True)
class SessionStatus:
    """The session's state for a status badge.

    - connecting: the WebSocket upgrade is under way
    - live: attached; output flows
    - ended: the process ended (`exit_code` set), or the stream was closed cleanly (by `close()`
      or by the server without a status, `exit_code` None)
    - lost: the connection dropped without an exit status ("connection lost"): re-attach
    - failed: the upgrade was refused or the server was unreachable; `message` says why and `error`
      holds the `ClusterError`
    """

    state: SessionState
    exit_code: int | None = None
    message: str = ""
    error: ClusterError | None = None

    @property
    def finished(self) -> bool:
        return self.state in ("ended", "lost", "failed")


class AttachSession:
    """An attach (or exec) session to one container. Call `start()`, then `write()`/`resize()`."""

    def __init__(
        self,
        connection: ClusterConnection,
        namespace: str,
        pod: str,
        container: str,
        *,
        kind: Literal["attach", "exec"] = "attach",
        command: Sequence[str] | None = None,
        tty: bool = True,
        stdin: bool = True,
        on_output: Callable[[bytes], None],
        on_status: Callable[[SessionStatus], object],  # its return value is ignored
        cols: int | None = None,
        rows: int | None = None,
    ) -> None:
        if kind not in ("attach", "exec"):
            raise ValueError(f"kind must be 'attach' or 'exec', not {kind!r}")
        if kind == "exec" and not command:
            raise ValueError("exec needs a command")
        self.connection = connection
        self.namespace = namespace
        self.pod = pod
        self.container = container
        self.kind = kind
        self.command = list(command or [])
        self.tty = tty
        self.stdin = stdin
        self._on_output = on_output
        self._on_status = on_status
        self._size: tuple[int, int] | None = (cols, rows) if cols and rows else None
        self._sending_resizes = False  # set once the socket is open: `resize` then sends at once
        # What the writer sends: frames, `_SEND_CLOSE` (the close frame, then stop), None (stop).
        self._outbox: queue.SimpleQueue[tuple[int, bytes] | object | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._status = SessionStatus("connecting")
        self._closing = threading.Event()
        self._ws: Any = None  # kubernetes.stream.ws_client.WSClient
        self._duplex: DuplexSocket | None = None  # its socket, shared by the reader and the writer
        self._api_client: Any = None
        self._reader: threading.Thread | None = None
        self._writer: threading.Thread | None = None
        self.subprotocol: str | None = None
        self.bytes_received = 0
        self._last_frame = 0.0  # time.monotonic() since when the reader waits for a frame (pongs count)
        self._silent_for = 0.0  # set when the connection was cut for silence

    def __repr__(self) -> str:
        return (f"AttachSession({self.kind} {self.namespace}/{self.pod} -c {self.container}, "
                f"state={self._status.state})")

    # -- public API ----------------------------------------------------------------------------
    @property
    def status(self) -> SessionStatus:
        return self._status

    @property
    def title(self) -> str:
        return f"{self.pod}/{self.container}"

    def start(self) -> None:
        """Connect in the background; `on_status` reports live or failed."""
        if self._reader is not None:
            raise RuntimeError("an AttachSession starts once; make a new one to re-attach")
        self._reader = threading.Thread(target=self._run, name=f"attach-read {self.title}", daemon=True)
        self._reader.start()

    def write(self, data: bytes) -> None:
        """Send bytes to the process's stdin (never blocks; dropped once the session is over)."""
        if data and self.stdin and not self._status.finished:
            self._outbox.put((STDIN, data))

    def resize(self, cols: int, rows: int) -> None:
        """Tell the process the terminal's size (channel 4). Before `live` it is kept for the start."""
        if cols <= 0 or rows <= 0:
            return
        with self._lock:
            self._size = (cols, rows)
            send = self._sending_resizes
        if send and self.tty:
            self._outbox.put((RESIZE, resize_payload(cols, rows)))

    def close(self, timeout: float = CLOSE_WAIT) -> None:
        """End the stream (the process itself keeps running for attach). Idempotent."""
        self._closing.set()
        # The writer sends the close frame: it alone writes to the socket besides the reader's
        # pongs, under DuplexSocket's lock (never this thread: a blocked send would freeze the UI).
        self._outbox.put(_SEND_CLOSE)
        duplex = self._duplex
        reader = self._reader
        if reader is not None and reader is not threading.current_thread():
            reader.join(timeout)
            if reader.is_alive() and duplex is not None:
                duplex.abort()
                reader.join(timeout)
        if reader is None:
            self._set_status(SessionStatus("ended", message="closed"))

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the session is over; True if it is."""
        reader = self._reader
        if reader is None:
            return self._status.finished
        reader.join(timeout)
        return not reader.is_alive()

    # -- threads -------------------------------------------------------------------------------
    def _set_status(self, status: SessionStatus) -> None:
        with self._lock:
            if self._status.finished:
                return
            self._status = status
        try:
            self._on_status(status)
        except Exception:  # noqa: BLE001 - a UI callback must not kill the session
            pass

    def _connect(self) -> Any:
        """The WebSocket upgrade, sent by tui.kube.requests (ClusterError when refused)."""
        self._api_client = self.connection.new_api_client()
        query: list[tuple[str, Any]] = [("command", self.command)] if self.kind == "exec" else []
        query += [("container", self.container), ("stderr", not self.tty), ("stdin", self.stdin), ("stdout", True),
                  ("tty", self.tty)]
        path = f"/api/v1/namespaces/{quote(self.namespace, safe='')}/pods/{quote(self.pod, safe='')}/{self.kind}"
        return open_websocket(self.connection, path, query, client=self._api_client)

    def _run(self) -> None:
        self._set_status(SessionStatus("connecting", message=f"{self.kind} {self.title}"))
        try:
            ws = self._connect()
        except Exception as exc:  # noqa: BLE001 - every failure becomes a one-line message
            error = self._describe(exc)
            self._set_status(SessionStatus("failed", message=error.message, error=error))
            self._close_client()
            return
        self._ws = ws
        # The reader (frames, its pongs) and the writer (stdin, resizes, pings, the close frame)
        # share one TLS connection: DuplexSocket keeps them from using it at the same time.
        duplex = self._duplex = DuplexSocket(ws.sock)
        self.subprotocol = ws.subprotocol
        if self._closing.is_set():
            duplex.abort()
            self._set_status(SessionStatus("ended", message="closed"))
            self._close_client()
            return
        with self._lock:
            # Atomically with `resize`: a size set from here on is sent by `resize` itself, one set
            # before is in `size` (a resize between the two used to be lost: the shell kept the old size).
            size = self._size
            self._sending_resizes = True
            if size is not None and self.tty:
                # As kubectl: one column more first, then the real size, so the shell redraws its prompt.
                cols, rows = size
                self._outbox.put((RESIZE, resize_payload(cols + 1, rows)))
                self._outbox.put((RESIZE, resize_payload(cols, rows)))
        self._writer = threading.Thread(target=self._write_loop, args=(duplex,), name=f"attach-write {self.title}",
                                        daemon=True)
        self._writer.start()
        self._set_status(SessionStatus("live", message=f"{self.kind} {self.title}"))
        final = self._read_loop(duplex)
        if self.kind == "attach" and final.state == "ended" and not self._closing.is_set():
            final = self._attach_exit_status(final)
        self._outbox.put(None)
        duplex.abort()
        self._writer.join(CLOSE_WAIT)
        try:
            ws.sock.shutdown()
        except Exception:  # noqa: BLE001 - closing is best effort
            pass
        self._set_status(final)
        self._close_client()

    def _read_loop(self, sock: DuplexSocket) -> SessionStatus:
        on_output = self._on_output
        exit_status = None
        status_payload = b""
        try:
            while True:
                # Silence counts from here: time spent handing output to the UI is not silence.
                self._last_frame = time.monotonic()
                opcode, message = sock.recv_data_frame()
                if opcode == ABNF.OPCODE_CLOSE:
                    break
                if opcode not in (ABNF.OPCODE_BINARY, ABNF.OPCODE_TEXT):
                    continue
                data = message.data
                if isinstance(data, str):
                    data = data.encode("utf-8")
                if not data:
                    continue
                channel = data[0]
                if channel == STDOUT or channel == STDERR:
                    payload = data[1:]
                    if payload:
                        self.bytes_received += len(payload)
                        on_output(payload)
                elif channel == ERROR:
                    status_payload += data[1:]
                    if status_payload:
                        exit_status = parse_exit_status(status_payload)
                elif channel == CLOSE and self.subprotocol == V5_PROTOCOL:
                    continue
        except Exception as exc:  # noqa: BLE001 - a dropped socket ends up here
            if self._silent_for and exit_status is None and not self._closing.is_set():
                return SessionStatus("lost", message=f"connection lost: no answer from the server for "
                                                     f"{self._silent_for:.0f} s (pings unanswered)")
            if exit_status is None and not self._closing.is_set():
                return SessionStatus("lost", message=f"connection lost: {self._describe(exc).message}")
        if exit_status is not None:
            return SessionStatus("ended", exit_code=exit_status.exit_code, message=exit_status.message)
        if self._closing.is_set():
            return SessionStatus("ended", message="closed")
        return SessionStatus("lost", message="connection lost: the server closed the stream without an exit status")

    def _attach_exit_status(self, final: SessionStatus) -> SessionStatus:
        """Attach reports Success whatever the exit code (as the kubelet does): read the container's
        terminated state from the pod instead, waiting a little for the kubelet to record it."""
        path = f"/api/v1/namespaces/{self.namespace}/pods/{self.pod}"
        deadline = time.monotonic() + EXIT_STATUS_WAIT
        api = self.connection.new_api_client()
        try:
            while not self._closing.is_set():
                try:
                    pod = get_json(self.connection, path, client=api)
                except Exception:  # noqa: BLE001 - keep what the stream said
                    return final
                state = _container_state(pod, self.container)
                terminated = state.get("terminated")
                if terminated is not None:
                    code = int(terminated.get("exitCode", 0))
                    reason = terminated.get("reason") or ""
                    message = f"exited with code {code}" + (f" ({reason})" if reason else "")
                    return SessionStatus("ended", exit_code=code, message=message)
                if time.monotonic() > deadline:
                    if "running" in state:
                        return SessionStatus("ended", message="the attach stream ended; the container is still running")
                    return final
                time.sleep(0.05)
        finally:
            api.close()
        return final

    def _write_loop(self, sock: DuplexSocket) -> None:
        self._last_frame = time.monotonic()
        while True:
            idle = False
            try:
                item = self._outbox.get(timeout=PING_INTERVAL)
            except queue.Empty:
                item, idle = None, True
            silent = time.monotonic() - self._last_frame
            if silent >= DEAD_AFTER and not self._closing.is_set():
                # Nothing came back, not even a pong: cut the socket; the reader reports it lost.
                self._silent_for = silent
                sock.abort()
                return
            if idle:
                try:
                    sock.ping()  # idle: the pong (or its absence) tells the reader the connection lives
                except Exception:  # noqa: BLE001 - the reader notices the dropped socket
                    return
                continue
            if item is None:
                return
            if item is _SEND_CLOSE:
                try:
                    sock.send_close()
                except Exception:  # noqa: BLE001 - the socket may be gone already
                    pass
                return
            assert isinstance(item, tuple)
            channel, data = item
            try:
                sock.send_binary(frame(channel, data))
            except Exception:  # noqa: BLE001 - the reader notices the dropped socket
                return

    def _describe(self, exc: BaseException) -> ClusterError:
        describe = getattr(self.connection, "describe", None)
        if describe is not None:
            return describe(exc)
        return describe_exception(exc)

    def _close_client(self) -> None:
        client, self._api_client = self._api_client, None
        if client is not None:
            try:
                client.close()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass
