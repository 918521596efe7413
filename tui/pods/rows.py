"""What one pod looks like as a table row: kubectl's columns, colored by severity.

Pure functions over plain pod dicts (no Textual imports).
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from tui.display_text import visible_line
from tui.pods.status import EphemeralStates, ephemeral_states, pod_columns

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
    columns = pod_columns(pod, now)
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
