"""What one pod looks like as a table row: kubectl's columns, colored by severity; and the
rows' order (`RowSort`, `sort_key`, `sort_pods`).

Pure functions over plain pod dicts (no Textual imports).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from rich.text import Text

from tui.display_text import visible_line
from tui.pods.status import EphemeralStates, PodColumns, ephemeral_states, parse_timestamp, pod_columns

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

OK_STATUSES = frozenset({"Running"})
DONE_STATUSES = frozenset({"Completed", "Succeeded"})
PENDING_PREFIXES = ("Pending", "ContainerCreating", "PodInitializing", "Init:", "Terminating", "NotReady")
SEVERITY_STYLE = {"ok": "green", "done": "dim", "pending": "yellow", "error": "bold red"}


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


def column_keys(*, show_namespace: bool, compact: bool) -> list[str]:
    hidden = set() if show_namespace else {"namespace"}
    if compact:
        hidden.add("node")
    return [key for key, _ in ALL_COLUMNS if key not in hidden]


def pod_row(pod: dict, now: datetime, keys: list[str]) -> tuple[Text, ...]:
    """The cells of one row for the given column keys (cluster text made visible: `visible_line`)."""
    return _cells(pod, pod_columns(pod, now), keys)


def pod_row_ranked(pod: dict, now: datetime, keys: list[str], sort: RowSort) -> tuple[tuple[Text, ...], SortKey]:
    """`pod_row` and `sort_key` of one pod, from one pass over its status."""
    columns = pod_columns(pod, now)
    return _cells(pod, columns, keys), sort_key(pod, sort, columns)


def _cells(pod: dict, columns: PodColumns, keys: list[str]) -> tuple[Text, ...]:
    cells: dict[str, Text] = {}
    for key in keys:
        if key == "namespace":
            cells[key] = Text(visible_line((pod.get("metadata") or {}).get("namespace", "")))
        elif key == "name":
            cells[key] = Text(visible_line(columns.name))
        elif key == "ready":
            ready, _, total = columns.ready.partition("/")
            style = "" if ready == total or columns.status in DONE_STATUSES else "yellow"
            cells[key] = Text(visible_line(columns.ready), style=style)
        elif key == "status":
            cells[key] = Text(visible_line(columns.status), style=SEVERITY_STYLE[status_severity(columns.status)])
        elif key == "restarts":
            cells[key] = Text(columns.restarts, style="" if columns.restarts.startswith("0") else "yellow")
        elif key == "age":
            cells[key] = Text(columns.age)
        elif key == "node":
            cells[key] = Text(visible_line(columns.node))
        elif key == "eph":
            cells[key] = eph_cell(ephemeral_states(pod))
    return tuple(cells[key] for key in keys)


def eph_cell(states: EphemeralStates) -> Text:
    """The EPH cell: the count, those running, then what is wrong with the others in words (the
    kubelet's reason, "starting", "exited N"), so a debugger that cannot start is seen at once."""
    if states.count == 0:
        return Text("-", style="dim")
    parts: list[tuple[str, str]] = [(str(states.count), "" if states.running else "magenta")]
    if states.running:
        parts += [(" ", ""), ("●", "bold magenta"), (f" {states.running} running", "magenta")]
    if states.trouble:
        parts += [(" ✘ ", "bold red"), (visible_line(states.trouble), "red")]
    elif states.starting:
        parts += [(" … ", "yellow"), ("starting", "yellow")]
    elif states.exited is not None and not states.running:
        parts += [(" ■ ", "dim"), (f"exited {states.exited}", "red" if states.exited else "dim")]
    return Text.assemble(*parts)


def filter_fields(pod: dict) -> tuple[str, ...]:
    """What `/` filters look at: name, namespace, namespace/name, status, node."""
    meta = pod.get("metadata") or {}
    namespace, name = meta.get("namespace", ""), meta.get("name", "")
    columns = pod_columns(pod)
    return (name, namespace, f"{namespace}/{name}", columns.status, columns.node)


# ------------------------------------------------------------------ order

SortKey = tuple[object, ...]
"""A row's place: rows are in ascending order of their keys (they end with (namespace, name), so
no two pods' keys are equal)."""


@dataclass(frozen=True)
class RowSort:
    """The table's order: by `column` (a key of `ALL_COLUMNS`), ascending unless `descending`.

    Ascending is A to Z for text (NAMESPACE, NAME, STATUS, NODE), fewest first for READY (the
    ready fraction), RESTARTS and EPH (debug containers), youngest first for AGE (by
    creationTimestamp, not the AGE text). Rows with equal values stay in (namespace, name) order in
    both directions; rows without a value (an unscheduled pod's NODE, a pod without
    creationTimestamp) come last in both. The default, by namespace then name, is the order the
    table always had."""

    column: str = "namespace"
    descending: bool = False

    @property
    def arrow(self) -> str:
        """The header's mark: "↓" descending, "↑" ascending (a symbol: NO_COLOR shows it too)."""
        return "↓" if self.descending else "↑"

    def shown_column(self, keys: list[str]) -> str | None:
        """The column of `keys` (those shown) that carries the mark: NAME for the default order
        when NAMESPACE is hidden (one namespace: the same order); None when the column is hidden."""
        if self.column in keys:
            return self.column
        if self.column == "namespace" and "name" in keys:
            return "name"
        return None

    def next_column(self, keys: list[str]) -> RowSort:
        """Sorted by the shown column after this one (after the last: the first), ascending."""
        current = self.shown_column(keys)
        index = keys.index(current) + 1 if current is not None else 0
        return RowSort(keys[index % len(keys)] if keys else self.column)

    def reversed(self, keys: list[str]) -> RowSort:
        """The other direction, on the column that carries the mark."""
        return RowSort(self.shown_column(keys) or self.column, not self.descending)

    def describe(self) -> str:
        label = LABELS.get(self.column, self.column.upper())
        return f"{label} {self.arrow} ({'descending' if self.descending else 'ascending'})"


DEFAULT_SORT = RowSort()
LABELS = dict(ALL_COLUMNS)
SORTABLE = tuple(LABELS)


def _ready_fraction(ready: str) -> tuple[float, int, int]:
    count, _, total = ready.partition("/")
    try:
        done, of = int(count), int(total)
    except ValueError:
        return (0.0, 0, 0)
    return (done / of if of else 0.0, done, of)


def _restart_count(restarts: str) -> int:
    """RESTARTS as a number: `5 (3m ago)` is 5."""
    head = restarts.split(" ", 1)[0]
    return int(head) if head.isdigit() else 0


# The columns sorted by their text as the row shows it (`cell`); the others by the pod's fields.
CELL_SORTED = frozenset({"ready", "status", "restarts"})


def _value(pod: dict, column: str, columns: PodColumns | None,
           cell: str | None) -> str | float | tuple[float, ...] | None:
    """The value `column` is sorted by (None: none, sorted last)."""
    meta = pod.get("metadata") or {}
    if column == "namespace":
        return str(meta.get("namespace") or "")
    if column == "name":
        return str(meta.get("name") or "")
    if column == "age":
        created = parse_timestamp(meta.get("creationTimestamp"))
        return None if created is None else -created.timestamp()  # the youngest first
    if column == "node":
        return str((pod.get("spec") or {}).get("nodeName") or "") or None
    if column == "eph":
        states = ephemeral_states(pod)
        return (float(states.count), float(states.running))
    if column not in CELL_SORTED:
        raise ValueError(f"no such column: {column!r}")
    if cell is None:
        cell = visible_line(getattr(columns if columns is not None else pod_columns(pod), column))
    if column == "ready":
        return _ready_fraction(cell)
    if column == "status":
        return cell
    return float(_restart_count(cell))


def _inverted(value: str | float | tuple[float, ...]) -> object:
    """A value ordered the other way round (for `descending`, with ties still by name ascending)."""
    if isinstance(value, str):
        # a longer string whose start is equal sorts after the shorter one ascending, so before it
        # here: the final 1 is above every negated code point
        return (*(-ord(char) for char in value), 1)
    if isinstance(value, tuple):
        return tuple(-item for item in value)
    return -value


def sort_key(pod: dict, sort: RowSort, columns: PodColumns | None = None, *, cell: str | None = None) -> SortKey:
    """`pod`'s place in a table sorted by `sort`. Known already, they spare a pass over its status:
    `columns` (its `pod_columns`), or for READY, STATUS and RESTARTS `cell`, the row's text there."""
    meta = pod.get("metadata") or {}
    namespace, name = str(meta.get("namespace") or ""), str(meta.get("name") or "")
    if sort.column == "namespace" and not sort.descending:
        return (namespace, name)  # the default order: the pod's key itself (the table reuses it)
    value = _value(pod, sort.column, columns, cell)
    if value is None:
        return (1, 0, namespace, name)
    return (0, _inverted(value) if sort.descending else value, namespace, name)


def sort_pods(pods: Iterable[dict], sort: RowSort = DEFAULT_SORT) -> list[tuple[str, str]]:
    """The (namespace, name) keys of `pods` in the order of `sort`."""
    return [pod_key_of(key) for key in sorted(sort_key(pod, sort) for pod in pods)]


def pod_key_of(key: SortKey) -> tuple[str, str]:
    """The (namespace, name) a sort key was made for."""
    return str(key[-2]), str(key[-1])
