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
redacted before writing, in the request and the result (error text included): see `redact`.
"""

from __future__ import annotations

import collections
import errno
import json
import os
import stat
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tui.paths import audit_log_path, ensure_private_dir
from tui.redaction import REDACTED, is_secret_name, redact_args, redact_text

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


def rfc3339_utc(moment: datetime | None = None) -> str:
    """`2025-05-01T12:00:00.123Z`."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def redact(value: Any) -> Any:
    """A copy of `value` (plain JSON, or a string) with secrets replaced by `<redacted>`.

    Applied by `AuditLog.record` to the request and the result (a dict or a line of error text):
    env entries `{"name": "DB_PASSWORD", "value": ...}` and map entries `{"apiToken": ...}` whose
    names are secret (`tui.redaction.is_secret_name`: PASSWORD, PWD, TOKEN, SECRET, *_KEY, KEY_ID,
    CREDENTIAL, AUTH, PAT, COOKIE, DSN...); in command arrays `--password X`, `--token=X`,
    `-u user:pass`, the MySQL clients' `-p`; in every string `Bearer`/`Basic` credentials,
    `Authorization:`/`Cookie:` headers, URL passwords (`scheme://user:<redacted>@host`),
    `NAME=value` for secret names (see `tui.redaction.redact_text`). References such as
    `valueFrom.secretKeyRef` are kept (they hold no secret)."""
    if isinstance(value, dict):
        name = value.get("name")
        secret_env = isinstance(name, str) and is_secret_name(name) and "value" in value
        out: dict[str, Any] = {}
        for key, item in value.items():
            if secret_env and key == "value":
                out[key] = REDACTED
            elif isinstance(key, str) and is_secret_name(key) and isinstance(item, str | int | float) \
                    and not isinstance(item, bool):
                out[key] = REDACTED
            else:
                out[key] = redact(item)
        return out
    if isinstance(value, list):
        return [item if isinstance(item, str) else redact(item) for item in redact_args(value)]
    if isinstance(value, str):
        return redact_text(value)
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
        # what this process recorded through this object, oldest first (written or not): what a
        # session created, for the summary of what stays in the cluster (tui.left_running)
        self.recorded: list[AuditEntry] = []

    def record(self, *, context: str, namespace: str, pod: str, action: str, request: dict[str, Any],
               result: dict[str, Any] | str, ok: bool, time: datetime | None = None) -> AuditEntry:
        """Append one entry (request and result redacted) and return it. Raises OSError when the log
        cannot be written: the caller must tell the user (a change is never made silently)."""
        entry = AuditEntry(time=rfc3339_utc(time), context=context, namespace=namespace, pod=pod, action=action,
                           request=redact(dict(request)), result=redact(result), ok=bool(ok))
        line = (json.dumps(entry.to_json(), ensure_ascii=False, separators=(",", ":"), default=str) + "\n")
        with self._lock:
            self.recorded.append(entry)  # the change was made, whether the log can be written or not
        self._append(line.encode("utf-8"))
        return entry

    def _append(self, data: bytes) -> None:
        with self._lock:
            ensure_private_dir(self.path.parent)
            flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
            try:  # never through a symlink (nor its fchmod: the link's target would become ours to write)
                fd = os.open(self.path, flags | getattr(os, "O_NONBLOCK", 0), 0o600)
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    raise OSError(errno.ELOOP, "is a symbolic link: the audit log is never written through one "
                                               "(remove it)", str(self.path)) from exc
                raise
            try:
                info = os.fstat(fd)
                if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
                    raise OSError(errno.EPERM, "is not a regular file of yours: the audit log is written only "
                                               "to one (remove it)", str(self.path))
                if info.st_mode & 0o077:
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
