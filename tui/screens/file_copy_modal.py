"""`F` on a pod: copy a file out of (or into) one of its containers through a debugger.

For a distroless container, where `kubectl cp` fails for lack of tar: the copy runs in a running
debugger sharing the container's PID namespace (`tui.kube.file_copy`, planned by
`tui.debug.file_copy`), reading or writing `/proc/<pid>/root/PATH`. Fields: direction (out: the
container's file or directory to a local path; in: a local file to the container), the container,
the path in it, the local path (default: a private directory of Ephemera's state, `tui.paths`:
0700, files 0600). Ctrl+S copies in a thread worker; the status line shows the progress of large
files, then what was copied, its sha256 and how it was checked (sha256sum in the debugger, or both
ends of the stream hashed locally); a copy in is one audit log line. Esc closes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static

from tui.display_text import safe_text, visible_line
from tui.kube.file_copy import CopyInPlan, CopyResult, copy_in, copy_out, plan_copy_in
from tui.paths import ensure_private_dir, logs_dir
from tui.screens.background import BackgroundFailed, BackgroundResult, run_in_background
from tui.screens.confirm_modal import ConfirmModal
from tui.screens.pod_target import selected_and_connected
from widgets.form_controls import SafeInput

if TYPE_CHECKING:
    from tui.screens.browser_screen import BrowserScreen

__all__ = ["CopyDone", "CopyProgress", "FileCopyModal", "default_local_dir", "open_file_copy"]

DIRECTIONS = [("out: container → local", "out"), ("in: local file → container", "in")]


def default_local_dir() -> Path:
    """`$XDG_STATE_HOME/ephemera/files` (created 0700 when a copy writes there)."""
    return logs_dir().parent / "files"


@dataclass
class CopyProgress(Message):
    done: int
    total: int | None


@dataclass
class CopyDone(BackgroundResult):
    result: CopyResult


@dataclass
class CopyInPlanned(BackgroundResult):
    plan: CopyInPlan


class FileCopyModal(ModalScreen[CopyResult | None]):
    """Dismissed with Esc (None); a finished copy stays shown until then."""

    DEFAULT_CSS = """
    FileCopyModal { align: center middle; }
    FileCopyModal #file-copy { width: 96; max-width: 95%; height: auto; max-height: 90%;
        background: $panel; border: thick $accent; padding: 0 1; }
    FileCopyModal .label { color: $text-muted; margin-top: 1; }
    FileCopyModal #copy-status { margin-top: 1; }
    """
    HELP_TITLE = "copy files"
    BINDINGS = [
        Binding("ctrl+s", "copy", "Copy", priority=True),
        Binding("escape", "close", "Close"),
    ]

    def __init__(self, pod: dict[str, Any], *, connection: Any, audit_log: Any = None, context: str = "",
                 debugger_hint: str = "") -> None:
        super().__init__()
        metadata = pod.get("metadata") or {}
        self.namespace = str(metadata.get("namespace") or "default")
        self.pod_name = str(metadata.get("name") or "")
        self.containers = [str(c.get("name")) for c in (pod.get("spec") or {}).get("containers") or ()]
        self.connection = connection
        self.audit_log = audit_log
        self.context = context
        self.debugger_hint = debugger_hint
        self.copying = False
        self.result: CopyResult | None = None

    def compose(self) -> ComposeResult:
        box = Vertical(id="file-copy")
        box.border_title = Text(visible_line(f"Copy files: {self.namespace}/{self.pod_name}"))
        box.border_subtitle = "Ctrl+S copy · Tab next · Esc close"
        with box:
            yield Static(safe_text("Through a running debugger that shares the container's processes "
                                   "(/proc/<pid>/root): no tar needed in the container.", style="dim"))
            yield Static("direction", classes="label")
            yield Select(DIRECTIONS, value="out", allow_blank=False, id="direction", compact=True)
            yield Static("container", classes="label")
            yield Select([(Text(visible_line(name)), name) for name in self.containers], id="container", compact=True,
                         value=self.containers[0] if self.containers else Select.NULL,
                         allow_blank=not self.containers)
            yield Static("path in the container", classes="label")
            yield SafeInput(placeholder="path in the container, e.g. /etc/os-release", id="remote", compact=True)
            yield Static("local path", classes="label")
            yield SafeInput(str(default_local_dir() / self.pod_name), id="local", compact=True)
            yield Static("", id="copy-status")

    def on_mount(self) -> None:
        self.query_one("#remote", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "remote":
            self.query_one("#local", Input).focus()
        else:
            self.action_copy()

    def _status(self, text: Text) -> None:
        self.query_one("#copy-status", Static).update(text)

    @property
    def status_text(self) -> str:
        return str(self.query_one("#copy-status", Static).render())

    def action_copy(self) -> None:
        if self.copying:
            return
        direction = self.query_one("#direction", Select).value
        container = self.query_one("#container", Select).value
        remote = self.query_one("#remote", Input).value.strip()
        local = self.query_one("#local", Input).value.strip()
        missing = next(((field, what) for field, what, given in (
            ("container", "Choose the container", isinstance(container, str)),
            ("remote", "Give the path in the container (e.g. /etc/os-release)", bool(remote)),
            ("local", "Give the local path", bool(local))) if not given), None)
        if missing is not None:
            field, what = missing
            self._status(safe_text(f"{what}: it is empty", style="yellow"))
            self.query_one(f"#{field}").focus()
            return
        if not isinstance(container, str):  # (said above: for the type checker)
            return
        self.copying = True
        self._status(safe_text("copying…"))
        conn, namespace, pod = self.connection, self.namespace, self.pod_name

        def progress(done: int, total: int | None) -> None:  # the worker's thread: only post
            self.post_message(CopyProgress(done, total))

        if direction == "in":  # the pre-flight first, then (asked when it replaces a file) the copy
            self._status(safe_text("pre-flight: access (create pods/exec) and the destination…"))
            run_in_background(self, lambda: plan_copy_in(conn, namespace, pod, container, local, remote),
                              CopyInPlanned, group="file-copy")
            return

        def work() -> CopyResult:
            if Path(local).expanduser() == default_local_dir() / pod:
                ensure_private_dir(Path(local).expanduser())  # the default: a private directory
            return copy_out(conn, namespace, pod, container, remote, local, on_progress=progress)

        run_in_background(self, work, CopyDone, group="file-copy")

    @on(CopyInPlanned)
    def _planned(self, message: CopyInPlanned) -> None:
        plan = message.plan
        if not plan.exists:
            self._copy_in(plan)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._copy_in(plan)
            else:
                self.copying = False
                self._status(safe_text(f"cancelled: {plan.remote} left as it was, nothing written", style="yellow"))

        self._status(safe_text(f"{plan.remote} exists: asking before overwriting it", style="yellow"))
        self.app.push_screen(ConfirmModal(plan.question, plan.reasons, confirm_label="Overwrite"), answered)

    def _copy_in(self, plan: CopyInPlan) -> None:
        self._status(safe_text("copying…"))
        conn = self.connection

        def progress(done: int, total: int | None) -> None:  # the worker's thread: only post
            self.post_message(CopyProgress(done, total))

        def work() -> CopyResult:
            return copy_in(conn, plan.namespace, plan.pod, plan.target, plan.source, plan.remote,
                           on_progress=progress, audit_log=self.audit_log, context=self.context, plan=plan,
                           overwrite=plan.exists)

        run_in_background(self, work, CopyDone, group="file-copy")

    @on(CopyProgress)
    def _progress(self, message: CopyProgress) -> None:
        if not self.copying:
            return
        if message.total:
            text = f"copying… {message.done} / {message.total} bytes ({message.done * 100 // message.total} %)"
        else:
            text = f"copying… {message.done} bytes"
        self._status(safe_text(text))

    @on(CopyDone)
    def _done(self, message: CopyDone) -> None:
        self.copying = False
        self.result = result = message.result
        style = "green" if result.verified else "bold red"
        text = safe_text(result.summary if result.verified else f"checksum MISMATCH: {result.summary}", style=style)
        for note in result.notes:
            text.append("\n" + visible_line(note), style="dim")
        self._status(text)
        self.app.notify(visible_line(result.summary), severity="information" if result.verified else "error")

    @on(BackgroundFailed)
    def _failed(self, message: BackgroundFailed) -> None:
        if message.group != "file-copy":
            return
        message.stop()
        self.copying = False
        self._status(safe_text(f"copy failed: {message.error}", style="red"))

    def action_close(self) -> None:
        self.dismiss(self.result)


def open_file_copy(browser: BrowserScreen) -> None:
    """`F`: the copy modal on the selected pod."""
    target = selected_and_connected(browser)
    if target is None:
        return
    _key, pod, connection = target
    browser.app.push_screen(FileCopyModal(pod, connection=connection,
                                          audit_log=getattr(browser.app, "audit_log", None),
                                          context=browser.context_name or ""))
