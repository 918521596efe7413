"""Events of a pod (and of its owners) as the inspector lists them: pure functions on core/v1 Event
JSON, no I/O, no Textual.

    rows = event_rows(events, now)      # newest first, repeats folded, ages as kubectl shows them
    rows[0].age, rows[0].count_text     # "12s", "x4 over 2m"

An event's time is what `kubectl get events` sorts by: `lastTimestamp` (the legacy recorder's, moved
on by every repeat), else `eventTime` (the events.k8s.io/v1 recorder's: the scheduler's), else
`firstTimestamp`, else its creation. Repeats the API server aggregated carry a `count` (or the new
API's `series.count`); the same story reported as two objects (the same object, type, reason and
message: e.g. an event recreated after it expired, or a correlator that started over) is folded
into one row with the counts added, as `kubectl describe` shows one line per story.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tui.pods.json_path import dig
from tui.pods.status import format_age, human_duration, parse_timestamp

__all__ = ["MAX_EVENT_ROWS", "EventRow", "event_count", "event_rows", "event_time"]

# The inspector lists this many rows at most (the newest): a crash-looping pod's story fits in a few.
MAX_EVENT_ROWS = 30


@dataclass(frozen=True)
class EventRow:
    """One line of the inspector's EVENTS section. Strings are as the cluster sent them: the widget
    shows them through tui/display_text.py."""

    type: str
    """"Normal", "Warning" (or whatever a component wrote)."""
    reason: str
    message: str
    count: int
    age: str
    """Since the last time it happened, as kubectl's LAST SEEN ("12s", "3m5s", "<unknown>")."""
    first_age: str
    """Since the first time ("" when only one time is known)."""
    source: str
    """Who reported it ("kubelet", "default-scheduler", "deployment-controller"...)."""
    object_kind: str
    object_name: str
    field_path: str
    """The container it is about ("spec.ephemeralContainers{debugger}"), "" for the whole object."""
    last_seen: datetime | None

    @property
    def warning(self) -> bool:
        return self.type == "Warning"

    @property
    def container(self) -> str:
        """The container named by the field path ("debugger" of "spec.ephemeralContainers{debugger}")."""
        start, end = self.field_path.find("{"), self.field_path.rfind("}")
        return self.field_path[start + 1:end] if 0 <= start < end else ""

    @property
    def count_text(self) -> str:
        """kubectl describe's "(x4 over 2m)" without the brackets; "" for an event seen once."""
        if self.count <= 1:
            return ""
        return f"x{self.count} over {self.first_age}" if self.first_age else f"x{self.count}"


def event_time(event: dict[str, Any]) -> datetime | None:
    """When the event last happened (see the module docstring)."""
    for value in (
        event.get("lastTimestamp"),
        dig(event, "series", "lastObservedTime"),
        event.get("eventTime"),
        event.get("firstTimestamp"),
        dig(event, "metadata", "creationTimestamp"),
    ):
        moment = parse_timestamp(value) if isinstance(value, str) else None
        if moment is not None:
            return moment
    return None


def _first_time(event: dict[str, Any]) -> datetime | None:
    for value in (event.get("firstTimestamp"), event.get("eventTime"), dig(event, "metadata", "creationTimestamp")):
        moment = parse_timestamp(value) if isinstance(value, str) else None
        if moment is not None:
            return moment
    return None


def event_count(event: dict[str, Any]) -> int:
    """How many times it happened: `count`, else `series.count`, else once."""
    for value in (event.get("count"), dig(event, "series", "count")):
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return 1


def _source(event: dict[str, Any]) -> str:
    return str(dig(event, "source", "component") or event.get("reportingComponent")
               or event.get("reportingController") or "")


def _age(moment: datetime | None, now: datetime) -> str:
    return format_age(moment, now) if moment is not None else "<unknown>"


def event_rows(events: Iterable[dict[str, Any]], now: datetime, *, limit: int = MAX_EVENT_ROWS) -> list[EventRow]:
    """`events` as the inspector's rows: one per story (object, field path, type, reason, message),
    newest first, at most `limit`."""
    stories: dict[tuple[str, ...], tuple[int, datetime | None, datetime | None, dict[str, Any]]] = {}
    for event in events:
        if not isinstance(event, dict):
            continue
        involved = event.get("involvedObject") or event.get("regarding") or {}
        key = (str(involved.get("uid") or involved.get("name") or ""), str(involved.get("fieldPath") or ""),
               str(event.get("type") or ""), str(event.get("reason") or ""),
               str(event.get("message") or event.get("note") or ""))
        last, first, count = event_time(event), _first_time(event), event_count(event)
        known = stories.get(key)
        if known is not None:
            known_count, known_last, known_first, known_event = known
            count += known_count
            if known_last is not None and (last is None or known_last > last):
                last, event = known_last, known_event
            if known_first is not None and (first is None or known_first < first):
                first = known_first
        stories[key] = (count, last, first, event)
    rows: list[EventRow] = []
    for (_uid, field_path, kind, reason, message), (count, last, first, event) in stories.items():
        involved = event.get("involvedObject") or event.get("regarding") or {}
        first_age = ""
        if count > 1 and first is not None:
            first_age = human_duration(max(0.0, (now - first).total_seconds()))
        rows.append(EventRow(type=kind, reason=reason, message=" ".join(message.split()), count=count,
                             age=_age(last, now), first_age=first_age, source=_source(event),
                             object_kind=str(involved.get("kind") or ""), object_name=str(involved.get("name") or ""),
                             field_path=field_path, last_seen=last))
    # newest first; of two at the same second (the API's times are seconds), the later reported first
    order = sorted(range(len(rows)), key=lambda i: (rows[i].last_seen is not None, rows[i].last_seen or now, i),
                   reverse=True)
    return [rows[i] for i in order[:limit]]
