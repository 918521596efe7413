"""Copy files out of (and into) a container through a debugger (`ephemera cp`, the inspector's copy key).

The plan (which debugger, the `sh -c` scripts, the checksum rule) is `tui.debug.file_copy`; this
module runs it: each step is one non-tty `exec` in the debugger over the one WebSocket path
(`tui.kube.requests.open_websocket`, frames of `tui.kube.stream_protocol`), stdout and stderr kept
apart, stdin streamed from the local file and half-closed on `v5.channel.k8s.io` (the write
command stops after the file's size anyway, so `v4` works too).

- `copy_out(conn, pod, target, remote, local, ...)`: a file is `cat` into `local` (written as a
  private file: 0600, never through a symlink, `tui.paths`), a directory is `tar` (the debugger needs
  tar) unpacked under `local` (tarfile's `data` filter: no absolute paths, no `..`, no links out);
- `plan_copy_in(conn, pod, target, local, remote, ...)`: a copy in's pre-flight before anything is
  written: RBAC (a SelfSubjectAccessReview of create pods/exec in the namespace, asked as the debug
  pre-flight asks, `tui.kube.debug_runner`; a "no" refuses), then the probe of the destination
  through the debugger (exec has no server dry run: the probe is the dry run). `CopyInPlan.exists`:
  an existing file would be overwritten, so the caller asks first (`CopyInPlan.question`);
- `copy_in(conn, pod, target, local, remote, ..., plan=, overwrite=)`: the local file's bytes into
  `remote` (a change to the cluster: one audit log line, `tui.audit_log`, whatever the outcome); it
  refuses to replace an existing file unless `overwrite=True` (the user said yes).

`on_progress(done, total)` is called as bytes flow (total None when unknown). The result says how
the sha256 was checked (`CopyResult.checksum`: "remote" = `sha256sum` in the debugger, "local" =
both ends of the stream hashed here, see `tui.debug.file_copy`). Blocking: call from a thread.
Errors are `ClusterError` (the cluster, the exec) or `CopyPlanError` / `OSError` (local side).
"""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote

from websocket import ABNF, WebSocketConnectionClosedException

from tui.audit_log import AuditLog
from tui.debug.file_copy import (
    EXEC_ACCESS,
    NO_EXEC_DRY_RUN,
    CopyPlanError,
    Probe,
    RootLocator,
    checksum_command,
    choose_debugger,
    overwrite_question,
    parse_checksum,
    parse_probe,
    parse_remote_path,
    probe_command,
    read_command,
    write_command,
)
from tui.kube.duplex_socket import DuplexSocket
from tui.kube.errors import ClusterError
from tui.kube.preflight_reads import ask_access
from tui.kube.requests import get_json, open_websocket
from tui.kube.stream_protocol import CLOSE, ERROR, STDERR, STDIN, STDOUT, V5_PROTOCOL, frame, parse_exit_status
from tui.paths import ensure_private_dir, open_private_file

__all__ = ["FILE_COPIED_IN", "CopyInPlan", "CopyResult", "ExecResult", "copy_in", "copy_out", "exec_command",
           "plan_copy_in"]

FILE_COPIED_IN = "file-copied-in"  # the audit log's action
CHUNK = 32 * 1024
FRAME_TIMEOUT = 60.0  # seconds without a frame: the exec is lost
Progress = Callable[[int, int | None], object]


@dataclass(frozen=True)
class ExecResult:
    exit_code: int | None
    message: str
    stderr: bytes

    def check(self, what: str) -> None:
        if self.exit_code != 0:
            detail = self.stderr.decode("utf-8", "replace").strip() or self.message
            raise ClusterError(f"{what} failed: {detail}")


def exec_command(conn: Any, namespace: str, pod: str, container: str, command: Sequence[str], *,
                 on_stdout: Callable[[bytes], object], stdin: BinaryIO | None = None,
                 on_sent: Callable[[int], object] | None = None) -> ExecResult:
    """Run `command` in the container (no tty): stdout to `on_stdout` as it comes, stdin from the
    stream `stdin` (half-closed at its end on v5), `on_sent(bytes so far)` as stdin goes."""
    client = conn.new_api_client()
    path = f"/api/v1/namespaces/{quote(namespace, safe='')}/pods/{quote(pod, safe='')}/exec"
    query: list[tuple[str, Any]] = [("command", list(command)), ("container", container), ("stderr", True),
                                    ("stdin", stdin is not None), ("stdout", True), ("tty", False)]
    try:
        ws = open_websocket(conn, path, query, client=client)
        sock = DuplexSocket(ws.sock)  # the writer thread sends stdin while this one reads
        writer: threading.Thread | None = None
        failure: list[BaseException] = []
        if stdin is not None:
            def send() -> None:
                sent = 0
                try:
                    while chunk := stdin.read(CHUNK):
                        sock.send_binary(frame(STDIN, chunk))
                        sent += len(chunk)
                        if on_sent is not None:
                            on_sent(sent)
                    if ws.subprotocol == V5_PROTOCOL:
                        sock.send_binary(frame(CLOSE, bytes([STDIN])))
                except Exception as exc:  # noqa: BLE001 - reported after the read ends
                    failure.append(exc)

            writer = threading.Thread(target=send, name=f"cp-send {pod}/{container}", daemon=True)
            writer.start()
        stderr = bytearray()
        status = b""
        while True:
            try:
                opcode, message = sock.recv_data_frame(timeout=FRAME_TIMEOUT)
            except WebSocketConnectionClosedException:
                if status:
                    break  # the exit status came first: a socket dropped without a close frame ends it too
                raise
            if opcode == ABNF.OPCODE_CLOSE:
                break
            if opcode not in (ABNF.OPCODE_BINARY, ABNF.OPCODE_TEXT):
                continue
            data = message.data if isinstance(message.data, bytes) else message.data.encode()
            if not data:
                continue
            if data[0] == STDOUT and len(data) > 1:
                on_stdout(data[1:])
            elif data[0] == STDERR:
                stderr += data[1:]
            elif data[0] == ERROR:
                status += data[1:]
        sock.close()
        if writer is not None:
            writer.join(FRAME_TIMEOUT)
        if not status:
            raise ClusterError(f"the exec in {container} ended without an exit status"
                               + (f" ({failure[0]})" if failure else ""))
        exit_status = parse_exit_status(status)
        return ExecResult(exit_status.exit_code, exit_status.message, bytes(stderr))
    except ClusterError:
        raise
    except Exception as exc:  # noqa: BLE001 - a dropped or silent socket
        raise conn.describe(exc) if hasattr(conn, "describe") else ClusterError(str(exc)) from None
    finally:
        client.close()


@dataclass
class CopyResult:
    direction: str  # "out" or "in"
    namespace: str
    pod: str
    target: str
    remote: str
    local: str
    debugger: str
    via: str  # RootLocator.description
    size: int
    sha256: str
    checksum: str  # "remote" (sha256sum in the debugger) or "local" (both ends of the stream)
    verified: bool
    kind: str = "file"  # or "dir"
    notes: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        arrow = f"{self.pod}/{self.target}:{self.remote} -> {self.local}" if self.direction == "out" else \
            f"{self.local} -> {self.pod}/{self.target}:{self.remote}"
        if self.kind == "dir":
            return f"copied directory {arrow} ({self.size} bytes of tar) via {self.via}"
        how = ("sha256sum in the debugger" if self.checksum == "remote"
               else "sha256 of the bytes streamed, both ends hashed locally (the debugger has no sha256sum)")
        state = "verified" if self.verified else "MISMATCH"
        return f"copied {arrow} ({self.size} bytes, sha256 {self.sha256[:16]}…, {state}: {how}) via {self.via}"


def _pod(conn: Any, namespace: str, pod: str) -> dict[str, Any]:
    return dict(get_json(conn, f"/api/v1/namespaces/{quote(namespace, safe='')}/pods/{quote(pod, safe='')}"))


def _locate(conn: Any, namespace: str, pod: str, target: str, debugger: str | None,
            pid: int | None) -> RootLocator:
    return choose_debugger(_pod(conn, namespace, pod), target, debugger, pid)


def _probe(conn: Any, namespace: str, pod: str, locator: RootLocator, remote: str) -> Probe:
    out = bytearray()
    result = exec_command(conn, namespace, pod, locator.debugger, probe_command(locator, remote), on_stdout=out.extend)
    result.check(f"looking at {remote} in {locator.target}")
    return parse_probe(bytes(out))


def _remote_sha(conn: Any, namespace: str, pod: str, locator: RootLocator, remote: str) -> str:
    out = bytearray()
    result = exec_command(conn, namespace, pod, locator.debugger, checksum_command(locator, remote),
                          on_stdout=out.extend)
    result.check(f"sha256sum of {remote}")
    digest = parse_checksum(bytes(out))
    if not digest:
        raise ClusterError(f"sha256sum of {remote} printed no checksum")
    return digest


def _file_sha(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def copy_out(conn: Any, namespace: str, pod: str, target: str, remote: str, local: str | os.PathLike[str], *,
             debugger: str | None = None, pid: int | None = None, on_progress: Progress | None = None) -> CopyResult:
    """Copy `remote` (a file or directory in `target`) to `local` (a file; a directory's contents go
    under `local`, created)."""
    remote = parse_remote_path(remote)
    locator = _locate(conn, namespace, pod, target, debugger, pid)
    probe = _probe(conn, namespace, pod, locator, remote)
    destination = Path(local).expanduser()
    base: dict[str, Any] = {"direction": "out", "namespace": namespace, "pod": pod, "target": target,
                            "remote": remote, "local": str(destination), "debugger": locator.debugger,
                            "via": locator.description}
    if probe.kind == "none":
        raise CopyPlanError(f"{remote}: no such file or directory in {target} (seen from {locator.debugger})")
    if probe.kind == "dir":
        if "tar" not in probe.tools:
            raise CopyPlanError(f"{remote} is a directory: copying one needs tar in the debugger "
                                f"({locator.debugger} has none); copy its files one by one")
        return _copy_dir_out(conn, locator, remote, destination, base, on_progress)
    digest = hashlib.sha256()
    done = 0
    if destination.is_dir():
        destination = destination / Path(remote).name
        base["local"] = str(destination)
    with open_private_file(destination, binary=True) as handle:
        def received(data: bytes) -> None:
            nonlocal done
            handle.write(data)
            digest.update(data)
            done += len(data)
            if on_progress is not None:
                on_progress(done, probe.size)

        result = exec_command(conn, namespace, pod, locator.debugger, read_command(locator, remote),
                              on_stdout=received)
    result.check(f"reading {remote}")
    streamed = digest.hexdigest()
    if "sha256sum" in probe.tools:
        remote_sha, checksum = _remote_sha(conn, namespace, pod, locator, remote), "remote"
        verified = remote_sha == _file_sha(destination) == streamed
    else:
        checksum, verified = "local", _file_sha(destination) == streamed
    if probe.size is not None and probe.size != done:
        verified = False
    return CopyResult(**base, size=done, sha256=streamed, checksum=checksum, verified=verified)


def _copy_dir_out(conn: Any, locator: RootLocator, remote: str, destination: Path, base: dict[str, Any],
                  on_progress: Progress | None) -> CopyResult:
    buffer = io.BytesIO()

    def received(data: bytes) -> None:
        buffer.write(data)
        if on_progress is not None:
            on_progress(buffer.tell(), None)

    namespace, pod = base["namespace"], base["pod"]
    result = exec_command(conn, namespace, pod, locator.debugger, read_command(locator, remote, directory=True),
                          on_stdout=received)
    result.check(f"tar of {remote}")
    ensure_private_dir(destination, own_only=False)  # the user's choice: a shared directory is fine
    buffer.seek(0)
    with tarfile.open(fileobj=buffer, mode="r:") as archive:
        archive.extractall(destination, filter="data")
    data = buffer.getvalue()
    return CopyResult(**base, size=len(data), sha256=hashlib.sha256(data).hexdigest(), checksum="local",
                      verified=True, kind="dir",
                      notes=["a directory: tar's own format checks what was unpacked; no per-file sha256"])


@dataclass(frozen=True)
class CopyInPlan:
    """A copy in's pre-flight: where the file goes (`remote`, a directory's joined with the file's
    name), through which debugger, and what is there now (`probe`)."""

    namespace: str
    pod: str
    target: str
    source: Path
    remote: str
    locator: RootLocator
    probe: Probe
    size: int  # the local file's, when planned

    @property
    def exists(self) -> bool:
        """An existing file would be replaced: ask first."""
        return self.probe.kind == "file"

    @property
    def question(self) -> str:
        return overwrite_question(self.remote, self.probe.size, self.target, self.pod)

    @property
    def reasons(self) -> list[str]:
        return [f"{self.remote} exists in {self.target} ({self.probe.size if self.probe.size is not None else '?'} "
                f"bytes): its content is replaced by {self.source} ({self.size} bytes), "
                "there is no undo", NO_EXEC_DRY_RUN]


def plan_copy_in(conn: Any, namespace: str, pod: str, target: str, local: str | os.PathLike[str], remote: str, *,
                 debugger: str | None = None, pid: int | None = None) -> CopyInPlan:
    """The pre-flight of a copy in (nothing is written): the local file, RBAC for create pods/exec,
    the debugger, the probe of the destination. Raises `CopyPlanError` when the copy cannot go ahead."""
    source = Path(local).expanduser()
    if not source.is_file():
        raise CopyPlanError(f"{local}: not a regular file (only files can be copied in)")
    remote = parse_remote_path(remote)
    access, _error = ask_access(conn, [EXEC_ACCESS], lambda _question: namespace)
    if access.get(EXEC_ACCESS) is False:  # unknown (the review could not be asked): the exec will say
        raise CopyPlanError(f"forbidden: you may not create pods/exec in namespace {namespace} (RBAC, "
                            "SelfSubjectAccessReview): the copy runs by exec in the debugger; nothing was "
                            "written. Ask for create on pods/exec")
    locator = _locate(conn, namespace, pod, target, debugger, pid)
    probe = _probe(conn, namespace, pod, locator, remote)
    if probe.kind == "dir":
        remote = remote.rstrip("/") + "/" + source.name
        probe = _probe(conn, namespace, pod, locator, remote)
        if probe.kind == "dir":
            raise CopyPlanError(f"{remote} is a directory in {target}: nothing was written; name a file")
    return CopyInPlan(namespace, pod, target, source, remote, locator, probe, source.stat().st_size)


def copy_in(conn: Any, namespace: str, pod: str, target: str, local: str | os.PathLike[str], remote: str, *,
            debugger: str | None = None, pid: int | None = None, on_progress: Progress | None = None,
            audit_log: AuditLog | None = None, context: str = "", plan: CopyInPlan | None = None,
            overwrite: bool = False) -> CopyResult:
    """Copy the local file `local` to `remote` in `target` (a directory there: into it, same name).
    `plan`: `plan_copy_in`'s (made here when None). An existing file is replaced only with
    `overwrite=True` (asked first by the caller), else `CopyPlanError` and nothing is written.
    Recorded in the audit log (a change to the cluster), failed or not."""
    if plan is None:
        plan = plan_copy_in(conn, namespace, pod, target, local, remote, debugger=debugger, pid=pid)
    if plan.exists and not overwrite:
        raise CopyPlanError(f"{plan.remote} exists in {target}: nothing was written (confirm the overwrite)")
    source, remote, locator, probe = plan.source, plan.remote, plan.locator, plan.probe
    size = source.stat().st_size
    local_sha = _file_sha(source)
    request = {"method": "EXEC", "path": f"/api/v1/namespaces/{namespace}/pods/{pod}/exec",
               "container": locator.debugger, "target": target, "remote": remote, "local": str(source),
               "bytes": size, "sha256": local_sha}
    try:
        with source.open("rb") as handle:
            result = exec_command(conn, namespace, pod, locator.debugger, write_command(locator, remote, size),
                                  on_stdout=lambda _data: None, stdin=handle,
                                  on_sent=(lambda sent: on_progress(sent, size)) if on_progress else None)
        result.check(f"writing {remote}")
        if "sha256sum" in probe.tools:
            remote_sha, checksum = _remote_sha(conn, namespace, pod, locator, remote), "remote"
        else:  # read it back through the debugger and hash it here
            digest = hashlib.sha256()
            back = exec_command(conn, namespace, pod, locator.debugger, read_command(locator, remote),
                                on_stdout=digest.update)
            back.check(f"reading {remote} back")
            remote_sha, checksum = digest.hexdigest(), "local"
    except (ClusterError, OSError) as exc:
        if audit_log is not None:
            audit_log.record(context=context, namespace=namespace, pod=pod, action=FILE_COPIED_IN, request=request,
                             result={"message": str(exc)}, ok=False)
        raise
    verified = remote_sha == local_sha
    if audit_log is not None:
        audit_log.record(context=context, namespace=namespace, pod=pod, action=FILE_COPIED_IN, request=request,
                         result={"message": "copied", "sha256": remote_sha, "checksum": checksum,
                                 "verified": verified}, ok=verified)
    return CopyResult(direction="in", namespace=namespace, pod=pod, target=target, remote=remote, local=str(source),
                      debugger=locator.debugger, via=locator.description, size=size, sha256=local_sha,
                      checksum=checksum, verified=verified)
