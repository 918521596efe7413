"""exec over WebSocket with the official Python client, collected to the end or read until a needle
(for the demo's tests)."""

from __future__ import annotations

import json
import time
from typing import Any

from kubernetes import client
from kubernetes.stream import stream
from kubernetes.stream.ws_client import ERROR_CHANNEL

from helpers import WAIT_SECONDS


def run_exec(api: client.CoreV1Api, container: str, command: list[str], protocol: str | None = None,
             tty: bool = False, stdin: str | None = None, *, pod: str = "slim-1",
             namespace: str = "default") -> tuple[bytes, bytes, int | None, dict[str, Any]]:
    """(stdout, stderr, exit code, the Status on channel 3); `protocol` forces one WebSocket subprotocol."""
    headers = {"sec-websocket-protocol": protocol} if protocol else None
    ws = stream(api.connect_get_namespaced_pod_exec, pod, namespace, container=container, command=command,
                stdin=stdin is not None, stdout=True, stderr=True, tty=tty, _preload_content=False, binary=True,
                **({"_headers": headers} if headers else {}))
    if stdin is not None:
        ws.write_stdin(stdin.encode())
    out, err = b"", b""
    deadline = time.monotonic() + 10
    while ws.is_open() and time.monotonic() < deadline:
        ws.update(timeout=1)
        out += ws.read_stdout(timeout=0) or b""
        err += ws.read_stderr(timeout=0) or b""
    out += ws.read_stdout(timeout=0) or b""
    err += ws.read_stderr(timeout=0) or b""
    status = json.loads(ws.peek_channel(ERROR_CHANNEL) or b"{}")
    code = ws.returncode if status.get("reason") != "InternalError" else None
    return out, err, code, status


def read_until(ws: Any, needle: bytes, timeout: float = WAIT_SECONDS) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while needle not in seen:
        if time.monotonic() > deadline or not ws.is_open():
            raise AssertionError(f"{needle!r} not seen in {seen[-300:]!r}")
        ws.update(timeout=0.2)
        seen += ws.read_stdout(timeout=0) or b""
    return seen
