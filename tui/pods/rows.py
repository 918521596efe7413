"""What one pod looks like as a table row: kubectl's columns, colored by severity; and the
rows' order (`RowSort`, `sort_key`, `sort_pods`).

Pure functions over plain pod dicts (no Textual imports).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from sys import intern

from rich.text import Text

from tui.display_text import visible_line
from tui.pods.status import EphemeralStates, ephemeral_states, human_duration, parse_timestamp, pod_summary

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


@dataclass(frozen=True, slots=True)
class RowFacts:
    """What a pod's row needs, taken from the pod once (the table keeps these, not the pod): the
    cluster's text as it came (made visible when shown), the times as seconds since the epoch, so
    AGE and RESTARTS' "ago" are recomputed without the pod."""

    namespace: str
    name: str
    ready: str  # "1/2"
    status: str  # kubectl's STATUS
    restarts: int
    last_restart: float | None  # when the last restart's container finished
    created: float | None  # creationTimestamp
    node: str  # spec.nodeName ("" when not scheduled)
    eph: EphemeralStates


def _epoch(moment: datetime | None) -> float | None:
    return None if moment is None else moment.timestamp()


def row_facts(pod: dict) -> RowFacts:
    """`pod`'s `RowFacts` (one pass over its status)."""
    meta = pod.get("metadata") or {}
    ready, total, reason, restarts, last_restart = pod_summary(pod)
    return RowFacts(
        namespace=str(meta.get("namespace") or ""),
        name=str(meta.get("name") or ""),
        ready=intern(f"{ready}/{total}"),
        status=intern(reason) if isinstance(reason, str) else str(reason),
        restarts=restarts,
        last_restart=_epoch(last_restart),
        created=_epoch(parse_timestamp(meta.get("creationTimestamp"))),
        node=str((pod.get("spec") or {}).get("nodeName") or ""),
        eph=ephemeral_states(pod),
    )


# The widest age kubectl prints for anything under two years ("9m59s", "7h59m", "7d23h"). The time
# columns are as wide as their text will grow to (`column_width`): a pod's age ticking from "45s" to
# "2m10s" does not widen AGE, shift every column right of it and rewrite the whole table (issue 15:
# idle means quiet).
AGE_TEXT_WIDTH = 5
TIME_COLUMNS = frozenset({"age", "restarts"})
_AGO = " ago)"


def column_width(key: str, text: str) -> int:
    """The width the column `key` needs for `text`: its length, and for the ages in AGE and RESTARTS
    ("3 (45s ago)") the room for the age to grow to AGE_TEXT_WIDTH. `text` is printable ASCII
    (ages and counts are)."""
    length = len(text)
    if key == "age":
        return max(length, AGE_TEXT_WIDTH)
    if key == "restarts" and text.endswith(_AGO):
        age = length - text.rfind("(") - 1 - len(_AGO)
        return length + max(0, AGE_TEXT_WIDTH - age)
    return length


def _age(since: float | None, now: float) -> str:
    """kubectl's AGE text of a time (`<unknown>` without one)."""
    return "<unknown>" if since is None else human_duration(now - since)


def row_texts(facts: RowFacts, now: float, keys: list[str]) -> tuple[str, ...]:
    """The row's text for the given column keys, made visible (`visible_line`); `now` in seconds
    since the epoch. Equal texts mean an equal row (the styles follow from the texts and `eph`)."""
    texts: list[str] = []
    for key in keys:
        if key == "namespace":
            texts.append(visible_line(facts.namespace))
        elif key == "name":
            texts.append(visible_line(facts.name))
        elif key == "ready":
            texts.append(visible_line(facts.ready))
        elif key == "status":
            texts.append(visible_line(facts.status))
        elif key == "restarts":
            if facts.restarts != 0 and facts.last_restart is not None:
                texts.append(f"{facts.restarts} ({_age(facts.last_restart, now)} ago)")
            else:
                texts.append(str(facts.restarts))
        elif key == "age":
            texts.append(intern(_age(facts.created, now)))
        elif key == "node":
            texts.append(visible_line(facts.node or "<none>"))
        elif key == "eph":
            texts.append(eph_cell(facts.eph).plain)
    return tuple(texts)


def row_cells(facts: RowFacts, texts: tuple[str, ...], keys: list[str]) -> tuple[Text, ...]:
    """The row's cells, colored by severity, from its `row_texts` (built only for rows on screen)."""
    cells: list[Text] = []
    for key, text in zip(keys, texts, strict=True):
        if key == "ready":
            ready, _, total = text.partition("/")
            cells.append(Text(text, style="" if ready == total or facts.status in DONE_STATUSES else "yellow"))
        elif key == "status":
            cells.append(Text(text, style=SEVERITY_STYLE[status_severity(facts.status)]))
        elif key == "restarts":
            cells.append(Text(text, style="" if text.startswith("0") else "yellow"))
        elif key == "eph":
            cells.append(eph_cell(facts.eph))
        else:
            cells.append(Text(text))
    return tuple(cells)


def pod_row(pod: dict, now: datetime, keys: list[str]) -> tuple[Text, ...]:
    """The cells of one row for the given column keys (cluster text made visible: `visible_line`)."""
    facts = row_facts(pod)
    return row_cells(facts, row_texts(facts, now.timestamp(), keys), keys)


@lru_cache(maxsize=256)
def eph_cell(states: EphemeralStates) -> Text:
    """The EPH cell: the count, those running, then what is wrong with the others in words (the
    kubelet's reason, "starting", "exited N"), so a debugger that cannot start is seen at once.
    (Cached: most pods share a few states; callers copy before changing a cell.)"""
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


def filter_fields(facts: RowFacts) -> tuple[str, ...]:
    """What `/` filters look at: name, namespace, namespace/name, status, node."""
    namespace, name = facts.namespace, facts.name
    return (name, namespace, f"{namespace}/{name}", facts.status, facts.node or "<none>")


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


def _value(facts: RowFacts, column: str) -> str | float | tuple[float, ...] | None:
    """The value `column` is sorted by (None: none, sorted last). READY, STATUS and RESTARTS by
    their text as the row shows it."""
    if column == "namespace":
        return facts.namespace
    if column == "name":
        return facts.name
    if column == "age":
        return None if facts.created is None else -facts.created  # the youngest first
    if column == "node":
        return facts.node or None
    if column == "eph":
        return (float(facts.eph.count), float(facts.eph.running))
    if column == "ready":
        return _ready_fraction(visible_line(facts.ready))
    if column == "status":
        return visible_line(facts.status)
    if column == "restarts":
        return float(facts.restarts)
    raise ValueError(f"no such column: {column!r}")


def _inverted(value: str | float | tuple[float, ...]) -> object:
    """A value ordered the other way round (for `descending`, with ties still by name ascending)."""
    if isinstance(value, str):
        # a longer string whose start is equal sorts after the shorter one ascending, so before it
        # here: the final 1 is above every negated code point
        return (*(-ord(char) for char in value), 1)
    if isinstance(value, tuple):
        return tuple(-item for item in value)
    return -value


def sort_key(facts: RowFacts, sort: RowSort) -> SortKey:
    """A pod's place in a table sorted by `sort`, from its `RowFacts`."""
    namespace, name = facts.namespace, facts.name
    if sort.column == "namespace" and not sort.descending:
        return (namespace, name)  # the default order: the pod's key itself
    value = _value(facts, sort.column)
    if value is None:
        return (1, 0, namespace, name)
    return (0, _inverted(value) if sort.descending else value, namespace, name)


def sort_pods(pods: Iterable[dict], sort: RowSort = DEFAULT_SORT) -> list[tuple[str, str]]:
    """The (namespace, name) keys of `pods` in the order of `sort`."""
    return [pod_key_of(key) for key in sorted(sort_key(row_facts(pod), sort) for pod in pods)]


def pod_key_of(key: SortKey) -> tuple[str, str]:
    """The (namespace, name) a sort key was made for."""
    return str(key[-2]), str(key[-1])
