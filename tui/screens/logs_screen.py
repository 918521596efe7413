"""`l` / `p`: the logs of a container of the selected pod (regular, init or ephemeral), as k9s has them.

`l` reads the current run's log (followed live while the container runs), `p` the run before the
last restart (`previous=true`: a crash-looping container's dying words). Which container: the only
one, else a picker (every container of the pod, its state beside it; highlighted first is the one
`kubectl logs` picks for `l`, the one that restarted most for `p`); `c` picks another in the view.

Reading: one-shot reads are `tui.kube.pod_reads.fetch_logs` (the session pane's and `ephemera
debug`'s path too) in a thread worker; following is `tui.kube.log_follow.LogFollower`, a stream
that owns its thread and only posts typed messages (`LogLinesArrived`, `LogStreamEnded`, not
dispatched once it is stopped: a new read, `f` off, the view closed). Both ask for timestamps and
parse off the UI thread (`tui.pods.log_text`: every line made visible text), so `t` shows or hides
them without a new read. The lines go to `widgets.log_view.LogView`, a Line API view that stays
fast at 100,000 lines.

Keys (BINDINGS below, also in the help and the palette): f follow, t timestamps, w wrap, / n N
search, r limits (tail / since), c container, l / p current / previous run, v select lines, y copy
(the selection, else the lines in view; OSC 52 over SSH), Ctrl+S save (a private file under
`tui.paths.logs_dir()`; a notice says where), Esc back. Errors (the pod gone, no previous run, not
allowed, not started yet) are said in place of the log with what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from tui.clipboard import copy_text
from tui.display_text import counted, safe_text, visible_line
from tui.kube.errors import ClusterError, describe_exception
from tui.kube.log_follow import LogFollower
from tui.kube.pod_reads import LogRequest, fetch_logs
from tui.paths import ensure_private_dir, logs_dir, write_private_file
from tui.pods.facts import ContainerEntry, container_entries
from tui.pods.log_text import (
    DEFAULT_LIMIT,
    LIMITS,
    LogLimit,
    LogLine,
    limit_label,
    lines_text,
    log_candidates,
    log_file_name,
    parse_log,
    parse_log_lines,
)
from tui.screens.background import BackgroundFailed, BackgroundResult, StreamMessage, forget, run_in_background
from tui.screens.picker_modal import PickerModal
from tui.screens.pod_target import selected_and_connected
from widgets.form_controls import SafeInput
from widgets.log_view import LogView

if TYPE_CHECKING:
    from tui.screens.browser_screen import BrowserScreen

__all__ = ["LogsScreen", "open_logs"]

STATE_SEPARATOR = "  "
# A followed log is kept to this many lines: past it the oldest tenth is dropped (a chatty container
# followed for hours must not take the machine's memory); `r` all lines reads the whole log again.
MAX_FOLLOWED_LINES = 500_000


@dataclass
class LogsRead(BackgroundResult):
    """A one-shot read finished: the lines, parsed and made visible."""

    lines: list[LogLine]


@dataclass
class LogLinesArrived(StreamMessage):
    """Lines of the followed log (dropped once `source` is stopped)."""

    lines: list[LogLine]
    source: LogFollower


@dataclass
class LogStreamOpened(StreamMessage):
    """The server answered the follow: the stream is open (an empty log sends nothing more)."""

    source: LogFollower


@dataclass
class LogStreamEnded(StreamMessage):
    """The followed log ended: `error` None when the server closed it (the container stopped)."""

    error: ClusterError | None
    source: LogFollower


@dataclass
class LogSaved(BackgroundResult):
    path: Path
    count: int


def _label(entry: ContainerEntry) -> str:
    state = entry.state if entry.state != "Unknown" else "no status yet"
    if entry.reason:
        state += f" {entry.reason}"
    if entry.restarts:
        state += f", {counted(entry.restarts, 'restart')}"
    kind = {"init": "init container", "container": "container", "ephemeral": "ephemeral container"}[entry.kind]
    return f"{entry.name}{STATE_SEPARATOR}{kind}{STATE_SEPARATOR}{state}"


def _name_of(label: str) -> str:
    return label.split(STATE_SEPARATOR, 1)[0]


def describe_log_error(error: BaseException, *, namespace: str, pod: str, container: str, previous: bool) -> str:
    """What went wrong reading a log, and what to do, in words for the user."""
    failure = error if isinstance(error, ClusterError) else describe_exception(error)
    message = failure.message
    if failure.status == 404:
        return (f"Pod {namespace}/{pod} is gone (404 Not Found): it was deleted, or replaced by a new pod with "
                "another name. Esc goes back to the pod list, where its replacement is.")
    if failure.status == 400 and "previous terminated container" in message:
        return (f"Container {container} has no previous run: it has not restarted, or its last run's log was "
                f"removed with it ({message}). Press l for the current run's log.")
    if failure.status == 400 and "waiting to start" in message:
        return (f"{message}. A container's log begins when it runs: the inspector says why it waits (image pull, "
                "configuration). Press l to read again" + (", p for the run before the last restart."
                                                           if not previous else "."))
    if failure.status == 403:
        hint = failure.hint or "ask a cluster admin for get on pods/log"
        return f"Not allowed to read the log: {message}. {hint[0].upper()}{hint[1:]}."
    what = "Press p to read it again." if previous else "Press l to read it again."
    return f"Could not read the log: {failure}. {what}"


class LogsScreen(Screen[None]):
    """One container's log (see the module docstring)."""

    HELP_TITLE = "logs"
    DEFAULT_CSS = """
    LogsScreen { layout: vertical; }
    LogsScreen #logs-title { height: 1; background: $panel; text-style: bold; padding: 0 1; }
    LogsScreen #logs-message { height: auto; padding: 0 1; color: $error; display: none; }
    LogsScreen #logs-message.-shown { display: block; }
    LogsScreen #log-search { display: none; }
    LogsScreen #log-search.-shown { display: block; }
    LogsScreen #logs-status { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("f", "toggle_follow", "Follow"),
        Binding("t", "toggle_timestamps", "Timestamps"),
        Binding("w", "toggle_wrap", "Wrap"),
        Binding("slash", "search", "Search"),
        Binding("n", "next_match", "Next search match", show=False),
        Binding("N", "previous_match", "Previous search match", show=False),
        Binding("r", "pick_limit", "Tail/since"),
        Binding("c", "pick_container", "Container"),
        Binding("l", "current", "Current run's log", show=False),
        Binding("p", "previous", "Previous run"),
        Binding("v", "select", "Select lines (j/k extend, y copies)", show=False),
        Binding("y", "copy", "Copy"),
        Binding("ctrl+s", "save", "Save"),
        Binding("q", "close", "Back to the pods", show=False),
        # a full screen, not a pop-up: the app's `?` is left to screens like this one (F1 is the app's)
        Binding("question_mark", "app.help", "Help", show=False),
    ]

    def __init__(self, *, connection: Any, pod: dict[str, Any], container: str, previous: bool = False,
                 limit: LogLimit = DEFAULT_LIMIT, follow: bool | None = None, clock: Any = None) -> None:
        super().__init__()
        self.connection = connection
        self.pod = pod
        metadata = pod.get("metadata") or {}
        self.namespace = str(metadata.get("namespace") or "default")
        self.pod_name = str(metadata.get("name") or "")
        self.container = container
        self.previous = previous
        self.limit = limit
        self.follow = self._follows_by_default() if follow is None else follow
        self.clock = clock or datetime.now
        self.follower: LogFollower | None = None
        self.state = "reading"  # reading, shown, following, ended, failed
        self.error_text = ""
        self.empty_shown = False  # the message shown says the log is empty
        self.stream_note = ""
        self.saved_to: Path | None = None
        self.max_followed_lines = MAX_FOLLOWED_LINES

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static("", id="logs-title")
        yield Static("", id="logs-message")
        yield LogView(id="log-view")
        yield SafeInput(placeholder="search (smart case)   Enter finds, n/N next/previous, Esc closes", id="log-search")
        yield Static("", id="logs-status")
        yield Footer()

    @property
    def view(self) -> LogView:
        return self.query_one(LogView)

    def on_mount(self) -> None:
        self.view.focus()
        self._read()

    def on_unmount(self) -> None:
        self._stop_follower()

    def _entry(self) -> ContainerEntry | None:
        return next((e for e in container_entries(self.pod) if e.name == self.container), None)

    def _follows_by_default(self) -> bool:
        entry = self._entry()
        return not self.previous and entry is not None and entry.state == "Running"

    def _update_title(self) -> None:
        entry = self._entry()
        kind = {"init": "init container", "ephemeral": "ephemeral container"}.get(entry.kind if entry else "",
                                                                                   "container")
        title = Text.assemble(
            ("Logs ", "bold"),
            (visible_line(f"{self.namespace}/{self.pod_name}"), "bold"),
            ("  ›  ", "dim"),
            (visible_line(self.container), "bold cyan"),
            (f"  {kind}", "dim"),
            ("  previous run (before the last restart)" if self.previous else "  current run",
             "bold yellow" if self.previous else ""),
        )
        self.query_one("#logs-title", Static).update(title)

    def _update_status(self) -> None:
        view = self.view
        parts = [counted(view.line_count, "line"), limit_label(self.limit)]
        if self.previous:
            parts.append("not followed (ended)")
        else:
            parts.append("following" if self.follower is not None else "follow off")
        parts.append(f"wrap {'on' if view.wrap else 'off'}")
        parts.append(f"timestamps {'on' if view.show_timestamps else 'off'}")
        if view.search_term:
            if view.matches:
                current = (view.current_match or 0) + 1
                parts.append(f"/{visible_line(view.search_term)}: match {current} of {len(view.matches)}")
            else:
                parts.append(f"/{visible_line(view.search_term)}: no match")
        if view.selection is not None:
            parts.append(f"{counted(len(view.selected_lines()), 'line')} selected (y copies)")
        if self.stream_note:
            parts.append(self.stream_note)
        if self.state == "reading":
            parts.insert(0, "reading…")
        self.query_one("#logs-status", Static).update(Text(" · ".join(parts)))

    def _show_message(self, text: str) -> None:
        message = self.query_one("#logs-message", Static)
        message.update(safe_text(text))
        message.set_class(bool(text), "-shown")

    # ------------------------------------------------------------------ reading
    def _request(self) -> LogRequest:
        return LogRequest(self.container, previous=self.previous, tail=self.limit.tail,
                          since_seconds=self.limit.since_seconds, timestamps=True)

    def _read(self) -> None:
        """Read the log again as the screen's settings say (one-shot, or followed)."""
        self._stop_follower()
        forget(self, "logs-read")
        self.state = "reading"
        self.empty_shown = False
        self.error_text = ""
        self.stream_note = ""
        self._show_message("")
        self._update_title()
        connection, namespace, pod, request = self.connection, self.namespace, self.pod_name, self._request()
        self.view.set_lines([])  # never the other run's or container's lines under this title
        if self.follow and not self.previous:

            def arrived(lines: list[bytes]) -> None:
                self.post_message(LogLinesArrived(parse_log_lines(lines, timestamps=True), follower))

            def ended(error: ClusterError | None) -> None:
                self.post_message(LogStreamEnded(error, follower))

            def opened() -> None:
                self.post_message(LogStreamOpened(follower))

            follower = LogFollower(connection, namespace, pod, request, on_lines=arrived, on_end=ended,
                                   on_open=opened)
            self.follower = follower
            follower.start()
        else:
            def read() -> list[LogLine]:
                data = fetch_logs(connection, namespace, pod, request.container, request.tail,
                                  previous=request.previous, since_seconds=request.since_seconds, timestamps=True)
                return parse_log(data, timestamps=True)

            run_in_background(self, read, LogsRead, group="logs-read")
        self._update_status()

    def _stop_follower(self) -> None:
        follower, self.follower = self.follower, None
        if follower is not None:
            follower.stop()

    @on(LogsRead)
    def _on_read(self, message: LogsRead) -> None:
        self.state = "shown"
        self.view.set_lines(message.lines)
        self.view.action_bottom()
        if not message.lines:
            self._show_empty(self._empty_text())
        self._update_status()

    def _empty_text(self) -> str:
        return (f"The log is empty ({limit_label(self.limit)}): the container wrote nothing"
                + (" in that time: r reads more." if self.limit != LogLimit(None) else "."))

    def _show_empty(self, text: str) -> None:
        """The message of an empty log (taken away by the first line that arrives)."""
        self.empty_shown = True
        self._show_message(text)

    @on(LogStreamOpened)
    def _on_stream_opened(self, message: LogStreamOpened) -> None:
        if self.state == "reading":
            self.state = "following"
        if not self.view.line_count:
            self._show_empty(f"The log is empty so far ({limit_label(self.limit)}): following, "
                             "new lines appear here as the container writes them.")
        self._update_status()

    @on(LogLinesArrived)
    def _on_lines(self, message: LogLinesArrived) -> None:
        self.state = "following"
        view = self.view
        if message.lines and self.empty_shown:
            self.empty_shown = False
            self._show_message("")
        view.append_lines(message.lines)
        if view.line_count > self.max_followed_lines:
            view.drop_first(view.line_count - self.max_followed_lines + self.max_followed_lines // 10)
            self.stream_note = f"the oldest lines dropped: the last {self.max_followed_lines:,} at most are kept"
        self._update_status()

    @on(LogStreamEnded)
    def _on_stream_ended(self, message: LogStreamEnded) -> None:
        self.follower = None
        if message.error is not None:
            self._failed(message.error)
            return
        self.state = "ended"
        self.stream_note = "the stream ended (the container stopped, or the pod went): f follows again"
        if not self.view.line_count:
            self._show_empty(self._empty_text())
        self._update_status()

    @on(BackgroundFailed)
    def _on_failed(self, message: BackgroundFailed) -> None:
        if message.group == "logs-read":
            message.stop()
            self._failed(message.error)
        elif message.group == "logs-save":
            message.stop()
            self.notify(f"Could not save the log: {describe_exception(message.error).message}", severity="error")

    def _failed(self, error: BaseException) -> None:
        self.state = "failed"
        self.error_text = describe_log_error(error, namespace=self.namespace, pod=self.pod_name,
                                             container=self.container, previous=self.previous)
        self._show_message(self.error_text)
        self._update_status()

    # ------------------------------------------------------------------ keys
    def action_back(self) -> None:
        """Esc: out of the search field, then the selection, then the search, then the view."""
        search = self.query_one("#log-search", Input)
        if search.has_class("-shown"):
            search.remove_class("-shown")
            self.view.focus()
            return
        if self.view.clear_selection():
            self._update_status()
            return
        if self.view.search_term:
            self.view.search("")
            self._update_status()
            return
        self.action_close()

    def action_close(self) -> None:
        self._stop_follower()
        self.dismiss(None)

    def action_toggle_follow(self) -> None:
        if self.previous:
            self.notify("The previous run has ended: there is nothing to follow (l shows the current run)")
            return
        if self.follower is not None:
            self.follow = False
            self._stop_follower()
            self.stream_note = ""
            if self.state == "reading":  # stopped before the server answered: nothing was read
                self.state = "shown"
                self._show_message("Follow stopped before the log was read: r reads it, f follows it.")
            elif self.state == "following":
                self.state = "shown"
                if not self.view.line_count:
                    self._show_empty(f"The log is empty ({limit_label(self.limit)}): the container has written "
                                     "nothing yet; f follows again.")
            self._update_status()
            return
        self.follow = True
        self._read()

    def action_toggle_timestamps(self) -> None:
        self.view.set_timestamps(not self.view.show_timestamps)
        self._update_status()

    def action_toggle_wrap(self) -> None:
        self.view.set_wrap(not self.view.wrap)
        self._update_status()

    def action_search(self) -> None:
        search = self.query_one("#log-search", Input)
        search.add_class("-shown")
        search.value = self.view.search_term
        self.set_focus(search)  # at once: the term typed right after / goes into the field

    @on(Input.Submitted, "#log-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        search = self.query_one("#log-search", Input)
        search.remove_class("-shown")
        self.set_focus(self.view)
        found = self.view.search(event.value)
        if event.value and not found:
            self.notify(f"No line holds {visible_line(event.value)!r}", severity="warning")
        self._update_status()

    def action_next_match(self) -> None:
        self._move_match(1)

    def action_previous_match(self) -> None:
        self._move_match(-1)

    def _move_match(self, step: int) -> None:
        if not self.view.search_term:
            self.notify("No search yet: / searches")
            return
        if self.view.next_match(step) is None:
            self.notify(f"No line holds {visible_line(self.view.search_term)!r}", severity="warning")
        self._update_status()

    def action_pick_limit(self) -> None:
        labels = [limit_label(limit) for limit in LIMITS]

        def picked(value: str | None) -> None:
            if value and value in labels:
                self.limit = LIMITS[labels.index(value)]
                self._read()

        self.app.push_screen(PickerModal("How much of the log", items=labels, current=limit_label(self.limit)),
                             picked)

    def action_pick_container(self) -> None:
        entries, _default = log_candidates(self.pod, previous=self.previous)
        current = next((e for e in entries if e.name == self.container), None)

        def picked(value: str | None) -> None:
            if value:
                self.container = _name_of(value)
                self.follow = self._follows_by_default()
                self._read()

        self.app.push_screen(PickerModal(f"Logs of a container of {self.pod_name}", items=[_label(e) for e in entries],
                                         current=_label(current) if current else None), picked)

    def action_current(self) -> None:
        self.previous = False
        self.follow = self._follows_by_default()
        self._read()

    def action_previous(self) -> None:
        self.previous = True
        self.follow = False
        self._read()

    @on(LogView.SelectionMoved)
    def _selection_moved(self) -> None:
        self._update_status()

    def action_select(self) -> None:
        if self.view.selection is not None:
            self.view.clear_selection()
        else:
            self.view.start_selection()
        self._update_status()

    def action_copy(self) -> None:
        lines = self.view.selected_lines()
        if not lines:
            self.notify("Nothing to copy: the log is empty", severity="warning")
            return
        text = lines_text(lines, timestamps=self.view.show_timestamps)
        local = copy_text(self.app, text)
        where = "to the clipboard" if local else "with OSC 52 (terminals that allow it put it on the clipboard)"
        self.notify(f"Copied {counted(len(lines), 'line')} {where}")
        self.view.clear_selection()
        self._update_status()

    def action_save(self) -> None:
        lines = list(self.view.lines)
        if not lines:
            self.notify("Nothing to save: the log is empty", severity="warning")
            return
        text = lines_text(lines, timestamps=self.view.show_timestamps)
        name = log_file_name(self.namespace, self.pod_name, self.container, previous=self.previous, now=self.clock())

        def write() -> Path:
            return write_private_file(ensure_private_dir(logs_dir()) / name, text)

        run_in_background(self, write, lambda path: LogSaved(path, len(lines)), group="logs-save")

    @on(LogSaved)
    def _on_saved(self, message: LogSaved) -> None:
        self.saved_to = message.path
        self.notify(f"Saved {counted(message.count, 'line')} of the log to {message.path}")


def open_logs(browser: BrowserScreen, *, previous: bool) -> None:
    """`l` / `p` in the browser: the logs of the selected pod's container (a picker when it has several)."""
    target = selected_and_connected(browser, not_connected="Not connected to a cluster: no logs to read",
                                    not_connected_severity="error")
    if target is None:
        return
    (_namespace, name), pod, connection = target
    entries, default = log_candidates(pod, previous=previous)
    if default is None:
        browser.notify(f"Pod {visible_line(name)} has no container", severity="warning")
        return

    def show(container: str) -> None:
        browser.app.push_screen(LogsScreen(connection=connection, pod=pod, container=container, previous=previous))

    if len(entries) == 1:
        show(default.name)
        return
    note = "the one that restarted most" if previous and default.restarts else "the one kubectl logs picks"
    title = f"{'Previous run' if previous else 'Logs'} of a container of {name}"

    def picked(value: str | None) -> None:
        if value:
            show(_name_of(value))

    browser.app.push_screen(PickerModal(title, items=[_label(e) for e in entries], current=_label(default),
                                        current_note=note), picked)
