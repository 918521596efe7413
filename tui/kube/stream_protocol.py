"""The Kubernetes remote-command WebSocket protocol (v4/v5.channel.k8s.io): channels and status.

Every frame starts with one channel byte. Channel 3 carries a `Status` JSON when the process ends
(`Success`, or `Failure` with reason `NonZeroExitCode` and `details.causes[{reason: ExitCode,
message: "<n>"}]`); channel 4 takes `{"Width": cols, "Height": rows}`; channel 255 (v5 only)
announces that the other side closed a channel.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CLOSE",
    "ERROR",
    "RESIZE",
    "STDERR",
    "STDIN",
    "STDOUT",
    "V4_PROTOCOL",
    "V5_PROTOCOL",
    "ExitStatus",
    "frame",
    "parse_exit_status",
    "resize_payload",
]

STDIN = 0
STDOUT = 1
STDERR = 2
ERROR = 3
RESIZE = 4
CLOSE = 255

V4_PROTOCOL = "v4.channel.k8s.io"
V5_PROTOCOL = "v5.channel.k8s.io"


@dataclass(frozen=True, slots=True)
class ExitStatus:
    """What channel 3 said: an exit code when the process ended, else the failure message."""

    exit_code: int | None
    message: str

    @property
    def success(self) -> bool:
        return self.exit_code == 0


def parse_exit_status(payload: bytes | str) -> ExitStatus:
    """Channel 3's `Status` JSON -> exit code (0 for Success) and a message."""
    if isinstance(payload, bytes):
        payload = payload.decode("utf-8", "replace")
    try:
        status: Any = json.loads(payload)
    except ValueError:
        text = " ".join(payload.split())
        return ExitStatus(None, text or "the stream reported an unreadable status")
    if not isinstance(status, dict):
        return ExitStatus(None, "the stream reported an unreadable status")
    if status.get("status") == "Success":
        return ExitStatus(0, "exited with code 0")
    message = " ".join(str(status.get("message") or "").split())
    if status.get("reason") == "NonZeroExitCode":
        details = status.get("details") or {}
        for cause in details.get("causes") or []:
            if isinstance(cause, dict) and cause.get("reason") == "ExitCode":
                try:
                    code = int(str(cause.get("message", "")).strip())
                except ValueError:
                    break
                return ExitStatus(code, f"exited with code {code}")
    return ExitStatus(None, message or f"the stream ended with {status.get('reason') or 'a failure'}")


def resize_payload(cols: int, rows: int) -> bytes:
    """The channel-4 message for a terminal of `cols` x `rows` cells."""
    return json.dumps({"Width": int(cols), "Height": int(rows)}, separators=(",", ":")).encode()


def frame(channel: int, data: bytes) -> bytes:
    """One binary WebSocket message on `channel`."""
    return bytes((channel,)) + data
