"""`v` in the browser: the selected pod's YAML, read-only (`kubectl get pod -o yaml`), with a
`describe`-like summary on top (status, owner, node, IP, QoS, conditions, ephemeral containers).

The pod is read again from the API server (`tui.kube.workload.fetch_pod`, a thread worker): the
watch's copy leaves the managed fields out. If that read fails (a 403 on `get pods`, the pod gone)
the watch's copy is shown with a line saying so. `r` reads it again.

The text is highlighted with Rich's `Syntax` (Pygments' YAML lexer) after every line was made
visible (`visible_line`: an escape, a bidi override in a label is shown as ␛ / <U+202E>, never
sent to the terminal), and it is a `Text`, never parsed as markup. The lines of
`spec.ephemeralContainers` and `status.ephemeralContainerStatuses` carry a gutter mark (▌).

Keys (BINDINGS below: footer, help and palette): / search (smart case) with n / N, y copy the YAML
(OSC 52, the text as shown), r reload, j/k, PgUp/PgDn, g/G scroll, Esc / q back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from tui.clipboard import copy_text
from tui.display_text import counted, safe_text, visible_line
from tui.kube.errors import describe_exception
from tui.kube.workload import fetch_pod
from tui.pods.pod_yaml import ephemeral_lines, pod_summary, pod_yaml, search_lines
from tui.screens.background import BackgroundFailed, BackgroundResult, run_in_background
from tui.screens.pod_target import selected_and_connected
from widgets.form_controls import SafeInput

if TYPE_CHECKING:
    from tui.screens.browser_screen import BrowserScreen

__all__ = ["YamlScreen", "open_yaml"]

MARK = "▌ "
NO_MARK = "  "
SYNTAX_THEME = "ansi_dark"


@dataclass
class PodRead(BackgroundResult):
    pod: dict[str, Any]


def highlighted_lines(lines: list[str], marked: set[int], matches: list[int], current: int | None) -> Text:
    """The YAML's visible lines as one Text: highlighted, the marked lines with a gutter mark, the
    search's lines tinted (the current one more)."""
    code = Syntax("", "yaml", theme=SYNTAX_THEME, background_color="default").highlight("\n".join(lines))
    code.rstrip()
    rows = code.split("\n", allow_blank=True)
    found = set(matches)
    shown = Text(no_wrap=True, overflow="crop")
    for index, row in enumerate(rows):
        if index:
            shown.append("\n")
        shown.append(MARK if index in marked else NO_MARK, style="bold magenta" if index in marked else "")
        if index in marked:
            row.stylize("on #2a1f33")
        if index in found:
            row.stylize("reverse bold" if index == current else "on #5f5f00")
        shown.append_text(row)
    return shown


class YamlScreen(Screen[None]):
    """One pod's YAML (see the module docstring)."""

    HELP_TITLE = "pod YAML"
    DEFAULT_CSS = """
    YamlScreen { layout: vertical; }
    YamlScreen #yaml-title { height: 1; background: $panel; text-style: bold; padding: 0 1; }
    YamlScreen #yaml-summary { height: auto; padding: 0 1; border-bottom: solid $panel; }
    YamlScreen #yaml-scroll { height: 1fr; }
    YamlScreen #yaml-body { width: auto; }
    YamlScreen #yaml-search { display: none; }
    YamlScreen #yaml-search.-shown { display: block; }
    YamlScreen #yaml-status { height: 1; background: $panel; color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("slash", "search", "Search"),
        Binding("n", "next_match", "Next match", show=False),
        Binding("N", "previous_match", "Previous match", show=False),
        Binding("y", "copy", "Copy YAML"),
        Binding("r", "reload", "Reload"),
        Binding("j,down", "scroll_lines(1)", "Down", show=False),
        Binding("k,up", "scroll_lines(-1)", "Up", show=False),
        Binding("g,home", "top", "Top", show=False),
        Binding("G,end", "bottom", "Bottom", show=False),
        Binding("q", "back", "Back to the pods", show=False),
        Binding("question_mark", "app.help", "Help", show=False),
    ]

    def __init__(self, *, connection: Any, pod: dict[str, Any]) -> None:
        super().__init__()
        self.connection = connection
        self.pod = pod
        metadata = pod.get("metadata") or {}
        self.namespace = str(metadata.get("namespace") or "default")
        self.pod_name = str(metadata.get("name") or "")
        self.state = "reading"  # reading, shown (the API server's copy), fallback (the watch's copy)
        self.note = ""
        self.lines: list[str] = []  # the YAML's lines as shown (visible text)
        self.marked: set[int] = set()
        self.search_term = ""
        self.matches: list[int] = []
        self.current_match: int | None = None
        self.status_text = ""  # the status line (for tests and screen readers)

    def compose(self) -> ComposeResult:
        yield Static("", id="yaml-title")
        yield Static("", id="yaml-summary")
        with ScrollableContainer(id="yaml-scroll"):
            yield Static("", id="yaml-body")
        yield SafeInput(placeholder="search (smart case)   Enter finds, n/N next/previous, Esc closes", id="yaml-search")
        yield Static("", id="yaml-status")
        yield Footer()

    @property
    def scroller(self) -> ScrollableContainer:
        return self.query_one("#yaml-scroll", ScrollableContainer)

    @property
    def text(self) -> str:
        """The YAML as shown (plain, without the gutter)."""
        return "\n".join(self.lines)

    def on_mount(self) -> None:
        self.scroller.focus()
        self._show(self.pod)
        self.action_reload()

    # ------------------------------------------------------------------ reading
    def action_reload(self) -> None:
        self.state = "reading"
        connection, namespace, name = self.connection, self.namespace, self.pod_name
        run_in_background(self, lambda: fetch_pod(connection, namespace, name), PodRead, group="yaml-read")
        self._update_status()

    @on(PodRead)
    def _on_read(self, message: PodRead) -> None:
        self.state, self.note = "shown", ""
        self._show(message.pod)

    @on(BackgroundFailed)
    def _on_failed(self, message: BackgroundFailed) -> None:
        if message.group != "yaml-read":
            return
        message.stop()
        error = describe_exception(message.error)
        self.state = "fallback"
        self.note = (f"could not read the pod from the API server ({error.message}): the pod list's copy is shown, "
                     "without its managed fields")
        self._show(self.pod)

    def _show(self, pod: dict[str, Any]) -> None:
        self.pod = pod
        text = pod_yaml(pod).rstrip("\n")
        self.lines = [visible_line(line) for line in text.split("\n")]
        self.marked = ephemeral_lines(text)
        self._update_title()
        self._update_summary()
        self._rematch()
        self._redraw()

    # ------------------------------------------------------------------ drawing
    def _update_title(self) -> None:
        title = Text.assemble(("YAML ", "bold"), (visible_line(f"{self.namespace}/{self.pod_name}"), "bold"),
                              ("  read-only", "dim"))
        if self.marked:
            title.append("   ▌", style="bold magenta")
            title.append(" ephemeral containers and their statuses", style="dim")
        self.query_one("#yaml-title", Static).update(title)

    def _update_summary(self) -> None:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold dim", no_wrap=True)
        grid.add_column()
        for label, value in pod_summary(self.pod):
            grid.add_row(label, safe_text(value, style="magenta" if label == "ephemeral" and value != "none" else ""))
        self.query_one("#yaml-summary", Static).update(grid)

    def _redraw(self) -> None:
        body = highlighted_lines(self.lines, self.marked, self.matches,
                                 self.matches[self.current_match] if self.current_match is not None else None)
        self.query_one("#yaml-body", Static).update(body)
        self._update_status()

    def _update_status(self) -> None:
        parts = [counted(len(self.lines), "line")]
        if self.marked:
            parts.append(f"{counted(len(self.marked), 'line')} ▌ ephemeral")
        if self.search_term:
            if self.matches:
                parts.append(f"/{visible_line(self.search_term)}: match {(self.current_match or 0) + 1} of "
                             f"{len(self.matches)}")
            else:
                parts.append(f"/{visible_line(self.search_term)}: no match")
        if self.state == "reading":
            parts.insert(0, "reading…")
        if self.note:
            parts.append(self.note)
        self.status_text = " · ".join(parts)
        self.query_one("#yaml-status", Static).update(Text(self.status_text))

    # ------------------------------------------------------------------ search
    def action_search(self) -> None:
        field = self.query_one("#yaml-search", Input)
        field.set_class(True, "-shown")
        field.value = self.search_term
        field.focus()

    @on(Input.Submitted, "#yaml-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.search_term = event.value
        self._close_search()
        self._rematch()
        self._redraw()
        self._show_current()

    def _close_search(self) -> None:
        field = self.query_one("#yaml-search", Input)
        field.set_class(False, "-shown")
        self.scroller.focus()

    def _rematch(self) -> None:
        self.matches = search_lines(self.lines, self.search_term)
        self.current_match = 0 if self.matches else None

    def _step(self, step: int) -> None:
        if not self.matches:
            self._update_status()
            return
        self.current_match = ((self.current_match or 0) + step) % len(self.matches)
        self._redraw()
        self._show_current()

    def action_next_match(self) -> None:
        self._step(1)

    def action_previous_match(self) -> None:
        self._step(-1)

    def _show_current(self) -> None:
        if self.current_match is None:
            return
        line = self.matches[self.current_match]
        scroller = self.scroller
        height = scroller.scrollable_content_region.height
        self.call_after_refresh(lambda: scroller.scroll_to(y=max(0, line - height // 3), animate=False))

    # ------------------------------------------------------------------ keys
    def action_scroll_lines(self, lines: int) -> None:
        scroller = self.scroller
        scroller.scroll_to(y=max(0, min(scroller.max_scroll_y, scroller.scroll_y + lines)), animate=False,
                           immediate=True)

    def action_top(self) -> None:
        self.scroller.scroll_to(y=0, animate=False, immediate=True)

    def action_bottom(self) -> None:
        scroller = self.scroller
        scroller.scroll_to(y=scroller.max_scroll_y, animate=False, immediate=True)

    def action_copy(self) -> None:
        """The YAML as shown (control characters as their pictures: never an escape to the clipboard)."""
        local = copy_text(self.app, self.text + "\n")
        where = "copied" if local else "copied with OSC 52 (terminals that allow it)"
        self.notify(f"YAML of {visible_line(self.pod_name)} {where}: {counted(len(self.lines), 'line')}")

    def action_back(self) -> None:
        field = self.query_one("#yaml-search", Input)
        if field.has_focus:
            self._close_search()
            return
        self.app.pop_screen()


def open_yaml(browser: BrowserScreen) -> None:
    """`v` in the browser: the selected pod's YAML."""
    target = selected_and_connected(browser, not_connected="Not connected to a cluster: no pod to read",
                                    not_connected_severity="error")
    if target is None:
        return
    _key, pod, connection = target
    browser.app.push_screen(YamlScreen(connection=connection, pod=pod))
