"""SessionPane: one attach/exec session to a container, shown in a `TerminalView`, with a banner.

The pane owns the session's life: it waits while the container is not running yet (saying for
what: the live waiting reason from the browser's watch data), shows the logs and exit code of a
container that has terminated, runs the session (`tui.kube.attach_session.AttachSession`: one
new ApiClient per session, a reader thread, stdin writes that never block), tries `bash` then
`sh` for a shell (and explains a distroless container that has neither), and offers to re-attach
when the connection dropped. Output is recorded in memory so the session can be saved as an
asciicast v2 file.

A pane whose pod was deleted (or replaced by a new pod of the same name: another uid) is `gone`:
it keeps its output and offers nothing that cannot work (no re-attach). The watch's delete, a
relist without the pod, a new uid for its name, or the session's end only prompt a GET of the
pod (on the pane's own connection): a 404 or another uid is what makes the pane gone, so a pod
that only left the watch's scope (another namespace or context, a label selector) is not taken
for deleted.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from tui.debug.planner import MANAGED_BY_LABEL, MANAGED_BY_VALUE, SOURCE_POD_ANNOTATION
from tui.display_text import safe_text
from tui.kube.attach_session import AttachSession, SessionStatus
from tui.kube.pod_reads import check_pod, read_logs
from tui.paths import open_private_file
from tui.pods.facts import ContainerEntry, container_entries
from widgets.terminal.asciicast import AsciicastRecorder
from widgets.terminal.terminal_view import TerminalInput, TerminalLeave, TerminalResized, TerminalView

__all__ = [
    "SHELL_COMMANDS",
    "Badge",
    "KeyDisplay",
    "SessionKind",
    "SessionPane",
    "SessionTarget",
    "no_shell_explanation",
]

SessionKind = Literal["attach", "exec"]
#: (binding id, default key) -> the key as the user's keymap has it ("d", "ctrl+d" -> "Ctrl+D")
KeyDisplay = Callable[[str, str], str]

#: Tried in order for a shell (as k9s does: bash when the image has it, else sh).
SHELL_COMMANDS: tuple[tuple[str, ...], ...] = (("bash",), ("sh",))
MISSING_EXECUTABLE = "executable file not found"
RECORD_LIMIT = 16 * 1024 * 1024  # bytes of output kept for "save as .cast"


@dataclass(frozen=True)
class SessionTarget:
    """The container a pane talks to (one pane per container)."""

    namespace: str
    pod: str
    container: str

    @property
    def title(self) -> str:
        return f"{self.pod}/{self.container}"


BadgeState = Literal[
    "waiting", "connecting", "live", "ended", "lost", "failed", "terminated", "no-shell", "closed", "gone"
]


@dataclass(frozen=True)
class Badge:
    """The state shown on the pane's tab: `text` is what the user reads ("ended (exit 3)")."""

    state: BadgeState
    text: str


def _default_key(binding_id: str, default: str) -> str:
    return default


def _entry(pod: dict[str, Any] | None, container: str) -> ContainerEntry | None:
    if pod is None:
        return None
    for entry in container_entries(pod):
        if entry.name == container:
            return entry
    return None


def _uid_of(pod: dict[str, Any] | None) -> str:
    return str(((pod or {}).get("metadata") or {}).get("uid") or "")


def copy_source(pod: dict[str, Any] | None) -> str:
    """"NS/NAME" of the pod that `pod` is Ephemera's copy of ("" for any other pod)."""
    metadata = (pod or {}).get("metadata") or {}
    if (metadata.get("labels") or {}).get(MANAGED_BY_LABEL) != MANAGED_BY_VALUE:
        return ""
    return str((metadata.get("annotations") or {}).get(SOURCE_POD_ANNOTATION) or "") or "?"


def _image_of(pod: dict[str, Any] | None, container: str) -> str:
    entry = _entry(pod, container)
    return entry.image if entry is not None else ""


def no_shell_explanation(target: SessionTarget, image: str = "", debug_key: str = "d") -> str:
    """Why `s` failed on a container without a shell, and what to do instead (`debug_key`: the
    browser's debug key as the user's keymap has it; in the pane itself it is always d)."""
    image_part = f" ({image})" if image else ""
    return (
        f"Container {target.container}{image_part} has no shell: neither bash nor sh is in its image "
        "(a distroless or scratch image ships only the application).\n"
        f"Debug it with an ephemeral container instead: press d here (or {debug_key} on pod {target.pod} in the browser) "
        f"and target container {target.container}; the debugger brings its own shell and tools and sees "
        "the target's processes."
    )


def _terminal_text(data: bytes) -> bytes:
    """Log text for a terminal: bare LF becomes CR LF."""
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


@dataclass(eq=False)
class _SessionEvent(Message):
    status: SessionStatus
    generation: int


@dataclass(eq=False)
class _PodChecked(Message):
    """The answer of a GET of the pane's pod: `found` False for a 404; `error` when the GET failed
    (nothing learned)."""

    found: bool
    uid: str
    error: str = ""


@dataclass(eq=False)
class _LogsLoaded(Message):
    data: bytes
    error: str
    generation: int


class SessionPane(Vertical):
    """A banner (what is going on, what to press) over the terminal."""

    @dataclass(eq=False)
    class BadgeChanged(Message):
        """The pane's badge changed: the tab bar redraws."""

        pane: SessionPane = field(repr=False)

    @dataclass(eq=False)
    class DebugRequested(Message):
        """d in a pane whose container has no shell: open the debug form on its pod."""

        pane: SessionPane = field(repr=False)

    def __init__(
        self,
        target: SessionTarget,
        *,
        connection: Any,
        kind: SessionKind = "attach",
        command: Sequence[str] | None = None,
        pod: dict[str, Any] | None = None,
        id: str | None = None,
        key_display: KeyDisplay | None = None,
    ) -> None:
        """`key_display`: how the browser's keys are shown in the banners (default: as declared)."""
        super().__init__(id=id, classes="session-pane")
        self._key_display: KeyDisplay = key_display if key_display is not None else _default_key
        if kind not in ("attach", "exec"):
            raise ValueError(f"kind must be 'attach' or 'exec', not {kind!r}")
        self.target = target
        self.connection = connection
        self.kind: SessionKind = kind
        self.auto_shell = kind == "exec" and not command
        self._shells: list[tuple[str, ...]] = list(SHELL_COMMANDS) if self.auto_shell else []
        self.argv: list[str] | None = list(command) if command else (list(self._shells.pop(0)) if kind == "exec" else None)
        self.pod = pod
        self.pod_uid = _uid_of(pod)  # the pod this pane is about: a new pod of the same name is another
        self.gone = False  # the pod was deleted (or replaced): nothing to re-attach to
        self.replaced_by = ""  # the uid of the pod that now has the name, when there is one
        self.pod_checks = 0  # GETs of the pod answered (it was still there, gone, or the GET failed)
        self.session: AttachSession | None = None
        self.status: SessionStatus | None = None
        self.generation = 0
        self.phase: Literal["new", "waiting", "session", "logs", "closed", "gone"] = "new"
        self.badge = Badge("connecting", "connecting")
        self.banner_text = ""
        self.exit_code: int | None = None
        self._record_lock = threading.Lock()
        self._record: list[tuple[float, str, bytes | tuple[int, int]]] = []
        self._record_bytes = 0
        self._record_truncated = False
        self._record_start = time.monotonic()
        self._record_size: tuple[int, int] | None = None
        self._terminal = TerminalView(classes="session-terminal")
        self.watched = True  # the shown tab (SessionTabs sets it): its output is seen as it comes
        self.activity = False  # output arrived while another tab was shown
        # A regular container (a copy's debugger) whose process exited is started again by the kubelet
        # (restartPolicy): the restart count of the run attached to, and whether a newer run is seen.
        self._run_restarts: int | None = None
        self.restarted = False  # the kubelet started the container again since the session ended
        self._awaiting_restart = False  # r was pressed before the new run: attach when it runs

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static("", classes="session-banner")
        yield self._terminal

    @property
    def terminal(self) -> TerminalView:
        return self._terminal

    @property
    def banner(self) -> Static:
        return self.query_one(".session-banner", Static)

    def on_mount(self) -> None:
        self._set_banner("")
        self._evaluate(self.pod, first=True)

    # ------------------------------------------------------------------ state shown
    def _set_badge(self, state: BadgeState, text: str | None = None) -> None:
        badge = Badge(state, text or state)
        if badge != self.badge:
            self.badge = badge
            self.post_message(self.BadgeChanged(self))

    def _set_banner(self, text: str, style: str = "info") -> None:
        self.banner_text = text
        if not self.is_mounted:
            return
        banner = self.banner
        banner.update(safe_text(text))  # pod, container and cluster messages: data, never markup
        banner.display = bool(text)
        for name in ("info", "warning", "error"):
            banner.set_class(name == style, f"-{name}")

    @property
    def container_kind(self) -> str:
        """"ephemeral" (spec.ephemeralContainers), "container" (a regular one, e.g. a copy's
        debugger), "init", or "" while the pod is not known."""
        entry = _entry(self.pod, self.target.container)
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
        """"NS/NAME" of the pod this pane's pod is Ephemera's copy of ("" when it is not a copy)."""
        return copy_source(self.pod)

    def _new_run(self, entry: ContainerEntry | None) -> bool:
        """The pod shows a run of the container newer than the one the session attached to."""
        if entry is None or self._run_restarts is None:
            return False
        return entry.restarts > self._run_restarts

    def _note_run(self) -> None:
        """Remember which run of the container the session is attached to (its restart count)."""
        entry = _entry(self.pod, self.target.container)
        if entry is not None and entry.state == "Running":
            self._run_restarts = entry.restarts

    @property
    def finished(self) -> bool:
        """No session is running (ended, lost, failed, waiting, logs or closed)."""
        return self.session is None or self.session.status.finished

    @property
    def can_reattach(self) -> bool:
        """r would start a new session: the connection dropped, the stream ended while the
        container runs on, the upgrade failed, or an exec'd shell ended."""
        if self.phase != "session" or not self.finished or self.badge.state == "no-shell":
            return False
        if self.badge.state in ("lost", "failed"):
            return True
        return self.kind == "exec" or self.exit_code is None or self.kubelet_restarts(self.exit_code)

    # ------------------------------------------------------------------ container state (watch data)
    def update_pod(self, pod: dict[str, Any] | None, *, deleted: bool = False) -> None:
        """The browser's latest copy of the pod; `deleted=True` (pod None): the watch no longer has
        it (a DELETED event, a relist without it): a GET says whether it really is gone."""
        if self.gone or self.phase == "closed":
            return
        if deleted or pod is None:
            if deleted:
                self.check_pod()
            return
        uid = _uid_of(pod)
        if self.pod_uid and uid and uid != self.pod_uid:
            self.check_pod()  # a new pod of that name (a StatefulSet's): this pane's pod was deleted
            return
        if uid and not self.pod_uid:
            self.pod_uid = uid
        self.pod = pod
        if self.phase == "waiting":
            self._evaluate(self.pod)
        else:
            self._check_restarted()

    def _check_restarted(self) -> None:
        """After the attached process exited: say so once the pod shows the kubelet's new run."""
        if (self.phase != "session" or not self.finished or self.restarted or self.kind != "attach"
                or not self.kubelet_restarts(self.exit_code)):
            return
        entry = _entry(self.pod, self.target.container)
        if entry is None or entry.state != "Running" or not self._new_run(entry):
            return
        self.restarted = True
        self._set_badge("ended", f"ended (exit {self.exit_code}), restarted")
        self._set_banner(
            f"Container {self.target.container} was restarted by the kubelet after its process exited "
            f"with code {self.exit_code} (restartPolicy {self.restart_policy}; restarts: {entry.restarts}).\n"
            "Press r to attach to its new run (a new shell: what ran before is gone).",
            "info",
        )

    # ------------------------------------------------------------------ the pod deleted
    def check_pod(self) -> None:
        """GET the pod in a thread worker: a 404, or a pod of that name with another uid, makes the
        pane `gone`; a pod still there (or a failed GET) changes nothing."""
        if self.gone or self.phase == "closed":
            return
        connection, target = self.connection, self.target

        def load() -> None:
            check = check_pod(connection, target.namespace, target.pod)
            self.post_message(_PodChecked(check.found, check.uid, check.error))

        self.run_worker(load, thread=True, group="session-pod-check", exit_on_error=False)

    @on(_PodChecked)
    def _pod_checked(self, message: _PodChecked) -> None:
        message.stop()
        self.pod_checks += 1
        if self.gone or self.phase == "closed" or message.error:
            return
        if not message.found:
            self._mark_gone("")
        elif self.pod_uid and message.uid and message.uid != self.pod_uid:
            self._mark_gone(message.uid)

    def _mark_gone(self, replaced_by: str) -> None:
        """The pod was deleted: end the session if it still runs (its late statuses are dropped),
        keep the output, say so."""
        self.gone = True
        self.replaced_by = replaced_by
        self.phase = "gone"
        self.generation += 1
        session, self.session = self.session, None
        if session is not None and not session.status.finished:
            threading.Thread(target=session.close, name="attach-close", daemon=True).start()
        self._set_badge("gone", "pod deleted")
        self._set_banner(self.gone_text, "warning")

    @property
    def _pod_name(self) -> str:
        return f"{self.target.namespace}/{self.target.pod}"

    @property
    def gone_text(self) -> str:
        """The banner of a pane whose pod was deleted."""
        text = (f"Pod {self._pod_name} was deleted: this session cannot be re-attached. "
                "The output below is kept (y copies, w saves).")
        if self.replaced_by:
            text += ("\nA new pod of that name runs now (another uid): open a session on it from the browser "
                     "(its ephemeral containers, if any, are new ones).")
        return text

    @property
    def gone_notice(self) -> str:
        """What `r` says in a pane whose pod was deleted."""
        return (f"Cannot re-attach {self.target.title}: the pod was deleted ({self._pod_name}). "
                "Its output stays in the pane: y copies, w saves, x closes it.")

    def _evaluate(self, pod: dict[str, Any] | None, *, first: bool = False) -> None:
        entry = _entry(pod, self.target.container)
        if entry is None and not first:
            return  # not in the browser's copy yet: wait for the watch to bring it
        if self._awaiting_restart:
            if entry is not None and entry.state == "Running" and self._new_run(entry):
                self._awaiting_restart = False
                self._start_session()
                return
            state = (entry.reason or entry.state) if entry is not None else "not listed"
            self.phase = "waiting"
            self._set_badge("waiting", "waiting: restart")
            self._set_banner(
                f"Waiting for the kubelet to restart container {self.target.container} ({state}): "
                "the attach starts as soon as its new run is Running.",
                "warning" if entry is not None and entry.reason == "CrashLoopBackOff" else "info",
            )
            return
        if entry is None or entry.state == "Running":
            # Unknown to the browser (another namespace, not listed yet): let the server decide.
            self._start_session()
            return
        if entry.state == "Terminated":
            self._show_terminated(entry)
            return
        reason = entry.reason or "no status yet"
        detail = f": {entry.message}" if entry.message else ""
        self.phase = "waiting"
        self._set_badge("waiting", f"waiting: {reason}")
        self._set_banner(
            f"Waiting for container {self.target.container} to run: {reason}{detail}\n"
            f"The {'shell' if self.kind == 'exec' else 'attach'} starts as soon as it is Running.",
            "warning" if entry.reason not in ("", "ContainerCreating", "PodInitializing") else "info",
        )

    def _show_terminated(self, entry: ContainerEntry) -> None:
        self.phase = "logs"
        self.exit_code = entry.exit_code
        code = f"exit {entry.exit_code}" if entry.exit_code is not None else "no exit code"
        self._set_badge("terminated", f"terminated ({code})")
        reason = f" ({entry.reason})" if entry.reason else ""
        self._set_banner(
            f"Container {self.target.container} has terminated with {code}{reason}; its logs are below.\n"
            + (
                f"An ephemeral container cannot be restarted: press {self._key_display('debug', 'd')} in the "
                "browser to add a new one."
                if entry.kind == "ephemeral"
                else "Its logs are those of the last run."
            ),
            "warning",
        )
        self.generation += 1
        generation = self.generation
        connection, target = self.connection, self.target

        def load() -> None:
            data, error = read_logs(connection, target.namespace, target.pod, target.container)
            self.post_message(_LogsLoaded(data, error, generation))

        self.run_worker(load, thread=True, group="session-logs", exit_on_error=False)

    @on(_LogsLoaded)
    def _logs_loaded(self, message: _LogsLoaded) -> None:
        message.stop()
        if message.generation != self.generation:
            return
        header = f"\x1b[2m--- logs of {self.target.title} ---\x1b[0m\r\n".encode()
        if message.error:
            body = f"\x1b[31mcould not read the logs: {message.error}\x1b[0m\r\n".encode()
        elif not message.data:
            body = b"\x1b[2m(no log output)\x1b[0m\r\n"
        else:
            body = _terminal_text(message.data)
        self._on_output(header + body)

    # ------------------------------------------------------------------ the session
    def _start_session(self) -> None:
        self.generation += 1
        generation = self.generation
        self.phase = "session"
        self.exit_code = None
        self.restarted = False
        terminal = self.terminal
        cols, rows = terminal.size_in_cells
        session = AttachSession(
            self.connection,
            self.target.namespace,
            self.target.pod,
            self.target.container,
            kind=self.kind,
            command=self.argv,
            on_output=self._on_output,
            on_status=lambda status: self.post_message(_SessionEvent(status, generation)),
            cols=cols,
            rows=rows,
        )
        self.session = session
        self._note_run()
        self._set_badge("connecting", "connecting")
        what = "attach to" if self.kind == "attach" else f"exec {' '.join(self.argv or [])} in"
        self._set_banner(f"Connecting: {what} {self.target.title}…")
        session.start()

    def _on_output(self, data: bytes) -> None:
        """Session output (any thread): to the terminal, and to the recording."""
        if self.phase == "closed":
            return  # a closed pane's session may still deliver a last chunk
        self.terminal.feed(data)
        if not self.watched and not self.activity:
            self.activity = True  # once per hidden stretch: the tab bar marks the tab
            self.post_message(self.BadgeChanged(self))
        with self._record_lock:
            if self._record_bytes + len(data) > RECORD_LIMIT:
                self._record_truncated = True
                return
            self._record_bytes += len(data)
            self._record.append((time.monotonic(), "o", data))

    @on(_SessionEvent)
    def _session_event(self, message: _SessionEvent) -> None:
        message.stop()
        if message.generation != self.generation:
            return
        status = message.status
        self.status = status
        if status.state == "connecting":
            self._set_badge("connecting")
        elif status.state == "live":
            self._note_run()
            self._set_badge("live")
            self._set_banner("")
        elif status.state == "ended":
            self._ended(status)
        elif status.state == "lost":
            self.check_pod()
            self._set_badge("lost", "connection lost")
            keeps = "The shell keeps running in the container" if self.kind == "attach" else "The exec'd shell may have ended with it"
            self._set_banner(
                f"Connection lost: {status.message.removeprefix('connection lost: ')}\n"
                f"{keeps}: press r to re-attach.",
                "error",
            )
        elif status.state == "failed":
            error = status.error
            if error is not None and error.status == 400 and self.pod is not None:
                entry = _entry(self.pod, self.target.container)
                if entry is None:
                    # Just created: the browser's copy of the pod does not show it yet.
                    self.phase = "waiting"
                    self._set_badge("waiting", "waiting")
                    self._set_banner(f"Waiting for container {self.target.container} to run: {status.message}")
                    return
                if entry.state != "Running":
                    self._evaluate(self.pod)
                    return
            self.check_pod()
            self._set_badge("failed")
            hint = f"\n{error.hint}" if error is not None and error.hint else ""
            self._set_banner(f"Cannot {self.kind} {self.target.title}: {status.message}{hint}\nPress r to try again.", "error")

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
                self.argv = list(self._shells.pop(0))
                self._start_session()
                return
            if self.auto_shell:
                self._set_badge("no-shell", "no shell")
                self._set_banner(no_shell_explanation(self.target, _image_of(self.pod, self.target.container),
                                                          self._key_display("debug", "d")), "error")
                return
        self.exit_code = status.exit_code
        if status.message != "closed":
            self.check_pod()  # a stream that ended as its pod was deleted: say so before the watch does
        if status.exit_code is not None:
            self._set_badge("ended", f"ended (exit {status.exit_code})")
            if self.kind == "attach":
                if self._run_restarts is None:  # the pod was not known while the session ran: best effort
                    entry = _entry(self.pod, self.target.container)
                    self._run_restarts = entry.restarts if entry is not None else None
                self._set_banner(self._exited_text(status.exit_code), "warning")
                self._check_restarted()  # the watch may have shown the new run before this event
            else:
                self._set_banner(f"The shell exited with code {status.exit_code}. Press r for a new shell.", "warning")
            return
        self._set_badge("ended")
        if status.message == "closed":
            self._set_banner("Detached.")
        elif self.kind == "exec":
            self._set_banner(f"The exec session ended: {status.message}. Press r for a new shell.", "warning")
        else:
            self._set_banner(f"The attach stream ended: {status.message}. Press r to re-attach.", "warning")

    def _exited_text(self, code: int) -> str:
        """The banner of an attach whose container's process exited: what the container's kind (and
        its pod's restartPolicy) make of it."""
        container, debug_key = self.target.container, self._key_display("debug", "d")
        exited = f"The container's process exited with code {code}"
        kind = self.container_kind
        if kind == "ephemeral":
            return (f"{exited}: {container} has terminated (an ephemeral container cannot be restarted; "
                    f"{debug_key} in the browser adds a new one).")
        if kind != "container":
            return f"{exited}: {container} has terminated."
        source = self.copy_source
        of_pod = f"of the copy {self._pod_name}" if source else f"of pod {self._pod_name}"
        stays = (f"\nThe copy stays until it is deleted ({self._key_display('cleanup', 'C')} in the browser, or "
                 f"ephemera cleanup -n {self.target.namespace})." if source else "")
        if self.kubelet_restarts(code):
            return (f"{exited}. {container} is a regular container {of_pod} (restartPolicy {self.restart_policy}): "
                    f"the kubelet restarts it; press r to attach to its new run.{stays}")
        return (f"{exited}: {container}, a regular container {of_pod}, has terminated and stays so "
                f"(restartPolicy {self.restart_policy}).{stays}")

    def reattach(self) -> bool:
        """Start a new session into the same terminal (after a lost connection, a failure, or the
        kubelet's restart of a regular container: then on its new run, waiting for it if need be)."""
        if not self.can_reattach:
            return False
        if self.exit_code is not None and self.kind == "attach" and self.kubelet_restarts(self.exit_code):
            self.terminal.feed(b"\r\n\x1b[2m--- attaching to the container's new run ---\x1b[0m\r\n")
            self._awaiting_restart = True
            self._evaluate(self.pod)  # at once when the new run is seen, else when the watch shows it
            return True
        self.terminal.feed(b"\r\n\x1b[2m--- re-attaching ---\x1b[0m\r\n")
        self._start_session()
        return True

    def close_session(self) -> str:
        """End the session without blocking (the close runs in a thread); returns a notice that
        says plainly what happens to the process in the container."""
        session, self.session = self.session, None
        self.generation += 1
        running = session is not None and not session.status.finished
        self.phase = "closed"
        if session is not None:
            threading.Thread(target=session.close, name="attach-close", daemon=True).start()
        if not running:
            return f"Closed the pane of {self.target.title}."
        if self.kind == "attach":
            return (
                f"Detached from {self.target.title}: its shell keeps running in the container. "
                "Press a on the pod to re-attach."
            )
        return (
            f"Closed the shell into {self.target.title}: the exec'd shell ends with its connection; "
            "the container keeps running. Press s on the pod for a new shell."
        )

    # ------------------------------------------------------------------ terminal events
    @on(TerminalInput)
    def _input(self, message: TerminalInput) -> None:
        message.stop()
        session = self.session
        if session is not None and not session.status.finished:
            session.write(message.data)
        elif message.data in (b"r", b"R"):
            if self.gone:
                self.app.notify(self.gone_notice, title="Pod deleted", severity="warning", timeout=8)
            else:
                self.reattach()
        elif message.data == b"d" and self.badge.state == "no-shell":
            self.post_message(self.DebugRequested(self))
        elif message.data == b"\x1b":
            # Nothing runs here to take the key: Esc leaves the pane, as Ctrl+] does.
            self.post_message(TerminalLeave(terminal=self.terminal))

    @on(TerminalResized)
    def _resized(self, message: TerminalResized) -> None:
        message.stop()
        with self._record_lock:
            if self._record_size is None:
                self._record_size = (message.cols, message.rows)
            else:
                self._record.append((time.monotonic(), "r", (message.cols, message.rows)))
        if self.session is not None:
            self.session.resize(message.cols, message.rows)

    # ------------------------------------------------------------------ copy and save
    def screen_text(self) -> str:
        """What the pane shows as text (trailing blank lines dropped): the terminal's screen, or the
        scrollback lines the view is scrolled back to."""
        terminal = self.terminal
        terminal.flush_pending()
        lines = terminal.shown_text()
        while lines and not lines[-1].strip():
            lines.pop()
        return "\n".join(lines)

    def save_cast(self, path: str | Path) -> tuple[Path, bool]:
        """Write the recorded session as asciicast v2; returns (path, truncated)."""
        with self._record_lock:
            events = list(self._record)
            truncated = self._record_truncated
            size = self._record_size or self.terminal.size_in_cells
        now = [self._record_start]
        recorder = AsciicastRecorder(open_private_file(path), size[0], size[1],
                                     title=f"{self.kind} {self.target.title}", clock=lambda: now[0])
        try:
            for moment, kind, data in events:
                now[0] = moment
                if kind == "o":
                    assert isinstance(data, bytes)
                    recorder.output(data)
                else:
                    assert isinstance(data, tuple)
                    recorder.resize(*data)
        finally:
            recorder.close()
        return Path(path), truncated
