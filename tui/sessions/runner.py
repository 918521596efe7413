"""SessionRunner: the life of one attach/exec session to a container, without any UI.

What a session pane shows is decided here; the pane only renders it. The runner

* waits while the container is not running yet (the live waiting reason from the pod the UI hands
  it: `update_pod`), and attaches as soon as it runs;
* runs the session (`tui.kube.attach_session.AttachSession`: one new ApiClient per session, a
  reader thread, stdin writes that never block);
* for a shell (`exec` without a command) tries `bash`, then `sh` (the shell fallback), and says
  when the image has neither (`no-shell`);
* reads the logs of a container that has terminated, with its exit code;
* GETs the pod when the watch lost it, a new uid took its name, or the session ended: a 404 or
  another uid makes the session `gone` (a pod that only left the watch's scope is not deleted);
* re-attaches (after a lost connection, a failure, the kubelet's restart of a regular container:
  then on its new run, waiting for it if need be);
* records the output in memory (`recording()`) for an asciicast file.

Threads: the runner owns every thread of the session: the attach stream's reader and writer, and
one short-lived daemon thread per blocking one-shot call (the pod GET, the log read, closing a
stream). None of them touches the UI: each change is reported as a typed event through the one
callback the UI gives (`on_event`), called from whichever thread made the change: a
`SessionState` (frozen: the state to show), `SessionOutput` (terminal bytes: the stream's output or
the formatted logs) and `PodChecked` (a GET of the pod answered). The callback must not block for
long and must hand the events to its own thread (Textual: post a message); `SessionOutput` may be
given straight to a thread-safe terminal. States are reported in the order they happen (under the
runner's lock), output is not (it never waits for the lock).

The methods (`start`, `update_pod`, `check_pod`, `reattach`, `close`, `write`, `resize`) are
called from the UI thread; they never block.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from tui.debug.node import NODE_DEBUG_LABEL
from tui.debug.planner import MANAGED_BY_LABEL, MANAGED_BY_VALUE, SOURCE_POD_ANNOTATION
from tui.kube.attach_session import AttachSession, SessionStatus
from tui.kube.errors import ClusterError
from tui.kube.pod_reads import check_pod, read_logs
from tui.pods.facts import ContainerEntry, container_entries

__all__ = [
    "MISSING_EXECUTABLE",
    "RECORD_LIMIT",
    "SHELL_COMMANDS",
    "Phase",
    "PodChecked",
    "Recording",
    "SessionEvent",
    "SessionKind",
    "SessionOutput",
    "SessionRunner",
    "SessionState",
    "SessionTarget",
    "container_entry",
    "copy_source",
    "image_of",
]

SessionKind = Literal["attach", "exec"]

#: Tried in order for a shell (as k9s does: bash when the image has it, else sh).
SHELL_COMMANDS: tuple[tuple[str, ...], ...] = (("bash",), ("sh",))
MISSING_EXECUTABLE = "executable file not found"
RECORD_LIMIT = 16 * 1024 * 1024  # bytes of output kept for "save as .cast"


@dataclass(frozen=True)
class SessionTarget:
    """The container a session talks to (one pane per container)."""

    namespace: str
    pod: str
    container: str

    @property
    def title(self) -> str:
        return f"{self.pod}/{self.container}"


Phase = Literal[
    "new", "waiting", "connecting", "live", "ended", "no-shell", "lost", "failed", "terminated", "closed", "gone"
]
WaitingFor = Literal["", "container", "listing", "restart"]


@dataclass(frozen=True)
class SessionState:
    """What a session is doing, for the UI to show.

    - new: not started yet
    - waiting: the container does not run yet. `waiting_for` "container": its waiting `reason`
      ("" when it has none yet) and `detail` (the status message); "listing": the server refused
      the attach (400) for a container the pod does not list yet (`message`); "restart": r was
      pressed on a regular container the kubelet restarts, whose new run is not Running yet
      (`reason`: what is seen of it, or "not listed")
    - connecting: the stream is being opened (`argv`: the exec'd command, empty for attach)
    - live: attached; output flows
    - ended: the stream ended: `exit_code` when the process exited, else `message` ("closed" when
      it was closed by `close()`); `restarted` once the kubelet started a regular container again
      (`restarts`: its restart count now)
    - no-shell: none of the shells tried (`shells_tried`) is in the image (`image`)
    - lost: the connection dropped (`message`); the process may still run
    - failed: the stream could not be opened (`message`, `error`)
    - terminated: the container had terminated before any session (`exit_code`, `reason`,
      `container_kind`); `logs` once read (None before), or `logs_error`
    - closed: `close()` was called
    - gone: the pod was deleted, or replaced by a new pod of that name (`replaced_by`: its uid)
    """

    phase: Phase = "new"
    argv: tuple[str, ...] = ()
    shells_tried: tuple[tuple[str, ...], ...] = ()
    exit_code: int | None = None
    message: str = ""
    error: ClusterError | None = None
    waiting_for: WaitingFor = ""
    reason: str = ""
    detail: str = ""
    container_kind: str = ""
    image: str = ""
    logs: bytes | None = None
    logs_error: str = ""
    restarted: bool = False
    restarts: int = 0
    replaced_by: str = ""


@dataclass(frozen=True)
class SessionOutput:
    """Bytes for the terminal: the stream's output, or the logs of a terminated container."""

    data: bytes


@dataclass(frozen=True)
class PodChecked:
    """A GET of the session's pod answered: `found` False for a 404; `error` when the GET failed
    (nothing learned). Reported after the state it led to (`gone`)."""

    found: bool
    uid: str
    error: str = ""


SessionEvent = SessionState | SessionOutput | PodChecked

RecordedEvent = tuple[float, str, bytes | tuple[int, int]]


@dataclass(frozen=True)
class Recording:
    """The recorded session: (time.monotonic(), "o", bytes) output and (time, "r", (cols, rows))
    resizes since `start`; `size` the first size reported; `truncated` once RECORD_LIMIT was hit."""

    start: float
    size: tuple[int, int] | None
    events: tuple[RecordedEvent, ...]
    truncated: bool


def container_entry(pod: dict[str, Any] | None, container: str) -> ContainerEntry | None:
    if pod is None:
        return None
    for entry in container_entries(pod):
        if entry.name == container:
            return entry
    return None


def _uid_of(pod: dict[str, Any] | None) -> str:
    return str(((pod or {}).get("metadata") or {}).get("uid") or "")


def copy_source(pod: dict[str, Any] | None) -> str:
    """"NS/NAME" of the pod that `pod` is Ephemera's copy of, "node/NAME" for Ephemera's node debug
    pod ("" for any other pod)."""
    metadata = (pod or {}).get("metadata") or {}
    labels = metadata.get("labels") or {}
    if labels.get(MANAGED_BY_LABEL) != MANAGED_BY_VALUE:
        return ""
    source = str((metadata.get("annotations") or {}).get(SOURCE_POD_ANNOTATION) or "")
    node = labels.get(NODE_DEBUG_LABEL)
    return source or (f"node/{node}" if node else "?")


def image_of(pod: dict[str, Any] | None, container: str) -> str:
    entry = container_entry(pod, container)
    return entry.image if entry is not None else ""


def _terminal_text(data: bytes) -> bytes:
    """Log text for a terminal: bare LF becomes CR LF."""
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


LOGS_HEADER = "--- logs of {title} ---"
"""The line above the logs of a terminated container in its pane."""


def _logs_for_terminal(title: str, data: bytes, error: str) -> bytes:
    header = f"\x1b[2m{LOGS_HEADER.format(title=title)}\x1b[0m\r\n".encode()
    if error:
        body = f"\x1b[31mcould not read the logs: {error}\x1b[0m\r\n".encode()
    elif not data:
        body = b"\x1b[2m(no log output)\x1b[0m\r\n"
    else:
        body = _terminal_text(data)
    return header + body


def _in_thread(target: Callable[[], object], name: str) -> None:
    threading.Thread(target=target, name=name, daemon=True).start()


#: What the session is at, for the decisions (`phase` of the state is what is shown).
_Stage = Literal["new", "waiting", "session", "logs", "closed", "gone"]


class SessionRunner:
    """One session to `target`'s container. `start()`, then `update_pod` with each new copy of the pod."""

    def __init__(
        self,
        connection: Any,
        target: SessionTarget,
        *,
        on_event: Callable[[SessionEvent], object],  # its return value is ignored
        kind: SessionKind = "attach",
        command: Sequence[str] | None = None,
        shells: Sequence[tuple[str, ...]] = SHELL_COMMANDS,
        pod: dict[str, Any] | None = None,
        terminal_size: Callable[[], tuple[int, int]] | None = None,
    ) -> None:
        """`terminal_size`: the terminal's (cols, rows) when a stream opens (any thread; it must
        not block); without it the last `resize()`. `shells`: tried in order for a shell."""
        if kind not in ("attach", "exec"):
            raise ValueError(f"kind must be 'attach' or 'exec', not {kind!r}")
        self.connection = connection
        self.target = target
        self.kind: SessionKind = kind
        self._on_event = on_event
        self._terminal_size = terminal_size
        self.auto_shell = kind == "exec" and not command
        self._shells: list[tuple[str, ...]] = list(shells) if self.auto_shell else []
        self._shells_tried: list[tuple[str, ...]] = []
        # Keys typed into a shell that has not answered yet: if it turns out not to be in the image
        # (bash in busybox), they go to the next shell tried instead of being lost with it.
        self._unanswered = bytearray()
        self.argv: list[str] | None = list(command) if command else (list(self._shells.pop(0)) if kind == "exec" else None)
        self.pod = pod
        self.pod_uid = _uid_of(pod)  # the pod this session is about: a new pod of the same name is another
        self.replaced_by = ""  # the uid of the pod that now has the name, when there is one
        self.session: AttachSession | None = None
        self.status: SessionStatus | None = None  # the session's last status
        self.generation = 0  # +1 for each stream, logs read, close: late reports of an older one are dropped
        self.stage: _Stage = "new"
        self.exit_code: int | None = None
        # A regular container (a copy's debugger) whose process exited is started again by the kubelet
        # (restartPolicy): the restart count of the run attached to, and whether a newer run is seen.
        self._run_restarts: int | None = None
        self.restarted = False  # the kubelet started the container again since the session ended
        self._awaiting_restart = False  # r was pressed before the new run: attach when it runs
        self._state = SessionState()
        self._lock = threading.RLock()
        self._size: tuple[int, int] | None = None
        self._record_lock = threading.Lock()
        self._record: list[RecordedEvent] = []
        self._record_bytes = 0
        self._record_truncated = False
        self._record_start = time.monotonic()
        self._record_size: tuple[int, int] | None = None

    def __repr__(self) -> str:
        return f"SessionRunner({self.kind} {self.target.namespace}/{self.target.title}, {self._state.phase})"

    # ------------------------------------------------------------------ what the UI reads
    @property
    def state(self) -> SessionState:
        return self._state

    @property
    def gone(self) -> bool:
        return self.stage == "gone"

    @property
    def finished(self) -> bool:
        """No stream is running (ended, lost, failed, waiting, logs or closed)."""
        session = self.session
        return session is None or session.status.finished

    @property
    def container_kind(self) -> str:
        """"ephemeral" (spec.ephemeralContainers), "container" (a regular one, e.g. a copy's
        debugger), "init", or "" while the pod is not known."""
        entry = container_entry(self.pod, self.target.container)
        return entry.kind if entry is not None else ""

    @property
    def restart_policy(self) -> str:
        return str(((self.pod or {}).get("spec") or {}).get("restartPolicy") or "Always")

    def kubelet_restarts(self, exit_code: int | None) -> bool:
        """Whether the kubelet starts this container again after its process exited with `exit_code`
        (a regular container, restartPolicy Always, or OnFailure and a failure); never an ephemeral one."""
        if self.container_kind != "container" or exit_code is None:
            return False
        policy = self.restart_policy
        return policy == "Always" or (policy == "OnFailure" and exit_code != 0)

    @property
    def copy_source(self) -> str:
        """"NS/NAME" of the pod this session's pod is Ephemera's copy of ("" when it is not a copy)."""
        return copy_source(self.pod)

    @property
    def can_reattach(self) -> bool:
        """`reattach()` would start a new session: the connection dropped, the stream ended while the
        container runs on, the upgrade failed, or an exec'd shell ended."""
        phase = self._state.phase
        if self.stage != "session" or not self.finished or phase == "no-shell":
            return False
        if phase in ("lost", "failed"):
            return True
        return self.kind == "exec" or self.exit_code is None or self.kubelet_restarts(self.exit_code)

    def reattach_plan(self) -> Literal["", "new-run", "again"]:
        """What `reattach()` would do: "new-run" (attach to the kubelet's next run of the container,
        waiting for it), "again" (a new stream at once), "" (nothing: it cannot)."""
        with self._lock:
            if not self.can_reattach:
                return ""
            if self.exit_code is not None and self.kind == "attach" and self.kubelet_restarts(self.exit_code):
                return "new-run"
            return "again"

    def recording(self) -> Recording:
        with self._record_lock:
            return Recording(self._record_start, self._record_size, tuple(self._record), self._record_truncated)

    # ------------------------------------------------------------------ reporting
    def _emit(self, event: SessionEvent) -> None:
        try:
            self._on_event(event)
        except Exception:  # noqa: BLE001 - a UI callback must not kill the session's threads
            pass

    def _set(self, state: SessionState) -> None:
        """A new state (under the lock: states are reported in order)."""
        self._state = state
        self._emit(state)

    def _output(self, data: bytes) -> None:
        """Terminal bytes (any thread, never under the lock): reported and recorded."""
        if self.stage == "closed":
            return  # a closed session may still deliver a last chunk
        self._emit(SessionOutput(data))
        with self._record_lock:
            if self._record_bytes + len(data) > RECORD_LIMIT:
                self._record_truncated = True
                return
            self._record_bytes += len(data)
            self._record.append((time.monotonic(), "o", data))

    # ------------------------------------------------------------------ the UI's requests
    def start(self) -> None:
        """Attach (or wait for the container, or show its logs) as the pod given at creation says."""
        with self._lock:
            if self.stage == "new":
                self._evaluate(self.pod, first=True)

    def update_pod(self, pod: dict[str, Any] | None, *, deleted: bool = False) -> None:
        """The latest copy of the pod (from a watch); `deleted=True` (pod None): the watch no longer
        has it (a DELETED event, a relist without it): a GET says whether it really is gone."""
        with self._lock:
            if self.stage in ("gone", "closed"):
                return
            if deleted or pod is None:
                if deleted:
                    self.check_pod()
                return
            uid = _uid_of(pod)
            if self.pod_uid and uid and uid != self.pod_uid:
                self.check_pod()  # a new pod of that name (a StatefulSet's): this session's pod was deleted
                return
            if uid and not self.pod_uid:
                self.pod_uid = uid
            self.pod = pod
            if self.stage == "waiting":
                self._evaluate(self.pod)
            else:
                self._check_restarted()

    def check_pod(self) -> None:
        """GET the pod (in a thread): a 404, or a pod of that name with another uid, makes the
        session `gone`; a pod still there (or a failed GET) changes nothing. `PodChecked` follows."""
        with self._lock:
            if self.stage in ("gone", "closed"):
                return
        connection, target = self.connection, self.target

        def load() -> None:
            check = check_pod(connection, target.namespace, target.pod)
            with self._lock:
                if self.stage not in ("gone", "closed") and not check.error:
                    if not check.found:
                        self._mark_gone("")
                    elif self.pod_uid and check.uid and check.uid != self.pod_uid:
                        self._mark_gone(check.uid)
                self._emit(PodChecked(check.found, check.uid, check.error))

        _in_thread(load, f"session-pod-check {target.title}")

    def reattach(self) -> bool:
        """Start a new session (after a lost connection, a failure, an exec'd shell's end, or the
        kubelet's restart of a regular container: then on its new run, waiting for it if need be)."""
        with self._lock:
            plan = self.reattach_plan()
            if plan == "new-run":
                self._awaiting_restart = True
                self._evaluate(self.pod)  # at once when the new run is seen, else when the pod shows it
            elif plan == "again":
                self._start_session()
            return bool(plan)

    def close(self) -> bool:
        """End the session without blocking (the close runs in a thread). True when a stream was
        running (connecting or live)."""
        with self._lock:
            session, self.session = self.session, None
            self.generation += 1
            running = session is not None and not session.status.finished
            self.stage = "closed"
            if session is not None:
                _in_thread(session.close, "attach-close")
            self._set(replace(self._state, phase="closed"))
            return running

    def write(self, data: bytes) -> bool:
        """Send bytes to the running stream's stdin (never blocks); False when no stream runs."""
        session = self.session
        if session is None or session.status.finished:
            return False
        if self.kind == "exec" and self.auto_shell and session.bytes_received == 0:
            with self._lock:
                self._unanswered += data
        session.write(data)
        return True

    def resize(self, cols: int, rows: int) -> None:
        """The terminal's size changed: recorded, and told to the running stream."""
        with self._record_lock:
            if self._record_size is None:
                self._record_size = (cols, rows)
            else:
                self._record.append((time.monotonic(), "r", (cols, rows)))
        self._size = (cols, rows)
        session = self.session
        if session is not None:
            session.resize(cols, rows)

    # ------------------------------------------------------------------ decisions (under the lock)
    def _new_run(self, entry: ContainerEntry | None) -> bool:
        """The pod shows a run of the container newer than the one the session attached to."""
        if entry is None or self._run_restarts is None:
            return False
        return entry.restarts > self._run_restarts

    def _note_run(self) -> None:
        """Remember which run of the container the session is attached to (its restart count)."""
        entry = container_entry(self.pod, self.target.container)
        if entry is not None and entry.state == "Running":
            self._run_restarts = entry.restarts

    def _check_restarted(self) -> None:
        """After the attached process exited: say so once the pod shows the kubelet's new run."""
        if (self.stage != "session" or not self.finished or self.restarted or self.kind != "attach"
                or not self.kubelet_restarts(self.exit_code)):
            return
        entry = container_entry(self.pod, self.target.container)
        if entry is None or entry.state != "Running" or not self._new_run(entry):
            return
        self.restarted = True
        self._set(replace(self._state, phase="ended", exit_code=self.exit_code, restarted=True,
                          restarts=entry.restarts))

    def _evaluate(self, pod: dict[str, Any] | None, *, first: bool = False) -> None:
        entry = container_entry(pod, self.target.container)
        if entry is None and not first:
            return  # not in the pod's copy yet: wait for the watch to bring it
        if self._awaiting_restart:
            if entry is not None and entry.state == "Running" and self._new_run(entry):
                self._awaiting_restart = False
                self._start_session()
                return
            seen = (entry.reason or entry.state) if entry is not None else "not listed"
            self.stage = "waiting"
            self._set(SessionState("waiting", self._argv(), waiting_for="restart", reason=seen))
            return
        if entry is None or entry.state == "Running":
            # Unknown (another namespace, not listed yet): let the server decide.
            self._start_session()
            return
        if entry.state == "Terminated":
            self._show_terminated(entry)
            return
        self.stage = "waiting"
        self._set(SessionState("waiting", self._argv(), waiting_for="container", reason=entry.reason,
                               detail=entry.message))

    def _argv(self) -> tuple[str, ...]:
        return tuple(self.argv or ())

    def _show_terminated(self, entry: ContainerEntry) -> None:
        self.stage = "logs"
        self.exit_code = entry.exit_code
        self.generation += 1
        generation = self.generation
        terminated = SessionState("terminated", self._argv(), exit_code=entry.exit_code, reason=entry.reason,
                                  container_kind=entry.kind)
        self._set(terminated)
        connection, target = self.connection, self.target

        def load() -> None:
            data, error = read_logs(connection, target.namespace, target.pod, target.container)
            if generation != self.generation:
                return
            self._output(_logs_for_terminal(target.title, data, error))
            with self._lock:
                if generation == self.generation:
                    self._set(replace(terminated, logs=data, logs_error=error))

        _in_thread(load, f"session-logs {target.title}")

    def _start_session(self) -> None:
        self.generation += 1
        generation = self.generation
        self.stage = "session"
        self.exit_code = None
        self.restarted = False
        size = self._terminal_size() if self._terminal_size is not None else self._size
        cols, rows = size if size is not None else (None, None)
        session = AttachSession(
            self.connection,
            self.target.namespace,
            self.target.pod,
            self.target.container,
            kind=self.kind,
            command=self.argv,
            on_output=self._output,
            on_status=lambda status: self._session_status(status, generation),
            cols=cols,
            rows=rows,
        )
        self.session = session
        self._unanswered.clear()
        self._note_run()
        self._set(SessionState("connecting", self._argv(), tuple(self._shells_tried)))
        session.start()

    def _session_status(self, status: SessionStatus, generation: int) -> None:
        """The stream's status (its reader thread)."""
        with self._lock:
            if generation != self.generation:
                return
            self.status = status
            tried = tuple(self._shells_tried)
            if status.state == "live":
                self._note_run()
                self._set(SessionState("live", self._argv(), tried))
            elif status.state == "ended":
                self._ended(status)
            elif status.state == "lost":
                self.check_pod()
                self._set(SessionState("lost", self._argv(), tried, message=status.message))
            elif status.state == "failed":
                error = status.error
                if error is not None and error.status == 400:
                    # (no copy of the pod yet: the watch's first list had not arrived when it opened)
                    entry = container_entry(self.pod, self.target.container) if self.pod is not None else None
                    if entry is None:
                        # Just created: the copy of the pod does not show it yet.
                        self.stage = "waiting"
                        self._set(SessionState("waiting", self._argv(), tried, waiting_for="listing",
                                               message=status.message))
                        return
                    if entry.state != "Running":
                        self._evaluate(self.pod)
                        return
                self.check_pod()
                self._set(SessionState("failed", self._argv(), tried, message=status.message, error=error))
            # connecting: already reported by _start_session

    def _missing_shell(self, status: SessionStatus) -> bool:
        """The shell tried is not in the image: the runtime's "executable file not found", or (some
        runtimes, a wrapper script) exit code 127 before the shell printed anything."""
        if self.kind != "exec":
            return False
        if status.exit_code is None:
            return MISSING_EXECUTABLE in status.message
        silent = self.session is None or self.session.bytes_received == 0
        return self.auto_shell and status.exit_code == 127 and silent

    def _ended(self, status: SessionStatus) -> None:
        if self._missing_shell(status):
            if self._shells:
                self._shells_tried.append(self._argv())
                self.argv = list(self._shells.pop(0))
                typed = bytes(self._unanswered)
                self._start_session()
                if typed and self.session is not None:
                    self.session.write(typed)  # what was typed into the missing shell
                return
            if self.auto_shell:
                self._shells_tried.append(self._argv())
                self._set(SessionState("no-shell", self._argv(), tuple(self._shells_tried),
                                       image=image_of(self.pod, self.target.container)))
                return
        self.exit_code = status.exit_code
        if status.message != "closed":
            self.check_pod()  # a stream that ended as its pod was deleted: say so before the watch does
        if (status.exit_code is not None and self.kind == "attach"
                and self._run_restarts is None):  # the pod was not known while the session ran: best effort
            entry = container_entry(self.pod, self.target.container)
            self._run_restarts = entry.restarts if entry is not None else None
        self._set(SessionState("ended", self._argv(), tuple(self._shells_tried), exit_code=status.exit_code,
                               message=status.message))
        if status.exit_code is not None and self.kind == "attach":
            self._check_restarted()  # the pod may have shown the new run before this status

    def _mark_gone(self, replaced_by: str) -> None:
        """The pod was deleted: end the stream if it still runs (its late statuses are dropped), say so."""
        self.stage = "gone"
        self.replaced_by = replaced_by
        self.generation += 1
        session, self.session = self.session, None
        if session is not None and not session.status.finished:
            _in_thread(session.close, "attach-close")
        self._set(replace(self._state, phase="gone", replaced_by=replaced_by))
