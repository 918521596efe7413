"""The audit log: one JSON line per change Ephemera makes to a cluster.

Not the debug "policy audit" (`tui.debug.policy_audit`, dry runs that change nothing).

```python
log = AuditLog()                      # $XDG_STATE_HOME/ephemera/audit.jsonl (tui.paths.audit_log_path)
entry = log.record(context="prod", namespace="shop", pod="web-1", action=EPHEMERAL_CONTAINER_ADDED,
                   request=planned.to_json(),                      # method, path, body (+ query)
                   result={"status": 200, "message": "OK", "created": ["debugger-x7k2p"]}, ok=True)
log.read(limit=200)                   # newest last; corrupt lines skipped, counted in log.skipped_lines
```

A line: `{"time": "2025-05-01T12:00:00.123Z", "context", "namespace", "pod", "action", "request",
"result", "ok"}`. The directory is created 0700 and the file 0600; each entry is one `write` on
an `O_APPEND` descriptor, so concurrent Ephemera processes never interleave lines. Secrets are
redacted before writing: env values and map values whose names contain TOKEN, PASSWORD, PASSWD,
SECRET, CREDENTIAL, API_KEY/APIKEY or AUTHORIZATION, and `--token=...`-style arguments.
"""

from __future__ import annotations

import collections
import json
import os
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tui.paths import audit_log_path

__all__ = [
    "ACTIONS",
    "COPY_CREATED",
    "COPY_DELETED",
    "EPHEMERAL_CONTAINER_ADDED",
    "POD_DELETED",
    "REDACTED",
    "AuditEntry",
    "AuditLog",
    "redact",
    "rfc3339_utc",
]

EPHEMERAL_CONTAINER_ADDED = "ephemeral-container-added"
COPY_CREATED = "copy-created"
COPY_DELETED = "copy-deleted"
POD_DELETED = "pod-deleted"
ACTIONS = (EPHEMERAL_CONTAINER_ADDED, COPY_CREATED, COPY_DELETED, POD_DELETED)  # others are allowed too

REDACTED = "<redacted>"
_SECRET_NAME = re.compile(r"TOKEN|PASSWORD|PASSWD|SECRET|CREDENTIAL|API_?KEY|AUTHORIZATION", re.IGNORECASE)
# `--token=abc`, `DB_PASSWORD=abc`, `Bearer abc` anywhere in a string (e.g. an `sh -c` script);
# `--password abc` as two args: the value after a secret-named flag is redacted too
_SECRET_ASSIGNMENT = re.compile(r"((?<![^\s'\"])-{0,2}[A-Za-z0-9_.\-]*(?:TOKEN|PASSWORD|PASSWD|SECRET|CREDENTIAL|API_?KEY)"
                                r"[A-Za-z0-9_.\-]*=)(?:'[^']*'|\"[^\"]*\"|[^\s'\";&|]+)", re.IGNORECASE)
_BEARER = re.compile(r"(\bBearer\s+)[A-Za-z0-9\-._~+/]+=*", re.IGNORECASE)
_SECRET_FLAG = re.compile(r"^--?[A-Za-z0-9_.\-]*(?:token|password|passwd|secret|credential|api[_-]?key)[A-Za-z0-9_.\-]*$",
                          re.IGNORECASE)


def _redact_text(text: str) -> str:
    return _BEARER.sub(rf"\g<1>{REDACTED}", _SECRET_ASSIGNMENT.sub(rf"\g<1>{REDACTED}", text))


def rfc3339_utc(moment: datetime | None = None) -> str:
    """`2025-05-01T12:00:00.123Z`."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _redact_args(args: list[Any]) -> list[Any]:
    out: list[Any] = []
    hide_next = False
    for arg in args:
        if not isinstance(arg, str):
            out.append(redact(arg))
            hide_next = False
            continue
        if hide_next:
            out.append(REDACTED)
            hide_next = False
            continue
        out.append(_redact_text(arg))
        hide_next = bool(_SECRET_FLAG.match(arg))
    return out


def redact(value: Any) -> Any:
    """A copy of `value` (plain JSON) with secret-looking values replaced by `<redacted>`.

    Env entries `{"name": "DB_PASSWORD", "value": ...}`, map entries `{"apiToken": ...}`, and
    `--token=...` / `--password X` / `API_KEY=...` strings in lists are redacted; references such as
    `valueFrom.secretKeyRef` are kept (they hold no secret)."""
    if isinstance(value, dict):
        name = value.get("name")
        secret_env = isinstance(name, str) and bool(_SECRET_NAME.search(name)) and "value" in value
        out: dict[str, Any] = {}
        for key, item in value.items():
            if secret_env and key == "value":
                out[key] = REDACTED
            elif isinstance(key, str) and _SECRET_NAME.search(key) and isinstance(item, str | int | float) \
                    and not isinstance(item, bool):
                out[key] = REDACTED
            else:
                out[key] = redact(item)
        return out
    if isinstance(value, list):
        return _redact_args(value)
    if isinstance(value, str):
        return _redact_text(value)
    return value


@dataclass(frozen=True)
class AuditEntry:
    """One change made to a cluster."""

    time: str  # RFC 3339, UTC
    context: str
    namespace: str
    pod: str
    action: str  # EPHEMERAL_CONTAINER_ADDED, COPY_CREATED, COPY_DELETED, POD_DELETED, ...
    request: dict[str, Any]  # method, path, body (redacted)
    result: dict[str, Any] | str  # status, message, created names ... or one line of text
    ok: bool

    def to_json(self) -> dict[str, Any]:
        return {"time": self.time, "context": self.context, "namespace": self.namespace, "pod": self.pod,
                "action": self.action, "request": self.request, "result": self.result, "ok": self.ok}

    @classmethod
    def from_json(cls, data: Any) -> AuditEntry:
        """Raises ValueError when `data` is not an entry."""
        if not isinstance(data, dict):
            raise ValueError("not an object")
        try:
            entry = cls(time=str(data["time"]), context=str(data["context"]), namespace=str(data["namespace"]),
                        pod=str(data["pod"]), action=str(data["action"]), request=data.get("request") or {},
                        result=data.get("result", ""), ok=bool(data["ok"]))
        except KeyError as exc:
            raise ValueError(f"missing {exc}") from None
        if not isinstance(entry.request, dict) or not isinstance(entry.result, dict | str):
            raise ValueError("bad request or result")
        return entry

    @property
    def timestamp(self) -> datetime:
        return datetime.fromisoformat(self.time.replace("Z", "+00:00"))

    def summary(self) -> str:
        """One line for a list view: `2025-05-01 12:00:00Z  ok  ephemeral-container-added  prod shop/web-1  201 debugger-x`."""
        detail = self.result
        if isinstance(detail, dict):
            parts = [str(detail[key]) for key in ("status", "message") if detail.get(key) not in (None, "")]
            created = detail.get("created")
            if created:
                parts.append(", ".join(map(str, created)) if isinstance(created, list) else str(created))
            detail = " ".join(parts)
        when = self.time.replace("T", " ")[:19] + "Z"
        return (f"{when}  {'ok' if self.ok else 'FAILED'}  {self.action}  {self.context} "
                f"{self.namespace}/{self.pod}  {detail}").rstrip()


class AuditLog:
    """Appends entries to, and reads them from, one JSON-lines file. Thread-safe."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else audit_log_path()
        self.skipped_lines = 0  # corrupt lines met by the last `read`
        self._lock = threading.Lock()

    def record(self, *, context: str, namespace: str, pod: str, action: str, request: dict[str, Any],
               result: dict[str, Any] | str, ok: bool, time: datetime | None = None) -> AuditEntry:
        """Append one entry (request and result redacted) and return it. Raises OSError when the log
        cannot be written: the caller must tell the user (a change is never made silently)."""
        redacted_result = redact(result) if isinstance(result, dict) else result
        entry = AuditEntry(time=rfc3339_utc(time), context=context, namespace=namespace, pod=pod, action=action,
                           request=redact(dict(request)), result=redacted_result, ok=bool(ok))
        line = (json.dumps(entry.to_json(), ensure_ascii=False, separators=(",", ":"), default=str) + "\n")
        self._append(line.encode("utf-8"))
        return entry

    def _append(self, data: bytes) -> None:
        with self._lock:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
            try:
                if os.fstat(fd).st_mode & 0o077:
                    os.fchmod(fd, 0o600)
                written = os.write(fd, data)  # one write: O_APPEND keeps concurrent lines whole
                while written < len(data):  # only on a full disk / signal; finish the line
                    written += os.write(fd, data[written:])
            finally:
                os.close(fd)

    def read(self, limit: int | None = None) -> list[AuditEntry]:
        """The entries, oldest first (the newest `limit` ones when given). A missing file is empty;
        lines that are not entries (corrupt, truncated) are skipped and counted in `skipped_lines`."""
        keep: collections.deque[AuditEntry] = collections.deque(maxlen=limit)
        skipped = 0
        try:
            handle = self.path.open("rb")
        except FileNotFoundError:
            self.skipped_lines = 0
            return []
        with handle:
            for raw in handle:
                if not raw.strip():
                    continue
                try:
                    keep.append(AuditEntry.from_json(json.loads(raw)))
                except (ValueError, UnicodeDecodeError):
                    skipped += 1
        self.skipped_lines = skipped
        return list(keep)
