"""The pod table: a Line-API widget that stays fast with 10,000 pods.

Rows are kept sorted in a list (bisect insert/remove) by their sort keys (`tui.pods.rows.RowSort`:
by namespace and name unless `set_sort` chose a column and direction; the header marks the column
with an arrow once the user sorted); a batch recomputes only the rows of the pods it carries (a row
whose sort key changed moves) and repaints only the lines on screen. The cursor follows its pod
across updates and keeps its place on screen; scrolling and the header row are handled here.
Only user moves post `PodTable.Highlighted` (a batch never moves the user's selection elsewhere).
"""

from __future__ import annotations

import time
from bisect import bisect_left
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from math import ceil

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from tui.pods.filter import PodFilter
from tui.pods.rows import (
    ALL_COLUMNS,
    DEFAULT_SORT,
    TIME_COLUMNS,
    RowFacts,
    RowSort,
    SortKey,
    column_keys,
    column_width,
    filter_fields,
    row_cells,
    row_texts,
    sort_key,
)
from tui.pods.rows import pod_row as _row_cells
from tui.pods.store import PodBatch
from tui.pods.stored import PodKey, PodView, StoredPod

Clock = Callable[[], datetime]
GAP = 2  # spaces between columns
LABELS = dict(ALL_COLUMNS)
# When the columns are wider than the table, these give way first (down to these widths), so
# STATUS, RESTARTS, AGE and EPH stay on screen at 80 columns; a name loses its middle (the
# ReplicaSet hash and pod suffix that tell replicas apart stay).
SHRINKABLE_MIN_WIDTHS = (("namespace", 9), ("name", 20))
STRIP_CACHE_ROWS = 300  # painted rows kept at most (more on a screen taller than a quarter of this)


def _utcnow() -> datetime:
    return datetime.now(UTC)


def pod_row(pod: dict, now: datetime, *, show_namespace: bool, compact: bool = False) -> tuple[Text, ...]:
    """The cells a table with these settings shows for `pod` (for checks against the server)."""
    return _row_cells(pod, now, column_keys(show_namespace=show_namespace, compact=compact))


@dataclass(frozen=True)
class ColumnInfo:
    key: str
    label: str


class PodTable(ScrollView, can_focus=True):
    """Pods fed with `PodBatch`es; j/k/arrows, g/G, PgUp/PgDn, Enter, mouse."""

    COMPONENT_CLASSES = {"pod-table--header", "pod-table--cursor", "pod-table--cursor-blurred"}
    DEFAULT_CSS = """
    PodTable { height: 1fr; }
    PodTable > .pod-table--header { text-style: bold; }
    PodTable > .pod-table--cursor { background: $accent 60%; }
    PodTable > .pod-table--cursor-blurred { background: $accent 25%; }
    """
    BINDINGS = [
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("home,g", "first", "Top", show=False),
        Binding("end,G", "last", "Bottom", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("enter", "select", "Inspect", show=False),
        # ← / → only: h and l are browser actions (l opens the logs), which a key of the focused
        # table would shadow as soon as the table is wider than the screen
        Binding("left", "scroll_left", "Scroll left", show=False),
        Binding("right", "scroll_right", "Scroll right", show=False),
    ]

    @dataclass
    class Highlighted(Message):
        """The user moved the cursor onto `key`."""

        table: PodTable
        key: PodKey

    @dataclass
    class Selected(Message):
        """Enter on `key`."""

        table: PodTable
        key: PodKey

    def __init__(self, *, clock: Clock = _utcnow, id: str | None = None) -> None:
        super().__init__(id=id)
        self.clock = clock
        # The pods as kept (their JSON text and row facts: tui.pods.stored); `pods` decodes one
        # when asked for. Rows are built from the facts; cells only for the rows painted.
        self._stored: dict[PodKey, StoredPod] = {}
        self.pods = PodView(self._stored)
        self.show_namespace = False
        self.compact = False  # narrow terminals: no NODE column
        self.pod_filter = PodFilter()
        self._keys: list[str] = column_keys(show_namespace=False, compact=False)
        self._widths: list[int] = [len(LABELS[k]) for k in self._keys]
        self._fit_widths: list[int] = list(self._widths)  # _widths shrunk to the table's width
        self._gap = GAP  # 1 when the columns are wider than the table
        self.sort: RowSort = DEFAULT_SORT
        self.sort_marked = False  # the user chose the order: the header shows its arrow
        self._order: list[PodKey] = []  # the rows, top to bottom
        self._ranks: list[SortKey] = []  # their sort keys, ascending (same indexes as _order)
        self._rank_of: dict[PodKey, SortKey] = {}
        self._cells: dict[PodKey, tuple[str, ...]] = {}  # the shown rows' text (row_texts)
        self._strips: dict[PodKey, Strip] = {}
        self._strips_style: Style | None = None  # the base style the cached strips were made with
        self._frame_style: Style | None = None  # set while a render pass runs
        self.cursor_row = 0
        # What the next `_after_change` repaints: the rows whose text changed (when nothing moved),
        # or everything once the cached strips were dropped (widths, gap or style changed).
        self._changed: dict[PodKey, tuple[int, int]] = {}  # key -> its first and last changed column
        self._repaint_all = False
        self.repainted_lines = 0  # lines asked to be repainted so far (tests count what a change costs)
        # what the last repaints showed (`_shown`): a change repaints the lines that differ
        self._painted: tuple[list[PodKey], int, list[str]] = ([], 0, [])
        self._painted_texts: list[tuple[str, ...] | None] = []  # the text each line of `_painted` shows
        self.moved_at = float("-inf")  # when a key last moved the cursor (time.monotonic)

    # ------------------------------------------------------------------ queries
    @property
    def row_count(self) -> int:
        return len(self._order)

    @property
    def visible_count(self) -> int:
        return len(self._order)

    @property
    def column_labels(self) -> list[str]:
        return [LABELS[k] for k in self._keys]

    @property
    def header_labels(self) -> list[str]:
        """The header as shown: the labels, the sorted one with its arrow once the user sorted."""
        marked = self.sort.shown_column(self._keys) if self.sort_marked else None
        return [LABELS[k] + (self.sort.arrow if k == marked else "") for k in self._keys]

    @property
    def shown_columns(self) -> list[str]:
        """The keys of the columns shown, left to right."""
        return list(self._keys)

    @property
    def columns(self) -> dict[str, ColumnInfo]:
        """The shown columns by key, in order (`.label` as in the header)."""
        return {k: ColumnInfo(k, LABELS[k]) for k in self._keys}

    @property
    def selected_key(self) -> PodKey | None:
        if not self._order:
            return None
        return self._order[min(self.cursor_row, len(self._order) - 1)]

    def visible_keys(self) -> list[PodKey]:
        """The keys of the rows, top to bottom."""
        return list(self._order)

    def row_texts(self, key: PodKey) -> list[str]:
        return list(self._cells[key])

    # ------------------------------------------------------------------ configuration
    def set_show_namespace(self, show: bool) -> None:
        if show != self.show_namespace:
            self.show_namespace = show
            self._rebuild()

    def set_compact(self, compact: bool) -> None:
        """Narrow terminals drop the NODE column (the inspector still shows the node)."""
        if compact != self.compact:
            self.compact = compact
            self._rebuild()

    def set_filter(self, pod_filter: PodFilter) -> None:
        self.pod_filter = pod_filter
        self._rebuild()

    def set_sort(self, sort: RowSort) -> None:
        """Order the rows by `sort` (the header marks it from now on); the cursor stays on its pod,
        at its place on screen."""
        selected = self.selected_key
        screen_offset = self.cursor_row - int(self.scroll_y)
        sort = DEFAULT_SORT if sort == DEFAULT_SORT else sort
        self.sort = sort
        self.sort_marked = True
        stored = self._stored
        if sort is DEFAULT_SORT:
            rank_of: dict[PodKey, SortKey] = {key: key for key in self._cells}
        else:
            rank_of = {key: sort_key(stored[key].facts, sort) for key in self._cells}
        self._set_order(rank_of)
        for index, label in enumerate(self.header_labels):
            if len(label) > self._widths[index]:
                self._widths[index] = len(label)
                self._drop_strips()
        self._after_change(selected, screen_offset, moved=True)

    def _matches(self, facts: RowFacts) -> bool:
        if self.pod_filter.substring is None and self.pod_filter.pattern is None:
            return True
        return self.pod_filter.matches(filter_fields(facts))

    # ------------------------------------------------------------------ updates
    def apply_batch(self, batch: PodBatch) -> None:
        """Apply one batch: recompute the rows it touches, keep the cursor's pod in place."""
        selected = self.selected_key
        screen_offset = self.cursor_row - int(self.scroll_y)
        pods = self._stored
        previous: Mapping[PodKey, StoredPod | None]
        if batch.reset:
            previous = pods
            self._stored = self.pods.stored = dict(batch.upserts)
            touched = set(previous) | set(batch.upserts)
        else:
            replaced: dict[PodKey, StoredPod | None] = {key: pods[key] for key in batch.upserts if key in pods}
            for key in batch.deletes:
                replaced[key] = pods.pop(key, None)
            previous = replaced
            pods.update(batch.upserts)
            touched = set(batch.upserts) | set(batch.deletes)
        added = self._update_rows(touched, previous)
        self._after_change(selected, screen_offset, moved=added or len(self._order) != len(self._cells))

    def _update_rows(self, keys: set[PodKey] | list[PodKey],
                     previous: Mapping[PodKey, StoredPod | None] | None) -> bool:
        """Recompute the rows of `keys` (skipping pods whose row facts equal those in `previous`:
        an update of labels or annotations); returns whether a row was added or moved."""
        now = self.clock().timestamp()
        moved = False
        pods = self._stored
        cells_by_key = self._cells
        rank_of = self._rank_of
        sort = self.sort
        rank: SortKey
        keys_shown = self._keys
        for key in keys:
            pod = pods.get(key)
            if previous is not None and pod is not None:
                old = previous.get(key)
                if old is not None and (old is pod or old.facts == pod.facts):
                    continue  # same row as before, shown or filtered out alike
            shown = key in cells_by_key
            if pod is None or not self._matches(pod.facts):
                if shown:
                    self._remove(key)
                continue
            cells = row_texts(pod.facts, now, keys_shown)
            # DEFAULT_SORT: (namespace, name), the key itself, no new object per row
            rank = key if sort is DEFAULT_SORT else sort_key(pod.facts, sort)
            if shown:
                old_cells = cells_by_key[key]
                if cells == old_cells and rank == rank_of[key]:
                    continue
                self._note_changed(key, old_cells, cells)
            cells_by_key[key] = cells
            self._strips.pop(key, None)
            self._grow_widths(cells)
            if shown and rank != rank_of[key]:
                self._unrank(key)
                shown = False
            if not shown:
                index = bisect_left(self._ranks, rank)
                self._ranks.insert(index, rank)
                self._order.insert(index, key)
                rank_of[key] = rank
                moved = True
        return moved

    def _index_of(self, key: PodKey) -> int:
        """The row of a shown pod."""
        return bisect_left(self._ranks, self._rank_of[key])

    def _unrank(self, key: PodKey) -> None:
        rank = self._rank_of.pop(key)
        index = bisect_left(self._ranks, rank)
        if index < len(self._ranks) and self._ranks[index] == rank:
            del self._ranks[index]
            del self._order[index]

    def _remove(self, key: PodKey) -> None:
        del self._cells[key]
        self._strips.pop(key, None)
        self._unrank(key)

    def _note_changed(self, key: PodKey, old: tuple[str, ...], new: tuple[str, ...]) -> None:
        """Remember which columns of a shown row changed (the next repaint covers only those)."""
        differ = [index for index, (a, b) in enumerate(zip(old, new, strict=False)) if a != b]
        if len(old) != len(new) or not differ:
            span = (0, max(len(old), len(new)) - 1)
        else:
            span = (differ[0], differ[-1])
        earlier = self._changed.get(key)
        self._changed[key] = span if earlier is None else (min(span[0], earlier[0]), max(span[1], earlier[1]))

    def _drop_strips(self) -> None:
        """Forget every cached row (their widths, gap or style changed): the next change repaints all."""
        self._strips.clear()
        self._repaint_all = True

    def _grow_widths(self, cells: tuple[str, ...]) -> None:
        widths = self._widths
        grew = False
        keys = self._keys
        for index, cell in enumerate(cells):
            # printable ASCII (row text is made visible: no control characters) is one cell a character
            if keys[index] in TIME_COLUMNS:  # room for their age to grow: time passing widens nothing
                length = column_width(keys[index], cell)
            else:
                length = len(cell) if cell.isascii() else cell_len(cell)
            if length > widths[index]:
                widths[index] = length
                grew = True
        if grew:
            self._drop_strips()

    def _rebuild(self) -> None:
        """Recompute every row (columns, filter or width changes)."""
        selected = self.selected_key
        screen_offset = self.cursor_row - int(self.scroll_y)
        self._keys = column_keys(show_namespace=self.show_namespace, compact=self.compact)
        self._widths = [len(label) for label in self.header_labels]
        self._cells.clear()
        self._drop_strips()
        now = self.clock().timestamp()
        sort = self.sort
        keys_shown = self._keys
        rank_of: dict[PodKey, SortKey] = {}
        for key, pod in self._stored.items():
            facts = pod.facts
            if not self._matches(facts):
                continue
            cells = row_texts(facts, now, keys_shown)
            rank_of[key] = key if sort is DEFAULT_SORT else sort_key(facts, sort)
            self._cells[key] = cells
            self._grow_widths(cells)
        self._set_order(rank_of)
        self._after_change(selected, screen_offset, moved=True)

    def _set_order(self, rank_of: dict[PodKey, SortKey]) -> None:
        """The rows are those of `rank_of`, in the order of their sort keys (no new objects but
        the lists: a GC pass over 10,000 pods costs more than the sort)."""
        order = list(rank_of)
        order.sort(key=rank_of.__getitem__)
        self._order = order
        self._ranks = [rank_of[key] for key in order]
        self._rank_of = rank_of

    def _refit(self) -> None:
        """`_fit_widths`: the natural widths, with NAMESPACE then NAME narrowed (to a minimum) while
        the row is wider than the table. Cached rows are redrawn when this changes."""
        widths = list(self._widths)
        # the vertical scrollbar is always reserved: it comes and goes with the row count, and a
        # fit computed without it would let the last column slip under it
        available = self.outer_size.width - self.styles.scrollbar_size_vertical
        gap = GAP
        excess = 1 + sum(widths) + gap * (len(widths) - 1) - available if available > 0 else 0
        if excess > 0:  # one space between columns before any column gives way
            gap = 1
            excess -= len(widths) - 1
        if gap != self._gap:
            self._gap = gap
            self._drop_strips()
        for key, minimum in SHRINKABLE_MIN_WIDTHS:
            if excess <= 0:
                break
            if key in self._keys:
                index = self._keys.index(key)
                cut = min(excess, max(0, widths[index] - minimum))
                widths[index] -= cut
                excess -= cut
        if widths != self._fit_widths:
            self._fit_widths = widths
            self._drop_strips()

    def on_resize(self, event: events.Resize) -> None:
        self._after_change(self.selected_key, self.cursor_row - int(self.scroll_y), moved=False)

    def _after_change(self, selected: PodKey | None, screen_offset: int, *, moved: bool) -> None:
        self._refit()
        width = 1 + sum(self._fit_widths) + self._gap * (len(self._fit_widths) - 1)
        size = Size(width, len(self._order) + 1)
        resized = size.width != self.virtual_size.width
        self._set_virtual_size(size)
        if self._order and selected is not None and not moved and selected in self._cells:
            # rows removed above the cursor leave it on the same index: the selection would slip
            # to the next pod (a re-anchor only when the selected pod is not under the cursor)
            row = self.cursor_row
            moved = row >= len(self._order) or self._order[row] != selected
        if moved and self._order:
            if selected is not None and selected in self._cells:
                index = self._index_of(selected)
                self.cursor_row = index
                self.scroll_to(y=max(0, index - max(0, screen_offset)), animate=False, immediate=True)
            self.cursor_row = max(0, min(self.cursor_row, len(self._order) - 1))
        changed, self._changed = self._changed, {}
        if resized or self._repaint_all:
            self._repaint_all = False
            self._refresh_all()
        else:  # the lines showing another row than before (rows added, removed, moved), and the
            # cells of the rows on screen whose text changed (idle ages, a storm's updates)
            self._refresh_moved_lines()
            self._refresh_rows(changed)

    def _set_virtual_size(self, size: Size) -> None:
        """A new row count without a layout of the table (Textual repaints a widget whole when its
        virtual size changes: a pod added below the screen rewrote every line), unless the
        vertical scrollbar comes or goes."""
        old = self.virtual_size
        if size == old:
            return
        viewport = self.size.height
        if size.width == old.width and old.height and (size.height > viewport) == (old.height > viewport):
            self.set_reactive(PodTable.virtual_size, size)
            if self.show_vertical_scrollbar and self.styles.scrollbar_size_vertical:
                self._set_scrollbar(virtual_size=size.height,
                                    window_size=self.container_size.height - self.scrollbar_size_horizontal)
                self.scroll_y = self.validate_scroll_y(self.scroll_y)
            else:
                self._scroll_update(size)
        else:
            self.virtual_size = size

    def _set_scrollbar(self, *, virtual_size: int | None = None, window_size: int | None = None,
                       position: float | None = None) -> None:
        """Textual's scrollbar update without repainting a vertical scrollbar that looks the same:
        its thumb moves in eighths of a cell, while the row count changes with every pod added or
        removed and the scroll offset with every row added above the cursor (a churn storm
        rewrote the scrollbar's every line with each batch: ~40% of what it wrote)."""
        bar = self.vertical_scrollbar
        before = _scrollbar_look(bar)
        if virtual_size is not None:
            bar.set_reactive(ScrollBar.window_virtual_size, virtual_size)
        if window_size is not None:
            bar.set_reactive(ScrollBar.window_size, window_size)
        if position is not None:
            bar.set_reactive(ScrollBar.position, bar.validate_position(position))
        if _scrollbar_look(bar) != before:
            bar.refresh()

    def _shown(self) -> tuple[list[PodKey], int, list[str]]:
        """What the screen shows: the rows' keys top to bottom, the cursor's line, the header."""
        first = int(self.scroll_y)
        return self._order[first : first + max(0, self.size.height - 1)], self.cursor_row - first, self.header_labels

    def _refresh_moved_lines(self) -> None:
        """Repaint the lines that show another row (or the cursor, or header) than when painted last."""
        keys, cursor_line, header = self._shown()
        old_keys, old_cursor_line, old_header = self._painted
        first = int(self.scroll_y)
        old_texts = self._painted_texts
        cells = self._cells
        texts = [cells.get(key) for key in keys]
        if header != old_header:
            self.repainted_lines += 1
            self.refresh(Region(0, 0, self.scrollable_content_region.width, 1))
        starts: list[int] | None = None
        for line in range(max(len(keys), len(old_keys))):
            if line >= len(keys) or line >= len(old_keys) or line >= len(old_texts):
                self._refresh_line_at(first + line)
            elif keys[line] != old_keys[line]:  # another row on this line: the cells that read otherwise
                starts = starts or self._column_starts()
                self._refresh_cells_at(first + line, old_texts[line], texts[line], starts)
        if cursor_line != old_cursor_line:
            self._refresh_line_at(first + old_cursor_line)
            self._refresh_line_at(first + cursor_line)
        self._painted = (keys, cursor_line, header)
        self._painted_texts = texts

    def _refresh_cells_at(self, index: int, old: tuple[str, ...] | None, new: tuple[str, ...] | None,
                          starts: list[int]) -> None:
        """Repaint the cells of line `index` whose text differs between the row it showed (`old`)
        and the row it shows now (`new`): rows shifted by a pod added or removed above them mostly
        share their namespace, status, node... (a churn storm rewrote every line below the change
        whole), and of those the characters that differ (`load-00050-0001e` after `load-00050-00032`:
        two). A cell's colour follows its text, READY's also STATUS's."""
        if old is None or new is None or len(old) != len(new):
            self._refresh_line_at(index)
            return
        differ = [column for column, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
        keys = self._keys
        if "status" in keys and "ready" in keys and keys.index("status") in differ:
            differ = sorted({*differ, keys.index("ready")})
        widths, scroll_x = self._fit_widths, int(self.scroll_x)
        run_start = -1
        for position, column in enumerate(differ):
            if run_start < 0:
                run_start = column
            if position + 1 == len(differ) or differ[position + 1] != column + 1:  # the end of a run
                head = _same_head(old[run_start], new[run_start], widths[run_start], keys[run_start])
                tail = _same_head(old[column][::-1], new[column][::-1], widths[column], keys[column], tail=True)
                self._refresh_line_at(index, starts[run_start] + head - scroll_x,
                                      starts[column] + widths[column] - tail - scroll_x)
                run_start = -1

    def _column_starts(self) -> list[int]:
        """Where each column begins on a line (before horizontal scrolling)."""
        starts, gap = [], self._gap
        x = 1  # the row's leading space
        for width in self._fit_widths:
            starts.append(x)
            x += width + gap
        return starts

    def _refresh_all(self) -> None:
        self.repainted_lines += self.size.height
        self._painted = self._shown()
        self._painted_texts = [self._cells.get(key) for key in self._painted[0]]
        self.refresh()

    def _refresh_rows(self, spans: dict[PodKey, tuple[int, int]]) -> None:
        """Repaint the changed cells of the rows on screen in `spans` (key -> first and last changed
        column): an AGE that ticks rewrites its few cells, not the line (nor the screen)."""
        if not spans:
            return
        first = int(self.scroll_y)
        shown = self._order[first : first + max(0, self.size.height - 1)]
        starts, widths = self._column_starts(), self._fit_widths
        scroll_x = int(self.scroll_x)
        for offset, key in enumerate(shown):
            span = spans.get(key)
            if span is not None:
                left = starts[span[0]] - scroll_x
                right = starts[span[1]] + widths[span[1]] - scroll_x
                self._refresh_line_at(first + offset, left, right)

    def _refresh_line_at(self, index: int, left: int = 0, right: int | None = None) -> None:
        """Repaint the line of row `index` (the header is line 0), or its cells from `left` to `right`."""
        y = index - int(self.scroll_y) + 1
        width = self.scrollable_content_region.width  # not the scrollbar beside it
        left = max(0, left)
        right = width if right is None else min(width, right)
        if 1 <= y < self.size.height and right > left:
            self.repainted_lines += 1
            self.refresh(Region(left, y, right - left, 1))

    def refresh_ages(self) -> None:
        """Recompute the rows on screen (AGE, RESTARTS "ago"); off-screen rows catch up on their
        next change (a full pass over 10,000 pods every few seconds would cost the UI thread)."""
        first = int(self.scroll_y)
        keys = self._order[first : first + self.size.height]
        if keys:
            selected = self.selected_key
            screen_offset = self.cursor_row - int(self.scroll_y)
            added = self._update_rows(keys, None)
            self._after_change(selected, screen_offset, moved=added or len(self._order) != len(self._cells))

    # ------------------------------------------------------------------ cursor
    def _move_to(self, row: int) -> None:
        self.moved_at = time.monotonic()
        if not self._order:
            return
        row = max(0, min(row, len(self._order) - 1))
        previous, top = self.cursor_row, self.scroll_y
        changed = row != previous
        self.cursor_row = row
        self._scroll_cursor_into_view()
        if changed or top != self.scroll_y:  # the two lines whose highlight changed, or all if scrolled
            self._refresh_moved_lines()
        if changed:
            self.post_message(self.Highlighted(self, self._order[row]))

    def _scroll_cursor_into_view(self) -> None:
        visible = max(1, self.size.height - 1)
        top = int(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False, immediate=True)

    def select_key(self, key: PodKey, *, center: bool = False) -> bool:
        if key not in self._cells:
            return False
        index = self._index_of(key)
        if center:
            self.scroll_to(y=max(0, index - self.size.height // 2), animate=False, immediate=True)
        self._move_to(index)
        self.post_message(self.Highlighted(self, key))
        return True

    def action_cursor_down(self) -> None:
        self._move_to(self.cursor_row + 1)

    def action_cursor_up(self) -> None:
        self._move_to(self.cursor_row - 1)

    def action_first(self) -> None:
        self._move_to(0)

    def action_last(self) -> None:
        self._move_to(len(self._order) - 1)

    def action_page_down(self) -> None:
        self._move_to(self.cursor_row + max(1, self.size.height - 2))

    def action_page_up(self) -> None:
        self._move_to(self.cursor_row - max(1, self.size.height - 2))

    def action_select(self) -> None:
        key = self.selected_key
        if key is not None:
            self.post_message(self.Selected(self, key))

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            self._move_to(int(self.scroll_y) + event.y - 1)
            if event.chain == 2:
                self.action_select()

    # ------------------------------------------------------------------ rendering
    def _row_strip(self, cells: tuple[Text, ...], style: Style) -> Strip:
        """One line from its cells (`row_cells`, or the header's labels)."""
        line = Text(" ", no_wrap=True, end="")
        name_index = self._keys.index("name") if "name" in self._keys else -1
        for index, (cell, width) in enumerate(zip(cells, self._fit_widths, strict=False)):
            if index == name_index and cell.cell_len > width:
                part = _middle_ellipsis(cell, width)
            else:
                part = cell.copy()
            part.truncate(width, overflow="ellipsis", pad=True)
            line.append_text(part)
            line.append(" " * self._gap)
        segments = list(line.render(self.app.console))
        return Strip(Segment.apply_style(segments, style=style))

    def render_lines(self, crop: Region) -> list[Strip]:
        # The widget's style once per render pass: `rich_style` walks the ancestors' styles and
        # cost more than the rest of a line's rendering when taken once per line.
        base = self.rich_style
        if base != self._strips_style:
            self._drop_strips()  # cached rows carry the old background (theme change)
            self._strips_style = base
        self._frame_style = base
        try:
            return super().render_lines(crop)
        finally:
            self._frame_style = None
            self._forget_far_strips()

    def _forget_far_strips(self) -> None:
        """Keep the painted rows of about three screens around the one shown (paging through
        50,000 pods kept every row ever painted: ~3 KB each)."""
        height = max(1, self.size.height)
        if len(self._strips) > max(STRIP_CACHE_ROWS, 4 * height):
            first = max(0, int(self.scroll_y) - height)
            strips = self._strips
            self._strips = {key: strips[key] for key in self._order[first : first + 3 * height] if key in strips}

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self._frame_style if self._frame_style is not None else self.rich_style
        scroll_x = int(self.scroll_x)
        if y == 0:
            header_style = base + self.get_component_rich_style("pod-table--header", partial=True)
            strip = self._row_strip(tuple(Text(label) for label in self.header_labels), header_style)
            return strip.crop_extend(scroll_x, scroll_x + width, header_style)
        index = int(self.scroll_y) + y - 1
        if index >= len(self._order):
            return Strip.blank(width, base)
        key = self._order[index]
        row = self._strips.get(key)
        if row is None:
            cells = row_cells(self._stored[key].facts, self._cells[key], self._keys)
            row = self._strips[key] = self._row_strip(cells, base)
        strip = row.crop_extend(scroll_x, scroll_x + width, base)
        if index == self.cursor_row:
            name = "pod-table--cursor" if self.has_focus else "pod-table--cursor-blurred"
            cursor = self.get_component_rich_style(name, partial=True)
            strip = Strip(Segment.apply_style(list(strip), post_style=Style(bgcolor=cursor.bgcolor, bold=True)))
        return strip

    def _on_hide(self, event: events.Hide) -> None:
        """Keep the focus while a message stands in for the table ("Loading pods…" after A, n or
        -l; an error): Textual's default blurs a hidden widget, and its Hide can arrive after the
        rows are back, leaving j/k dead or moving the focus into a session pane."""
        if self.show_horizontal_scrollbar:
            self.horizontal_scrollbar.post_message(event)
        if self.show_vertical_scrollbar:
            self.vertical_scrollbar.post_message(event)

    def on_focus(self) -> None:
        self._refresh_line_at(self.cursor_row)  # the cursor's colour is all that differs

    def on_blur(self) -> None:
        self._refresh_line_at(self.cursor_row)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        # ScrollView's, without its repaint of the whole table: the cursor kept on its pod while rows
        # come and go above it scrolls, yet every line may show the row it showed
        if self.show_vertical_scrollbar:
            self._set_scrollbar(position=new_value)
        self._catch_up()
        self._refresh_moved_lines()
        # the changed cells of rows on the line they showed before (a batch's own changes too,
        # when it scrolled the table to keep the cursor's pod in place)
        changed, self._changed = self._changed, {}
        self._refresh_rows(changed)

    def _catch_up(self) -> None:
        """Rows scrolled into view get today's text (AGE, RESTARTS' "ago"): `refresh_ages` keeps only
        the rows on screen current, and a row's text was made when it last changed."""
        first = int(self.scroll_y)
        keys = self._order[first : first + self.size.height]
        if not keys:
            return
        self._update_rows(keys, None)
        if self._repaint_all:  # a column grew: the widths and the virtual size follow
            self._after_change(self.selected_key, self.cursor_row - first, moved=False)


# Columns whose cell colour depends on the text (or holds several): never partly repainted.
_WHOLE_CELL_COLUMNS = frozenset({"ready", "status", "eph"})


def _same_head(old: str, new: str, width: int, column: str, *, tail: bool = False) -> int:
    """How many leading cells two texts of a column share as shown (`tail`: the texts are reversed,
    their padding comes first). 0 unless both differ, are ASCII, fit the width (a cut text or a wide
    character is repainted whole) and the cell's colour does not follow its text: READY's ("1/2"
    yellow, "2/2" plain) and STATUS's (by severity: "Init:0/1", "Init:Error") do, and EPH has several,
    so those are written whole (the characters kept would keep the old row's colour)."""
    if (old == new or column in _WHOLE_CELL_COLUMNS or not (old.isascii() and new.isascii())
            or max(len(old), len(new)) > width):
        return 0
    if tail:
        old, new = old.rjust(width), new.rjust(width)
    else:
        old, new = old.ljust(width), new.ljust(width)
    same = 0
    while old[same] == new[same]:  # they differ somewhere: this stops
        same += 1
    return same


def _scrollbar_look(bar: ScrollBar) -> tuple[Segment, ...]:
    """What a vertical scrollbar shows (as `ScrollBar._render_bar` draws it), colours aside."""
    virtual = ceil(bar.window_virtual_size)
    window = ceil(bar.window_size) if bar.window_size < bar.window_virtual_size else 0
    look = bar.renderer.render_bar(size=bar.size.height, virtual_size=virtual, window_size=window,
                                   position=bar.position, thickness=bar.thickness, vertical=True)
    return tuple(look.segments)


def _middle_ellipsis(cell: Text, width: int) -> Text:
    """`payments-api-7c9d8f6b5-x2kqp` in 19 cells: `payments-…f6b5-x2kqp` (the end tells pods apart)."""
    plain = cell.plain
    if width < 3:
        return Text(plain[:width], style=cell.style)
    keep = width - 1
    head = keep * 2 // 5
    tail = keep - head
    return Text(plain[:head] + "…" + plain[len(plain) - tail :], style=cell.style)
