"""`C`: Ephemera's copies (pods labelled `app.kubernetes.io/managed-by=ephemera`), to delete.

Lists the copies of the current namespace (`a`: every namespace) with their source pod, age and
status (kubectl's STATUS), read in a thread worker (`tui.kube.debug_runner.list_copies`). Space marks rows;
`d` (or Delete) deletes the marked copies, or the one under the cursor, after a confirmation;
each deletion carries the uid precondition and is recorded in the audit log. Only labelled pods
are ever listed, so nothing else can be deleted from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from tui.display_text import safe_text, sanitize_text, visible_line
from tui.kube.debug_creation import Deletion, delete_copies
from tui.kube.debug_runner import list_copies
from tui.kube.errors import describe_exception
from tui.screens.background import BackgroundFailed, BackgroundResult, run_in_background
from tui.screens.confirm_modal import ConfirmModal

COLUMNS = ("", "namespace", "copy", "source pod", "age", "status")


@dataclass
class CopiesListed(BackgroundResult):
    scope: str | None  # the namespace listed, None for all
    copies: list[Any]


@dataclass
class CopiesDeleted(BackgroundResult):
    result: Deletion


class CleanupScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    CleanupScreen { align: center middle; }
    CleanupScreen #cleanup { width: 120; max-width: 100%; height: 100%; max-height: 100%;
        background: $panel; border: round $accent; border-title-style: bold; padding: 0 1; }
    CleanupScreen #copies { height: 1fr; }
    CleanupScreen #cleanup-status { height: auto; }
    """
    HELP_TITLE = "clean up copies"  # the help's title: "Keys: clean up copies"
    BINDINGS = [
        Binding("escape,q", "close", "Close"),
        Binding("space", "mark", "Mark"),
        Binding("d,delete", "delete", "Delete"),
        Binding("a", "toggle_scope", "This namespace / all"),
        Binding("r", "reload", "Reload"),
    ]

    def __init__(self, *, connection: Any, namespace: str | None, audit_log: Any = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        super().__init__()
        self.connection = connection
        self.namespace = namespace  # None: every namespace
        self.home_namespace = namespace
        self.audit_log = audit_log
        self.clock = clock or (lambda: datetime.now(UTC))
        self.copies: list[Any] = []
        self.marked: set[tuple[str, str]] = set()
        self.loading = False
        self.busy = False
        self.notice = ""  # what the last deletion did, kept across the reload after it

    def compose(self) -> ComposeResult:
        with Vertical(id="cleanup") as box:
            box.border_subtitle = "space mark · d delete · a this namespace/all · r reload · Esc close"
            yield Static("", id="cleanup-status")
            table: DataTable[Any] = DataTable(id="copies", cursor_type="row", zebra_stripes=True)
            table.add_columns(*COLUMNS)
            yield table

    def on_mount(self) -> None:
        self.action_reload()

    def _scope(self) -> str:
        return f"namespace {self.namespace}" if self.namespace else "every namespace"

    def _status(self, text: Text) -> None:
        self.query_one("#cleanup-status", Static).update(sanitize_text(text))

    def action_reload(self) -> None:
        self.notice = ""
        self.query_one("#cleanup", Vertical).border_title = Text(visible_line(f"Ephemera's copies in {self._scope()}"))
        self.loading = True
        self._status(Text(f"listing pods labelled app.kubernetes.io/managed-by=ephemera in {self._scope()}…",
                          style="dim"))
        self._load(self.namespace)

    def _load(self, namespace: str | None) -> None:
        connection = self.connection
        run_in_background(self, lambda: list_copies(connection, namespace),
                          lambda copies: CopiesListed(namespace, copies), group="cleanup-list")

    @on(CopiesListed)
    def _on_listed(self, message: CopiesListed) -> None:
        self._loaded(message.scope, message.copies, "")

    @on(BackgroundFailed)
    def _on_failed(self, message: BackgroundFailed) -> None:
        message.stop()
        error = str(describe_exception(message.error))
        if message.group == "cleanup-list":
            self._loaded(self.namespace, [], error)
        else:
            self.busy = False
            self.notify(f"Deleting failed: {error}", severity="error", timeout=15)
            self._load(self.namespace)

    def _loaded(self, namespace: str | None, copies: list[Any], error: str) -> None:
        if namespace != self.namespace:
            return
        notice = self.notice
        self.loading = False
        self.copies = copies
        keys = {(c.namespace, c.name) for c in copies}
        self.marked &= keys
        self._fill()
        if error:
            self._status(safe_text(f"Cannot list the copies: {error}", style="bold red"))
        elif not copies:
            self._status(Text(f"No copies made by Ephemera in {self._scope() if self.namespace else 'any namespace'}." + (" " + notice if notice else ""),
                              style="dim"))
        else:
            count = f"{len(copies)} cop{'y' if len(copies) == 1 else 'ies'}"
            self._status(Text(f"{count} in {self._scope()}: space marks, d deletes the marked ones (or the "
                              "highlighted one)" + (f". {notice}" if notice else "")))

    def _fill(self) -> None:
        table = self.query_one("#copies", DataTable)
        row = table.cursor_row
        table.clear()
        now = self.clock()
        for copy in self.copies:
            key = (copy.namespace, copy.name)
            mark = Text("✔", style="bold yellow") if key in self.marked else Text(" ")
            table.add_row(mark, *(safe_text(visible_line(cell)) for cell in (
                copy.namespace, copy.name, copy.source or "?", copy.age(now), copy.phase)),
                          key=f"{copy.namespace}/{copy.name}")
        if self.copies:
            table.move_cursor(row=min(row, len(self.copies) - 1))

    def _current(self) -> Any | None:
        table = self.query_one("#copies", DataTable)
        if not self.copies or table.cursor_row < 0 or table.cursor_row >= len(self.copies):
            return None
        return self.copies[table.cursor_row]

    def action_mark(self) -> None:
        copy = self._current()
        if copy is None:
            return
        key = (copy.namespace, copy.name)
        self.marked ^= {key}
        row = self.query_one("#copies", DataTable).cursor_row
        self._fill()
        self.query_one("#copies", DataTable).move_cursor(row=min(row + 1, len(self.copies) - 1))

    def action_toggle_scope(self) -> None:
        self.namespace = None if self.namespace else (self.home_namespace or "default")
        self.marked.clear()
        self.action_reload()

    def action_delete(self) -> None:
        if self.busy:
            return
        chosen = [c for c in self.copies if (c.namespace, c.name) in self.marked]
        if not chosen:
            current = self._current()
            chosen = [current] if current is not None else []
        if not chosen:
            self.notify("No copy to delete", severity="warning")
            return
        reasons = [f"{c.namespace}/{c.name} ({'debug pod of' if c.source.startswith('node/') else 'copy of'} "
                   f"{c.source or '?'})" for c in chosen]
        title = f"Delete {len(chosen)} {'copy' if len(chosen) == 1 else 'copies'}? This cannot be undone."
        self.app.push_screen(ConfirmModal(title, reasons, confirm_label="Delete"),
                             lambda yes: self._confirmed(bool(yes), chosen))

    def _confirmed(self, yes: bool, chosen: list[Any]) -> None:
        if not yes:
            self._status(Text("nothing deleted (cancelled)", style="dim"))
            return
        self.busy = True
        self._status(Text(f"deleting {len(chosen)}…", style="bold"))
        self._delete(chosen)

    def _delete(self, chosen: list[Any]) -> None:
        connection, audit_log = self.connection, self.audit_log
        run_in_background(self, lambda: delete_copies(connection, chosen, audit_log=audit_log), CopiesDeleted,
                          group="cleanup-delete")

    @on(CopiesDeleted)
    def _on_deleted(self, message: CopiesDeleted) -> None:
        self._deleted(message.result)

    def _deleted(self, result: Deletion) -> None:
        self.busy = False
        for error in result.errors:
            self.notify(error, severity="error", timeout=15)
        deleted = set(result.deleted)
        self.marked = {key for key in self.marked if f"{key[0]}/{key[1]}" not in deleted}
        self.copies = [c for c in self.copies if f"{c.namespace}/{c.name}" not in deleted]
        self.notice = f"Deleted {', '.join(result.deleted) or 'nothing'}."
        self._loaded(self.namespace, self.copies, "")
        self._load(self.namespace)

    def action_close(self) -> None:
        self.dismiss(None)
