"""core/v1 Event objects in the demo store (resource "events"), as the components write them.

The kubelet and the controllers use client-go's legacy recorder: `source.component`, `count`,
`firstTimestamp`/`lastTimestamp`, `reportingComponent`, no `eventTime`; a repeat of the same event
(same object, field path, type, reason, message and source) is aggregated as the EventCorrelator
does: `count` + 1 and a new `lastTimestamp` on the stored event (also on one stored before the
recorder's first event: the scenario's). The scheduler uses the
events.k8s.io/v1 recorder: `eventTime` (microseconds), `action`, `reportingComponent`/`Instance`,
an empty `source`, no count and no first/last timestamps. The API routes serve them from the store
(`/api/v1/.../events` and events.k8s.io/v1).

```python
recorder = EventRecorder(store)
recorder.record(pod, "Normal", "Pulling", 'Pulling image "busybox"', KUBELET.on("demo-node-1"),
                field_path="spec.ephemeralContainers{debugger}")
```
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tui.demo.api.defaults import now_iso
from tui.demo.api.store import Store

NORMAL = "Normal"
WARNING = "Warning"


@dataclass(frozen=True)
class Source:
    """Who writes an event: its component (and node, for the kubelet)."""

    component: str
    host: str = ""

    def on(self, host: str) -> Source:
        return Source(self.component, host)


KUBELET = Source("kubelet")
DEPLOYMENT_CONTROLLER = Source("deployment-controller")
REPLICASET_CONTROLLER = Source("replicaset-controller")
SCHEDULER = "default-scheduler"

_API_VERSIONS = {"Pod": "v1", "Node": "v1", "Deployment": "apps/v1", "ReplicaSet": "apps/v1"}


def involved_object(obj: dict[str, Any], field_path: str = "") -> dict[str, Any]:
    """The ObjectReference of an event about `obj` (a stored object)."""
    meta = obj.get("metadata") or {}
    kind = str(obj.get("kind") or "Pod")
    ref: dict[str, Any] = {"kind": kind}
    if meta.get("namespace"):
        ref["namespace"] = meta["namespace"]
    ref["name"] = meta.get("name", "")
    ref["uid"] = meta.get("uid", "")
    ref["apiVersion"] = str(obj.get("apiVersion") or _API_VERSIONS.get(kind, "v1"))
    if meta.get("resourceVersion"):
        ref["resourceVersion"] = meta["resourceVersion"]
    if field_path:
        ref["fieldPath"] = field_path
    return ref


def micro_time(moment: datetime | None = None) -> str:
    """A MicroTime as the API server writes it: `2025-06-01T10:00:00.123456Z`."""
    return (moment or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class EventRecorder:
    """Writes events into the store, aggregating repeats. Runs on the server loop."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._aggregated: dict[tuple[str, ...], tuple[str, str]] = {}
        self._indexed = False
        self._last_nanos = 0

    def _index_stored(self) -> None:
        """Once, before the first record: the legacy events already stored (the scenario's) are
        counted on as if this recorder had written them."""
        self._indexed = True
        for event in self.store.values("events"):
            source = event.get("source") or {}
            if not event.get("firstTimestamp") or not source.get("component"):
                continue
            ref = event.get("involvedObject") or {}
            key = (str(source["component"]), str(source.get("host", "")), str(ref.get("kind", "")),
                   str(ref.get("namespace", "")), str(ref.get("name", "")), str(ref.get("uid", "")),
                   str(ref.get("apiVersion", "")), str(ref.get("fieldPath", "")), str(event.get("type", "")),
                   str(event.get("reason", "")), str(event.get("message", "")))
            self._aggregated.setdefault(key, (event["metadata"]["namespace"], event["metadata"]["name"]))

    def _name(self, involved_name: str) -> str:
        # client-go: fmt.Sprintf("%v.%x", ref.Name, t.UnixNano()); kept unique here
        nanos = max(time.time_ns(), self._last_nanos + 1)
        self._last_nanos = nanos
        return f"{involved_name}.{nanos:x}"

    def record(self, obj: dict[str, Any], type_: str, reason: str, message: str, source: Source,
               field_path: str = "") -> dict[str, Any]:
        """Record (or count once more) an event of the legacy recorder; returns the stored event."""
        if not self._indexed:
            self._index_stored()
        ref = involved_object(obj, field_path)
        key = (source.component, source.host, ref["kind"], ref.get("namespace", ""), ref["name"],
               ref["uid"], ref["apiVersion"], field_path, type_, reason, message)
        namespace = ref.get("namespace") or "default"
        when = now_iso()
        existing_key = self._aggregated.get(key)
        if existing_key is not None:
            def count_again(event: dict[str, Any]) -> None:
                event["count"] = int(event.get("count") or 1) + 1
                event["lastTimestamp"] = when

            updated = self.store.modify("events", *existing_key, count_again)
            if updated is not None:
                return updated
        name = self._name(ref["name"])
        event = {
            "kind": "Event",
            "apiVersion": "v1",
            "metadata": {"name": name, "namespace": namespace, "uid": str(uuid.uuid4()),
                         "creationTimestamp": when},
            "involvedObject": ref,
            "reason": reason,
            "message": message,
            "source": {"component": source.component, **({"host": source.host} if source.host else {})},
            "firstTimestamp": when,
            "lastTimestamp": when,
            "count": 1,
            "type": type_,
            "eventTime": None,
            "reportingComponent": source.component,
            "reportingInstance": source.host,
        }
        self._aggregated[key] = (namespace, name)
        return self.store.create("events", event)

    def record_new_api(self, obj: dict[str, Any], type_: str, reason: str, action: str, message: str,
                       controller: str, instance: str) -> dict[str, Any]:
        """An event of the events.k8s.io/v1 recorder (the scheduler's `Scheduled`)."""
        ref = involved_object(obj)
        moment = datetime.now(UTC)
        event = {
            "kind": "Event",
            "apiVersion": "v1",
            "metadata": {"name": self._name(ref["name"]), "namespace": ref.get("namespace") or "default",
                         "uid": str(uuid.uuid4()), "creationTimestamp": now_iso(moment)},
            "involvedObject": ref,
            "reason": reason,
            "message": message,
            "source": {},
            "firstTimestamp": None,
            "lastTimestamp": None,
            "type": type_,
            "eventTime": micro_time(moment),
            "action": action,
            "reportingComponent": controller,
            "reportingInstance": instance,
        }
        return self.store.create("events", event)


def record_event(store: Store, obj: dict[str, Any], type_: str, reason: str, message: str,
                 component: str, host: str = "", field_path: str = "") -> dict[str, Any]:
    """One event without aggregation state (a fresh recorder): for code that records rarely."""
    return EventRecorder(store).record(obj, type_, reason, message, Source(component, host), field_path)
