"""`?`: every key of the focused view, plus the filter syntax."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

FILTER_HELP = (
    ("/text", "substring of the name, namespace, status or node (case-insensitive)"),
    ("/a.*b", "a regular expression when the text has any of ^$*+?()[]{}|\\"),
    ("//x/", "/x/ between slashes is always a regular expression"),
    ("/-l app=x", "label selector, sent to the API server (the watch restarts)"),
    ("Esc", "clears the filter"),
)


def key_label(key: str) -> str:
    names = {"question_mark": "?", "slash": "/", "colon": ":", "escape": "Esc", "enter": "Enter", "tab": "Tab"}
    return ",".join(names.get(k, k) for k in key.split(","))


class HelpModal(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("q", "close", "Close", show=False),
        Binding("question_mark", "close", "Close", show=False),
    ]

    def __init__(self, title: str, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.keys = keys

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 2, 0, 0), expand=False)
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for key, description in self.keys:
            table.add_row(key, description)
        filters = Table(box=None, show_header=False, padding=(0, 2, 0, 0))
        filters.add_column(style="bold cyan", no_wrap=True)
        filters.add_column()
        for key, description in FILTER_HELP:
            filters.add_row(key, description)
        with VerticalScroll(id="help"):
            yield Static(Text(self.title_text, style="bold underline"))
            yield Static(table)
            yield Static(Text("\nFilter", style="bold underline"))
            yield Static(filters)
            yield Static(Text("\nEsc closes this help", style="dim"))

    def action_close(self) -> None:
        self.dismiss(None)
