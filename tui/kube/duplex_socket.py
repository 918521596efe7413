"""One attach/exec WebSocket read by one thread and written by another, never both at once.

A TLS connection is one OpenSSL `SSL` object, and OpenSSL forbids using one from two threads at a
time; Python's `ssl` releases the GIL around `SSL_read` and `SSL_write` and adds no lock of its own.
A reader blocked in `recv` while a writer sent stdin (a copy in, keys in a pane) could corrupt the
stream: about one copy in a hundred under load had its connection dropped by the server (close code
1006) before the exit status.

`DuplexSocket` waits for data outside its lock (`select` on the socket, or bytes TLS already
decrypted), then reads one frame inside the lock with a short socket timeout, so a writer waits at
most one slice; a partial frame is kept by websocket-client and completed on the next read. Sends
and pings take the same lock. `abort()` (a shutdown of the socket, from any thread) ends a waiting
read at once.
"""

from __future__ import annotations

import select
import socket
import threading
from typing import Any

from websocket import WebSocketTimeoutException

__all__ = ["READ_SLICE", "DuplexSocket"]

READ_SLICE = 0.05  # seconds a read holds the lock when a frame is still incomplete


class DuplexSocket:
    """`sock`: a websocket-client `WebSocket` (the `.sock` of the client's WSClient)."""

    def __init__(self, sock: Any) -> None:
        self.sock = sock
        self._lock = threading.Lock()
        sock.lock = threading.Lock()  # websocket-client's own send lock (its pongs from recv, our sends)

    def _raw(self) -> Any:
        return getattr(self.sock, "sock", None)

    def _wait_readable(self, timeout: float | None) -> bool:
        raw = self._raw()
        if raw is None:
            return True  # closed: the read says so
        pending = getattr(raw, "pending", None)
        if pending is not None and pending() > 0:
            return True  # TLS holds decrypted bytes the socket no longer signals
        try:
            ready, _, _ = select.select([raw], [], [], timeout)
        except (OSError, ValueError):
            return True  # closed under us: the read raises
        return bool(ready)

    def recv_data_frame(self, timeout: float | None = None) -> tuple[int, Any]:
        """The next data or close frame (`recv_data_frame(True)` of websocket-client: pings are
        answered). `timeout`: seconds without any byte before `WebSocketTimeoutException`."""
        while True:
            if not self._wait_readable(timeout):
                raise WebSocketTimeoutException(f"no frame for {timeout} s")
            with self._lock:
                raw = self._raw()
                previous = raw.gettimeout() if raw is not None else None
                if raw is not None:
                    raw.settimeout(READ_SLICE)
                try:
                    frame: tuple[int, Any] = self.sock.recv_data_frame(True)
                    return frame
                except WebSocketTimeoutException:
                    continue  # bytes came but not a whole frame yet: the writer's turn, then the rest
                finally:
                    if raw is not None and self._raw() is raw:
                        try:
                            raw.settimeout(previous)
                        except OSError:
                            pass

    def send_binary(self, data: bytes) -> None:
        with self._lock:
            self.sock.send_binary(data)

    def ping(self) -> None:
        with self._lock:
            self.sock.ping()

    def send_close(self) -> None:
        """The close frame (normal closure): the server ends the stream."""
        with self._lock:
            self.sock.send_close()

    def abort(self) -> None:
        """Shut the connection down without a close frame (any thread): a waiting read ends."""
        raw = self._raw()
        if raw is None:
            return
        try:
            raw.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def close(self) -> None:
        try:
            self.sock.close()
        except Exception:  # noqa: BLE001 - closing is best effort
            pass
