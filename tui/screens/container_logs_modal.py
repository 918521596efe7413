"""A terminated debug container: its exit code, reason and the last lines of its log."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class ContainerLogsModal(ModalScreen[None]):
    DEFAULT_CSS = """
    ContainerLogsModal { align: center middle; }
    ContainerLogsModal #container-logs { width: 110; max-width: 100%; height: 80%; max-height: 100%;
        background: $panel; border: round $accent; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,q", "close", "Close")]

    def __init__(self, title: str, summary: str, logs: str) -> None:
        super().__init__()
        self.title_text = title
        self.summary = summary
        self.logs = logs

    def compose(self) -> ComposeResult:
        scroll = VerticalScroll(id="container-logs")
        scroll.border_title = self.title_text
        scroll.border_subtitle = "Esc closes"
        with scroll:
            yield Static(Text(self.summary, style="bold"), id="logs-summary")
            yield Static(Text(self.logs or "(no log output)", style="" if self.logs else "dim"), id="logs-text")

    def on_mount(self) -> None:
        self.query_one("#container-logs", VerticalScroll).scroll_end(animate=False)

    def action_close(self) -> None:
        self.dismiss(None)
