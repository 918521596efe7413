"""`L`: the audit log (`tui.audit_log`), newest first, with the details of the selected entry.

Every change Ephemera made to a cluster (ephemeral container added, copy created, copy or
original deleted), from the app and from `ephemera debug` / `ephemera cleanup`: one row each
(time, ok/FAILED, action, context, namespace/pod), and on the right (below at 80 columns) the
request that was sent and what the server answered. The file is read in a thread worker.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static

from tui.audit_log import AuditEntry, AuditLog
from tui.display_text import counted, safe_text, sanitize_text, visible, visible_line
from tui.screens.background import BackgroundResult, run_in_background

READ_LIMIT = 2000
WIDE_MIN_WIDTH = 160  # entries and details side by side from here; stacked below
COLUMNS = ("Time (UTC)", "Result", "Action", "Context", "Pod")


def entry_cells(entry: AuditEntry) -> tuple[Text, Text, Text, Text, Text]:
    """One row of the table: the log is a file (written by Ephemera, but its fields hold cluster
    text and anyone who can write the file can put anything there): every cell made visible."""
    when = entry.time.replace("T", " ")[:19]
    result = Text("✔ ok", style="green") if entry.ok else Text("✖ FAILED", style="bold red")
    return (Text(visible_line(when)), result, Text(visible_line(entry.action)), Text(visible_line(entry.context)),
            Text(visible_line(f"{entry.namespace}/{entry.pod}")))


def entry_details(entry: AuditEntry) -> Text:
    """The full entry: what was changed, the request, the server's answer."""
    text = Text()
    text.append(f"{entry.action}\n", style="bold")
    text.append(f"{entry.time}  context {entry.context}\n", style="dim")
    text.append(f"pod {entry.namespace}/{entry.pod}\n")
    text.append("result: ", style="bold")
    text.append("ok" if entry.ok else "FAILED", style="green" if entry.ok else "bold red")
    text.append("\n")
    if isinstance(entry.result, dict):
        for key, value in entry.result.items():
            text.append(f"  {key}: {value if not isinstance(value, list) else ', '.join(map(str, value))}\n")
    else:
        text.append(f"  {entry.result}\n")
    request = entry.request
    if request:
        text.append("\nrequest\n", style="bold")
        line = f"  {request.get('method', '?')} {request.get('path', '')}"
        query = request.get("query")
        if query:
            line += "?" + "&".join(f"{k}={v}" for k, v in (query.items() if isinstance(query, dict) else query))
        text.append(line + "\n")
        if request.get("content_type"):
            text.append(f"  Content-Type: {request['content_type']}\n", style="dim")
        body = request.get("body")
        if body is not None:
            text.append(textwrap.indent(json.dumps(body, indent=2, ensure_ascii=False, default=str), "  ") + "\n")
    return text


def display_path(path: Path) -> str:
    """`~/.local/state/ephemera/audit.jsonl` for a path in the home directory, else the path."""
    try:
        return f"~/{Path(path).relative_to(Path.home())}"
    except (ValueError, RuntimeError):
        return str(path)


@dataclass
class AuditLogRead(BackgroundResult):
    """The audit log as read (newest first), or why it could not be read."""

    entries: list[AuditEntry]
    error: str
    skipped: int


class AuditLogScreen(ModalScreen[None]):
    """The log's entries, newest first."""

    DEFAULT_CSS = """
    AuditLogScreen { align: center middle; }
    AuditLogScreen #audit-log { width: 100%; height: 100%; background: $panel; border: round $accent;
        border-title-style: bold; padding: 0 1; }
    AuditLogScreen #audit-body { height: 1fr; }
    AuditLogScreen #audit-entries { width: 3fr; height: 1fr; }
    AuditLogScreen #audit-details-pane { width: 2fr; height: 1fr; border-left: solid $accent; padding: 0 1; }
    AuditLogScreen.-narrow #audit-body { layout: vertical; }
    AuditLogScreen.-narrow #audit-entries { width: 100%; height: auto; max-height: 50%; }
    AuditLogScreen.-narrow #audit-details-pane { width: 100%; height: 1fr; border-left: none;
        border-top: solid $accent; }
    AuditLogScreen #audit-status { height: auto; color: $text-muted; }
    """
    HELP_TITLE = "audit log"  # the help's title: "Keys: audit log"
    BINDINGS = [
        Binding("escape,q", "close", "Close"),
        Binding("r", "reload", "Reload"),
        Binding("j", "cursor_down", "next (older) entry", show=False),
        Binding("k", "cursor_up", "previous (newer) entry", show=False),
        Binding("g", "first", "newest entry", show=False),
        Binding("G", "last", "oldest entry", show=False),
    ]

    def __init__(self, audit_log: AuditLog) -> None:
        super().__init__()
        self.audit_log = audit_log
        self.entries: list[AuditEntry] = []  # newest first
        self.loaded = False
        self.error = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="audit-log") as box:
            box.border_title = "Audit log: every change Ephemera made to a cluster"
            box.border_subtitle = Text(visible_line(display_path(self.audit_log.path)))  # a path: never markup
            yield Static(Text("Reading the audit log…", style="dim"), id="audit-status")
            with Horizontal(id="audit-body"):
                table: DataTable[Any] = DataTable(id="audit-entries", cursor_type="row", zebra_stripes=False)
                table.add_columns(*COLUMNS)
                yield table
                with VerticalScroll(id="audit-details-pane"):
                    yield Static("", id="audit-details")
        yield Footer()

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < WIDE_MIN_WIDTH, "-narrow")
        self.query_one(DataTable).focus()
        self.action_reload()

    def on_resize(self) -> None:
        self.set_class(self.app.size.width < WIDE_MIN_WIDTH, "-narrow")

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#audit-entries", DataTable)

    @property
    def text(self) -> str:
        """What the view shows, as plain text (tests)."""
        rows = ["  ".join(str(cell) for cell in self.table.get_row_at(i)) for i in range(self.table.row_count)]
        return "\n".join([self.status_text, *rows, self.details_text])

    @property
    def details_text(self) -> str:
        return str(self.query_one("#audit-details", Static).render())

    @property
    def status_text(self) -> str:
        return str(self.query_one("#audit-status", Static).render())

    def action_reload(self) -> None:
        self._read()

    def _read(self) -> None:
        audit_log = self.audit_log

        def read() -> AuditLogRead:
            try:
                entries = audit_log.read(limit=READ_LIMIT)
                error = ""
            except OSError as exc:
                entries, error = [], f"Cannot read {audit_log.path}: {exc.strerror or exc}"
            return AuditLogRead(list(reversed(entries)), error, audit_log.skipped_lines)

        run_in_background(self, read, group="audit-log-read")

    @on(AuditLogRead)
    def _on_read(self, message: AuditLogRead) -> None:
        self._show(message.entries, message.error, message.skipped)

    def _show(self, entries: list[AuditEntry], error: str, skipped: int) -> None:
        self.entries = entries
        self.error = error
        self.loaded = True
        table = self.table
        table.clear()
        for index, entry in enumerate(entries):
            table.add_row(*entry_cells(entry), key=str(index))
        status = self.query_one("#audit-status", Static)
        if error:
            status.update(safe_text(error, style="red"))
        elif not entries:
            where = visible(display_path(self.audit_log.path))
            status.update(Text(f"No change recorded yet in {where}. Creating a debug container, "
                               "a copy, or deleting a copy adds an entry.", style="dim"))
        else:
            failed = sum(1 for entry in entries if not entry.ok)
            line = f"{counted(len(entries), 'entry', 'entries')}, newest first"
            line += f", {failed} failed" if failed else ""
            if len(entries) >= READ_LIMIT:
                line += f" (the last {READ_LIMIT})"
            if skipped:
                line += f"; {counted(skipped, 'unreadable line')} skipped"
            status.update(Text(line))
        self._show_details(0 if entries else None)

    @on(DataTable.RowHighlighted, "#audit-entries")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_details(event.cursor_row)

    def _show_details(self, row: int | None) -> None:
        details = self.query_one("#audit-details", Static)
        if row is None or not 0 <= row < len(self.entries):
            details.update("")
            return
        details.update(sanitize_text(entry_details(self.entries[row])))

    def action_cursor_down(self) -> None:
        self.table.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.table.action_cursor_up()

    def action_first(self) -> None:
        self.table.move_cursor(row=0)

    def action_last(self) -> None:
        self.table.move_cursor(row=max(0, self.table.row_count - 1))

    def action_close(self) -> None:
        self.dismiss(None)
