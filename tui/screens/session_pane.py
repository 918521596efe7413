"""SessionPane: one attach/exec session to a container, shown in a `TerminalView`, with a banner.

The session's life is `tui.sessions.runner.SessionRunner` (no Textual): it waits while the container
is not running yet, shows the logs and exit code of a container that has terminated, runs the
attach/exec stream, tries `bash` then `sh` for a shell, re-attaches, records the output, and finds
out when the pod was deleted. The pane gives it the browser's copies of the pod and the user's
keys, and renders what it reports: each `SessionState` becomes a message to the pane (the badge on
its tab, the banner: what is going on, what to press), each `SessionOutput` goes straight to the
terminal (thread-safe, with its flow control). A recorded session can be saved as an asciicast v2
file.

A pane whose pod was deleted (or replaced by a new pod of the same name: another uid) is `gone`:
it keeps its output and offers nothing that cannot work (no re-attach).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from tui.display_text import safe_text
from tui.left_running import OpenSession
from tui.paths import open_private_file
from tui.sessions.runner import (
    LOGS_HEADER,
    SHELL_COMMANDS,
    PodChecked,
    SessionEvent,
    SessionKind,
    SessionOutput,
    SessionRunner,
    SessionState,
    SessionTarget,
    copy_source,
)
from widgets.terminal.asciicast import AsciicastRecorder
from widgets.terminal.terminal_view import TerminalLeave, TerminalResized, TerminalView

if TYPE_CHECKING:
    from tui.kube.attach_session import AttachSession, SessionStatus

__all__ = [
    "SHELL_COMMANDS",
    "Badge",
    "KeyDisplay",
    "SessionKind",
    "SessionPane",
    "SessionTarget",
    "copy_source",
    "no_shell_explanation",
]

#: (binding id, default key) -> the key as the user's keymap has it ("d", "ctrl+d" -> "Ctrl+D")
KeyDisplay = Callable[[str, str], str]

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


@dataclass(eq=False)
class _StateChanged(Message):
    """The runner's new state (posted from its thread): the pane renders it."""

    state: SessionState


@dataclass(eq=False)
class _PodAnswered(Message):
    """The runner's GET of the pane's pod answered (after the state it led to)."""

    check: PodChecked


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
        # keys go to the session as they are handled, not behind a message (the echo path, issue 15)
        self._terminal = TerminalView(classes="session-terminal", on_input=self._typed)
        self.runner = SessionRunner(
            connection, target, kind=kind, command=command, shells=SHELL_COMMANDS, pod=pod,
            on_event=self._runner_event, terminal_size=lambda: self._terminal.size_in_cells,
        )
        self.pod_checks = 0  # GETs of the pod answered (it was still there, gone, or the GET failed)
        self.badge = Badge("connecting", "connecting")
        self.banner_text = ""
        self.watched = True  # the shown tab (SessionTabs sets it): its output is seen as it comes
        self.activity = False  # output arrived while another tab was shown

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
        self.runner.start()

    # ------------------------------------------------------------------ the runner's state, read
    @property
    def auto_shell(self) -> bool:
        return self.runner.auto_shell

    @property
    def argv(self) -> list[str] | None:
        return self.runner.argv

    @property
    def pod(self) -> dict[str, Any] | None:
        return self.runner.pod

    @property
    def pod_uid(self) -> str:
        return self.runner.pod_uid

    @property
    def gone(self) -> bool:
        """The pod was deleted (or replaced): nothing to re-attach to."""
        return self.runner.gone

    @property
    def replaced_by(self) -> str:
        return self.runner.replaced_by

    @property
    def session(self) -> AttachSession | None:
        return self.runner.session

    @property
    def status(self) -> SessionStatus | None:
        return self.runner.status

    @property
    def exit_code(self) -> int | None:
        return self.runner.exit_code

    @property
    def restarted(self) -> bool:
        """The kubelet started the container again since the session ended."""
        return self.runner.restarted

    @property
    def container_kind(self) -> str:
        """"ephemeral" (spec.ephemeralContainers), "container" (a regular one, e.g. a copy's
        debugger), "init", or "" while the pod is not known."""
        return self.runner.container_kind

    @property
    def restart_policy(self) -> str:
        return self.runner.restart_policy

    def kubelet_restarts(self, exit_code: int | None) -> bool:
        """Whether the kubelet starts this container again after its process exited with `exit_code`."""
        return self.runner.kubelet_restarts(exit_code)

    @property
    def copy_source(self) -> str:
        """"NS/NAME" of the pod this pane's pod is Ephemera's copy of ("" when it is not a copy)."""
        return self.runner.copy_source

    @property
    def finished(self) -> bool:
        """No session is running (ended, lost, failed, waiting, logs or closed)."""
        return self.runner.finished

    @property
    def can_reattach(self) -> bool:
        """r would start a new session: the connection dropped, the stream ended while the
        container runs on, the upgrade failed, or an exec'd shell ended."""
        return self.runner.can_reattach

    def update_pod(self, pod: dict[str, Any] | None, *, deleted: bool = False) -> None:
        """The browser's latest copy of the pod; `deleted=True` (pod None): the watch no longer has
        it (a DELETED event, a relist without it): a GET says whether it really is gone."""
        self.runner.update_pod(pod, deleted=deleted)

    def check_pod(self) -> None:
        """GET the pod: a 404, or a pod of that name with another uid, makes the pane `gone`."""
        self.runner.check_pod()

    # ------------------------------------------------------------------ the runner's events
    def _runner_event(self, event: SessionEvent) -> None:
        """The runner's report (any thread): output to the terminal, the rest as messages."""
        if isinstance(event, SessionOutput):
            self.terminal.feed(event.data)
            if not self.watched and not self.activity:
                self.activity = True  # once per hidden stretch: the tab bar marks the tab
                self.post_message(self.BadgeChanged(self))
        elif isinstance(event, SessionState):
            self.post_message(_StateChanged(event))
        else:
            self.post_message(_PodAnswered(event))

    @on(_PodAnswered)
    def _pod_answered(self, message: _PodAnswered) -> None:
        message.stop()
        self.pod_checks += 1

    @on(_StateChanged)
    def _state_changed(self, message: _StateChanged) -> None:
        message.stop()
        self.terminal.escape_leaves = self.finished  # in order with the keys: none typed behind it lands here
        self._show_state(message.state)
        if message.state.phase == "terminated" and message.state.logs is not None:
            self._show_logs_from_their_header()

    def _show_logs_from_their_header(self) -> None:
        """A pane that opens on a finished container's logs starts at their header, not past it (long
        logs would otherwise show their end with the header and first lines out of sight)."""
        terminal = self.terminal
        header = terminal.find_line(LOGS_HEADER.format(title=self.target.title))
        if header is not None and not any(terminal.engine.line_text(i).strip() for i in range(header)):
            terminal.scroll_to_line(header)

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

    def _show_state(self, state: SessionState) -> None:
        """The badge and banner of a state."""
        container = self.target.container
        phase = state.phase
        if phase == "waiting":
            if state.waiting_for == "restart":
                self._set_badge("waiting", "waiting: restart")
                self._set_banner(
                    f"Waiting for the kubelet to restart container {container} ({state.reason}): "
                    "the attach starts as soon as its new run is Running." + self._crash_hint(state.reason),
                    "warning" if state.reason == "CrashLoopBackOff" else "info",
                )
            elif state.waiting_for == "listing":
                self._set_badge("waiting", "waiting")
                self._set_banner(f"Waiting for container {container} to run: {state.message}")
            else:
                reason = state.reason or "no status yet"
                detail = f": {state.detail}" if state.detail else ""
                self._set_badge("waiting", f"waiting: {reason}")
                self._set_banner(
                    f"Waiting for container {container} to run: {reason}{detail}\n"
                    f"The {'shell' if self.kind == 'exec' else 'attach'} starts as soon as it is Running."
                    + self._crash_hint(state.reason),
                    "warning" if state.reason not in ("", "ContainerCreating", "PodInitializing") else "info",
                )
        elif phase == "connecting":
            self._set_badge("connecting", "connecting")
            what = "attach to" if self.kind == "attach" else f"exec {' '.join(state.argv)} in"
            self._set_banner(f"Connecting: {what} {self.target.title}…")
        elif phase == "live":
            self._set_badge("live")
            self._set_banner("")
        elif phase == "ended":
            self._show_ended(state)
        elif phase == "no-shell":
            self._set_badge("no-shell", "no shell")
            self._set_banner(no_shell_explanation(self.target, state.image, self._key_display("debug", "d")), "error")
        elif phase == "lost":
            self._set_badge("lost", "connection lost")
            keeps = "The shell keeps running in the container" if self.kind == "attach" else "The exec'd shell may have ended with it"
            self._set_banner(
                f"Connection lost: {state.message.removeprefix('connection lost: ')}\n"
                f"{keeps}: press r to re-attach.",
                "error",
            )
        elif phase == "failed":
            self._set_badge("failed")
            error = state.error
            hint = f"\n{error.hint}" if error is not None and error.hint else ""
            self._set_banner(f"Cannot {self.kind} {self.target.title}: {state.message}{hint}\nPress r to try again.", "error")
        elif phase == "terminated":
            code = f"exit {state.exit_code}" if state.exit_code is not None else "no exit code"
            self._set_badge("terminated", f"terminated ({code})")
            reason = f" ({state.reason})" if state.reason else ""
            self._set_banner(
                f"Container {container} has terminated with {code}{reason}; its logs are below.\n"
                + (
                    f"An ephemeral container cannot be restarted: press {self._key_display('debug', 'd')} in the "
                    "browser to add a new one."
                    if state.container_kind == "ephemeral"
                    else "Its logs are those of the last run."
                ),
                "warning",
            )
        elif phase == "gone":
            self._set_badge("gone", "pod deleted")
            self._set_banner(self.gone_text, "warning")
        # new, closed: nothing to show (a closed pane is removed)

    def _show_ended(self, state: SessionState) -> None:
        code = state.exit_code
        if state.restarted:
            self._set_badge("ended", f"ended (exit {code}), restarted")
            self._set_banner(
                f"Container {self.target.container} was restarted by the kubelet after its process exited "
                f"with code {code} (restartPolicy {self.restart_policy}; restarts: {state.restarts}).\n"
                "Press r to attach to its new run (a new shell: what ran before is gone).",
                "info",
            )
            return
        if code is not None:
            self._set_badge("ended", f"ended (exit {code})")
            if self.kind == "attach":
                self._set_banner(self._exited_text(code), "warning")
            else:
                self._set_banner(f"The shell exited with code {code}. Press r for a new shell.", "warning")
            return
        self._set_badge("ended")
        if state.message == "closed":
            self._set_banner("Detached.")
        elif self.kind == "exec":
            self._set_banner(f"The exec session ended: {state.message}. Press r for a new shell.", "warning")
        else:
            self._set_banner(f"The attach stream ended: {state.message}. Press r to re-attach.", "warning")

    def _crash_hint(self, reason: str) -> str:
        """For a container that keeps crashing: where its output and a way in are (else nothing)."""
        if reason not in ("CrashLoopBackOff", "Error"):
            return ""
        return (f"\nIt keeps crashing: {self._key_display('previous_logs', 'p')} in the browser shows its previous "
                f"run's output (why it stopped); {self._key_display('debug', 'd')} adds a debugger (a copy of the "
                "pod sharing its processes, or one targeting a container).")

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

    # ------------------------------------------------------------------ the user's requests
    def reattach(self) -> bool:
        """Start a new session into the same terminal (after a lost connection, a failure, or the
        kubelet's restart of a regular container: then on its new run, waiting for it if need be)."""
        plan = self.runner.reattach_plan()
        if not plan:
            return False
        if plan == "new-run":
            self.terminal.feed(b"\r\n\x1b[2m--- attaching to the container's new run ---\x1b[0m\r\n")
        else:
            self.terminal.feed(b"\r\n\x1b[2m--- re-attaching ---\x1b[0m\r\n")
        return self.runner.reattach()

    def close_session(self) -> str:
        """End the session without blocking (the runner closes it in a thread); returns a notice that
        says plainly what happens to the process in the container."""
        running = self.runner.close()
        if not running:
            return f"Closed the pane of {self.target.title}."
        if self.kind == "attach":
            remember = getattr(self.app, "remember_detached", None)  # for the summary when quitting
            if remember is not None:
                target = self.target
                remember(OpenSession(target.namespace, target.pod, target.container, "attach",
                                     ephemeral=self.container_kind != "container", copy_of=self.copy_source,
                                     since="detached"))
            return (
                f"Detached from {self.target.title}: its shell keeps running in the container. "
                "Press a on the pod to re-attach."
            )
        return (
            f"Closed the shell into {self.target.title}: the exec'd shell ends with its connection; "
            "the container keeps running. Press s on the pod for a new shell."
        )

    # ------------------------------------------------------------------ terminal events
    def _typed(self, data: bytes) -> None:
        """What the user typed, pasted or clicked in the terminal (in order, as each key is handled):
        to the session, or, with none running, r re-attaches, d debugs a shell-less container, Esc leaves."""
        if self.runner.write(data):
            return
        if data in (b"r", b"R"):
            if self.gone:
                self.app.notify(self.gone_notice, title="Pod deleted", severity="warning", timeout=8)
            else:
                self.reattach()
        elif data == b"d" and self.badge.state == "no-shell":
            self.post_message(self.DebugRequested(self))
        elif data == b"\x1b":
            # Nothing runs here to take the key: Esc leaves the pane, as Ctrl+] does.
            self.post_message(TerminalLeave(terminal=self.terminal))

    @on(TerminalResized)
    def _resized(self, message: TerminalResized) -> None:
        message.stop()
        self.runner.resize(message.cols, message.rows)

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
        recording = self.runner.recording()
        size = recording.size or self.terminal.size_in_cells
        now = [recording.start]
        recorder = AsciicastRecorder(open_private_file(path), size[0], size[1],
                                     title=f"{self.kind} {self.target.title}", clock=lambda: now[0])
        try:
            for moment, kind, data in recording.events:
                now[0] = moment
                if kind == "o":
                    assert isinstance(data, bytes)
                    recorder.output(data)
                else:
                    assert isinstance(data, tuple)
                    recorder.resize(*data)
        finally:
            recorder.close()
        return Path(path), recording.truncated
