"""The pod table: kubectl's columns, colored by severity, updated in place from pod batches.

Rows are keyed by "namespace/name" and kept sorted by namespace then name. A batch updates only
the cells that changed (`update_cell`), adds and removes rows, and keeps the cursor on the same
pod at the same place on screen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timezone

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from tui.kube.pod_store import PodBatch, PodKey
from tui.kube.podstatus import ephemeral_summary, format_age, pod_columns
from widgets.pod_filter import PodFilter

Clock = Callable[[], datetime]

# (column key, label)
ALL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("namespace", "NAMESPACE"),
    ("name", "NAME"),
    ("ready", "READY"),
    ("status", "STATUS"),
    ("restarts", "RESTARTS"),
    ("age", "AGE"),
    ("node", "NODE"),
    ("eph", "EPH"),
)

# Rebuilding the table costs about as much as this many single-row removals.
_REBUILD_THRESHOLD = 64

OK_STATUSES = frozenset({"Running"})
DONE_STATUSES = frozenset({"Completed", "Succeeded"})
PENDING_PREFIXES = ("Pending", "ContainerCreating", "PodInitializing", "Init:", "Terminating", "NotReady")


def status_severity(status: str) -> str:
    """"ok", "done", "pending" or "error": drives the status color."""
    if status in OK_STATUSES:
        return "ok"
    if status in DONE_STATUSES:
        return "done"
    if status.startswith("Init:") and ("Err" in status or "BackOff" in status or "Crash" in status):
        return "error"
    if status.startswith(PENDING_PREFIXES):
        return "pending"
    return "error"


SEVERITY_STYLE = {"ok": "green", "done": "dim", "pending": "yellow", "error": "bold red"}


def row_key_of(key: PodKey) -> str:
    return f"{key[0]}/{key[1]}"


def pod_key_of(row_key: str) -> PodKey:
    namespace, _, name = row_key.partition("/")
    return (namespace, name)


def pod_row(pod: dict, now: datetime, *, show_namespace: bool, compact: bool = False) -> tuple[object, ...]:
    """The cells of one row, in column order (namespace only when shown)."""
    columns = pod_columns(pod, now)
    status = columns.status
    ready_count, _, total = columns.ready.partition("/")
    ready_style = "" if ready_count == total or status in DONE_STATUSES else "yellow"
    restarts_style = "" if columns.restarts.startswith("0") else "yellow"
    count, running = ephemeral_summary(pod)
    if count == 0:
        eph: Text = Text("-", style="dim")
    elif running:
        eph = Text.assemble((f"{count} ", ""), ("● ", "bold magenta"), (f"{running} running", "magenta"))
    else:
        eph = Text(f"{count}", style="magenta")
    cells: list[object] = [
        columns.name,
        Text(columns.ready, style=ready_style),
        Text(status, style=SEVERITY_STYLE[status_severity(status)]),
        Text(columns.restarts, style=restarts_style),
        columns.age,
        columns.node,
        eph,
    ]
    if compact:
        del cells[5]
    if show_namespace:
        cells.insert(0, (pod.get("metadata") or {}).get("namespace", ""))
    return tuple(cells)


def filter_fields(pod: dict) -> tuple[str, ...]:
    """What `/` filters look at: name, namespace, namespace/name, status, node."""
    meta = pod.get("metadata") or {}
    namespace, name = meta.get("namespace", ""), meta.get("name", "")
    columns = pod_columns(pod)
    return (name, namespace, f"{namespace}/{name}", columns.status, columns.node)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class PodTable(DataTable):
    """DataTable of pods fed with `PodBatch`es."""

    DEFAULT_CSS = """
    PodTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "scroll_top", "Top", show=False),
        Binding("G", "scroll_bottom", "Bottom", show=False),
    ]

    def __init__(self, *, clock: Clock = _utcnow, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False, cursor_foreground_priority="renderable")
        self.clock = clock
        self.pods: dict[PodKey, dict] = {}
        self.show_namespace = False
        self.compact = False  # narrow terminals: no NODE column
        self.pod_filter = PodFilter()
        self._cells: dict[str, tuple[object, ...]] = {}
        self._column_keys: list[str] = []

    def on_mount(self) -> None:
        self._set_columns()

    # ----- queries
    @property
    def selected_key(self) -> PodKey | None:
        if self.row_count == 0:
            return None
        try:
            row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        except Exception:
            return None
        return pod_key_of(str(row_key.value)) if row_key.value is not None else None

    @property
    def visible_count(self) -> int:
        return len(self._cells)

    def visible_keys(self) -> list[PodKey]:
        """The keys of the rows on the table, top to bottom."""
        return [pod_key_of(str(row.key.value)) for row in self.ordered_rows]

    def row_texts(self, key: PodKey) -> list[str]:
        """The visible text of one row (for tests and the inspector)."""
        return [str(cell) for cell in self._cells[row_key_of(key)]]

    # ----- configuration
    def _set_columns(self) -> None:
        self.clear(columns=True)
        self._cells.clear()
        hidden = {"namespace"} if not self.show_namespace else set()
        if self.compact:
            hidden.add("node")
        self._column_keys = [key for key, _ in ALL_COLUMNS if key not in hidden]
        for key, label in ALL_COLUMNS:
            if key in self._column_keys:
                self.add_column(label, key=key)

    def set_show_namespace(self, show: bool) -> None:
        if show == self.show_namespace:
            return
        self.show_namespace = show
        selected = self.selected_key
        self._set_columns()
        self._rebuild(selected)

    def set_compact(self, compact: bool) -> None:
        """Narrow terminals drop the NODE column (the inspector still shows the node)."""
        if compact == self.compact:
            return
        self.compact = compact
        selected = self.selected_key
        self._set_columns()
        self._rebuild(selected)

    def set_filter(self, pod_filter: PodFilter) -> None:
        selected = self.selected_key
        self.pod_filter = pod_filter
        self._rebuild(selected)

    def _matches(self, pod: dict) -> bool:
        if self.pod_filter.substring is None and self.pod_filter.pattern is None:
            return True
        return self.pod_filter.matches(filter_fields(pod))

    def _sort_key(self, key: PodKey) -> PodKey:
        return key

    # ----- updates
    def apply_batch(self, batch: PodBatch) -> None:
        """Apply one batch: update changed cells, add and remove rows, keep the cursor's pod."""
        selected = self.selected_key
        screen_offset = self.cursor_row - int(self.scroll_y)
        if batch.reset:
            self.pods = dict(batch.upserts)
        else:
            for key in batch.deletes:
                self.pods.pop(key, None)
            self.pods.update(batch.upserts)

        now = self.clock()
        to_remove: list[str] = []
        to_add: list[tuple[str, tuple[object, ...]]] = []
        to_update: list[tuple[str, tuple[object, ...]]] = []
        keys: Iterable[PodKey]
        if batch.reset:
            keys = set(batch.upserts) | {pod_key_of(k) for k in self._cells}
        else:
            keys = set(batch.upserts) | set(batch.deletes)
        for key in keys:
            row_key = row_key_of(key)
            pod = self.pods.get(key)
            shown = row_key in self._cells
            if pod is None or not self._matches(pod):
                if shown:
                    to_remove.append(row_key)
                continue
            cells = pod_row(pod, now, show_namespace=self.show_namespace, compact=self.compact)
            if shown:
                if cells != self._cells[row_key]:
                    to_update.append((row_key, cells))
            else:
                to_add.append((row_key, cells))

        if len(to_remove) + len(to_add) > _REBUILD_THRESHOLD and len(to_remove) > 8:
            self._rebuild(selected, screen_offset)
            return
        for row_key in to_remove:
            del self._cells[row_key]
            self.remove_row(row_key)
        for row_key, cells in to_update:
            old = self._cells[row_key]
            self._cells[row_key] = cells
            for column_key, new_value, old_value in zip(self._column_keys, cells, old):
                if new_value != old_value:
                    self.update_cell(row_key, column_key, new_value, update_width=True)
        if to_add:
            for row_key, cells in sorted(to_add):
                self._cells[row_key] = cells
                self.add_row(*cells, key=row_key)
            self._sort_rows()
        if to_add or to_remove:
            self._restore_cursor(selected, screen_offset)

    def refresh_ages(self) -> None:
        """Recompute the rows on screen (AGE, RESTARTS "ago"); only changed cells are touched.

        Only the visible rows: with 10,000 pods a full pass every few seconds would cost the UI
        thread a tenth of a second each time; off-screen rows catch up on their next change.
        """
        first = max(0, int(self.scroll_y) - 1)
        last = min(self.row_count, first + self.size.height + 2)
        keys = [pod_key_of(str(row.key.value)) for row in self.ordered_rows[first:last]]
        if keys:
            self.apply_batch(PodBatch(upserts={key: self.pods[key] for key in keys if key in self.pods}))

    def _sort_rows(self) -> None:
        if self.show_namespace:
            self.sort("namespace", "name")
        else:
            self.sort("name")

    def _rebuild(self, selected: PodKey | None, screen_offset: int | None = None) -> None:
        if screen_offset is None:
            screen_offset = self.cursor_row - int(self.scroll_y)
        self.clear()
        self._cells.clear()
        now = self.clock()
        for key in sorted(self.pods):
            pod = self.pods[key]
            if not self._matches(pod):
                continue
            row_key = row_key_of(key)
            cells = pod_row(pod, now, show_namespace=self.show_namespace, compact=self.compact)
            self._cells[row_key] = cells
            self.add_row(*cells, key=row_key)
        self._restore_cursor(selected, screen_offset)

    def _restore_cursor(self, selected: PodKey | None, screen_offset: int) -> None:
        if selected is None or row_key_of(selected) not in self._cells:
            return
        index = self.get_row_index(row_key_of(selected))
        if index == self.cursor_row:
            return
        self.move_cursor(row=index, animate=False, scroll=False)
        target_scroll = max(0, index - max(0, screen_offset))
        self.call_after_refresh(self.scroll_to, y=target_scroll, animate=False)

    def select_key(self, key: PodKey) -> bool:
        row_key = row_key_of(key)
        if row_key not in self._cells:
            return False
        self.move_cursor(row=self.get_row_index(row_key), animate=False)
        return True
