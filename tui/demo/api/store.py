"""In-memory API objects with one global resourceVersion, a bounded watch history and watchers.

Everything here runs on the demo server's event loop (not thread-safe by design).
Stored objects are treated as immutable: `modify` works on a fresh copy and replaces the
stored dict, so watch events can keep references to old states without copying.
"""

from __future__ import annotations

import asyncio
import base64
import bisect
import json
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from tui.demo.api.selectors import Filter
from tui.demo.api.status import ApiError, dumps

Key = tuple[str, str]  # (namespace or "", name)

DEFAULT_HISTORY = 10_000
WATCHER_QUEUE_LIMIT = 200_000
# How often a watch with allowWatchBookmarks=true gets a BOOKMARK, as kube-apiserver's watch cache
# (`defaultBookmarkFrequency = time.Minute` in k8s.io/apiserver's cacher); one more comes at the
# end of a watch with timeoutSeconds. Clients may treat a longer silence as a dead connection.
DEFAULT_BOOKMARK_FREQUENCY = 60.0

LIST_KINDS: dict[str, str] = {
    "pods": "PodList",
    "namespaces": "NamespaceList",
    "nodes": "NodeList",
    "events": "EventList",
    "deployments": "DeploymentList",
    "replicasets": "ReplicaSetList",
    "services": "ServiceList",
    "configmaps": "ConfigMapList",
    "secrets": "SecretList",
}
# The group/version of a resource's list when it is not core v1.
LIST_API_VERSIONS: dict[str, str] = {"deployments": "apps/v1", "replicasets": "apps/v1"}


def key_of(obj: dict[str, Any]) -> Key:
    metadata = obj["metadata"]
    return (metadata.get("namespace", ""), metadata["name"])


def _sort_key(key: Key) -> str:
    return f"{key[0]}/{key[1]}" if key[0] else key[1]


@dataclass
class WatchEvent:
    """One change: `obj` is the new state (the last state for DELETED), `prev` the one before."""

    rv: int
    type: str
    resource: str
    obj: dict[str, Any]
    prev: dict[str, Any] | None
    obj_json: bytes

    def line(self, event_type: str | None = None) -> bytes:
        return b'{"type":"' + (event_type or self.type).encode() + b'","object":' + self.obj_json + b"}\n"


@dataclass(eq=False)
class Watcher:
    resource: str
    filter: Filter
    queue: asyncio.Queue[tuple[str, WatchEvent] | None] = field(default_factory=asyncio.Queue)
    expired_rv: int | None = None
    closed: bool = False

    def offer(self, event: WatchEvent) -> None:
        """Queue the event under the type this watcher sees (selector transitions included)."""
        event_type = classify(self.filter, event)
        if event_type is None or self.closed:
            return
        if self.queue.qsize() >= WATCHER_QUEUE_LIMIT:
            self.expire(event.rv)
            return
        self.queue.put_nowait((event_type, event))

    def expire(self, rv: int) -> None:
        """The watcher fell out of the history window: it gets an ERROR 410 and ends."""
        if self.closed:
            return
        self.expired_rv = rv
        self.close()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.queue.put_nowait(None)


def classify(flt: Filter, event: WatchEvent) -> str | None:
    """How a filtered watcher sees an event: a label change in or out of the selector
    becomes ADDED or DELETED, as the API server's watch cache does."""
    new_matches = event.type != "DELETED" and flt.matches(event.obj)
    old_obj = event.obj if event.type == "DELETED" else event.prev
    old_matches = old_obj is not None and flt.matches(old_obj)
    if event.type == "DELETED":
        return "DELETED" if old_matches else None
    if new_matches and old_matches:
        return "MODIFIED"
    if new_matches:
        return "ADDED"
    if old_matches:
        return "DELETED"
    return None


class ConnectionLost(Exception):
    """The silence ended with `lost=True`: this connection never carries anything again."""


class WatchSilence:
    """A silent network between the watch clients and the server (fault injection): while it is on,
    watch streams send nothing (no events, no bookmarks, not even their end) and new watch requests
    get no answer; with `hang_lists` new list requests get none either. When it ends, what was held
    back flows (TCP delivers what it retransmitted once a dropped network returns) or, with
    `lost=True`, those connections stay dead (a VPN that came back with new addresses): only
    requests sent after the end are answered."""

    def __init__(self) -> None:
        self._period: asyncio.Future[bool] | None = None  # its result: lost
        self.hang_lists = False
        # seconds between the single spaces (no newline, never a whole event) a watch stream with
        # something to send writes while silent: a peer that sends bytes but no news; 0: none
        self.trickle = 0.0

    @property
    def active(self) -> bool:
        return self._period is not None

    def start(self, *, hang_lists: bool = False, trickle: float = 0.0) -> None:
        if self._period is None:
            self._period = asyncio.get_running_loop().create_future()
        self.hang_lists = hang_lists
        self.trickle = trickle

    def end(self, *, lost: bool = False) -> None:
        period, self._period = self._period, None
        self.hang_lists = False
        self.trickle = 0.0
        if period is not None and not period.done():
            period.set_result(lost)

    async def wait(self) -> None:
        """Return at once, or when the silence ends; ConnectionLost when it ended with `lost`."""
        period = self._period
        if period is not None and await asyncio.shield(period):
            raise ConnectionLost

    async def wait_writing(self, write: Callable[[bytes], Awaitable[None]]) -> None:
        """`wait`, writing a single space every `trickle` seconds meanwhile (when set)."""
        period = self._period
        while period is not None and not period.done() and self.trickle > 0:
            await write(b" ")
            try:
                await asyncio.wait_for(asyncio.shield(period), self.trickle)
            except TimeoutError:
                continue
        await self.wait()


async def never() -> None:
    """Wait until cancelled (a lost connection: the server stopping ends it)."""
    await asyncio.get_running_loop().create_future()


class Store:
    def __init__(self, history_size: int = DEFAULT_HISTORY,
                 bookmark_frequency: float = DEFAULT_BOOKMARK_FREQUENCY) -> None:
        self.rv = 1
        self.bookmark_frequency = bookmark_frequency  # seconds between BOOKMARK events of a watch
        self.silence = WatchSilence()
        self.objects: dict[str, dict[Key, dict[str, Any]]] = {name: {} for name in LIST_KINDS}
        self._json: dict[str, dict[Key, bytes]] = {name: {} for name in LIST_KINDS}
        self._sorted: dict[str, list[str] | None] = dict.fromkeys(LIST_KINDS)
        self._sort_index: dict[str, dict[str, Key]] = {name: {} for name in LIST_KINDS}
        self.history: deque[WatchEvent] = deque(maxlen=history_size)
        self.floor_rv = 1  # watching from an rv below this answers 410 Expired
        self.watchers: set[Watcher] = set()
        self.listeners: list[Callable[[WatchEvent], None]] = []

    # ---- reading -------------------------------------------------------------------------
    def get(self, resource: str, namespace: str, name: str) -> dict[str, Any] | None:
        return self.objects[resource].get((namespace, name))

    def copy(self, resource: str, namespace: str, name: str) -> dict[str, Any] | None:
        """A private deep copy (via the cached JSON) the caller may mutate."""
        if (namespace, name) not in self.objects[resource]:
            return None
        return json.loads(self.json_of(resource, (namespace, name)))

    def json_of(self, resource: str, key: Key) -> bytes:
        cache = self._json[resource]
        cached = cache.get(key)
        if cached is None:
            cached = dumps(self.objects[resource][key])
            cache[key] = cached
        return cached

    def values(self, resource: str) -> Iterable[dict[str, Any]]:
        return self.objects[resource].values()

    def sorted_keys(self, resource: str) -> list[str]:
        keys = self._sorted[resource]
        if keys is None:
            index = {_sort_key(key): key for key in self.objects[resource]}
            self._sort_index[resource] = index
            keys = sorted(index)
            self._sorted[resource] = keys
        return keys

    def list_objects(
        self, resource: str, flt: Filter, limit: int = 0, continue_token: str | None = None
    ) -> tuple[list[Key], str, int | None]:
        """Matching keys in etcd order, the continue token ("" when done), remainingItemCount."""
        keys = self.sorted_keys(resource)
        index = self._sort_index[resource]
        start = 0
        if continue_token:
            start_key = _decode_continue(continue_token, self.floor_rv)
            start = bisect.bisect_left(keys, start_key)
        objects = self.objects[resource]
        selected: list[Key] = []
        position = start
        total = len(keys)
        trivial = flt.labels == () and flt.fields == ()
        while position < total and (limit <= 0 or len(selected) < limit):
            key = index[keys[position]]
            position += 1
            obj = objects[key]
            if (trivial and flt.namespace is None) or flt.matches(obj):
                selected.append(key)
        token = ""
        remaining: int | None = None
        if limit > 0 and position < total:
            remaining = sum(
                1 for k in keys[position:] if (trivial and flt.namespace is None) or flt.matches(objects[index[k]])
            )
            if remaining:
                token = _encode_continue(self.rv, keys[position - 1] + "\x00")
            else:
                remaining = None
        return selected, token, remaining

    def list_json(self, resource: str, keys: list[Key], token: str = "", remaining: int | None = None) -> bytes:
        metadata: dict[str, Any] = {"resourceVersion": str(self.rv)}
        if token:
            metadata["continue"] = token
        if remaining:
            metadata["remainingItemCount"] = remaining
        api_version = LIST_API_VERSIONS.get(resource, "v1").encode()
        head = (b'{"kind":"' + LIST_KINDS[resource].encode() + b'","apiVersion":"' + api_version
                + b'","metadata":' + dumps(metadata))
        items = b",".join(self.json_of(resource, key) for key in keys)
        return head + b',"items":[' + items + b"]}"

    # ---- writing -------------------------------------------------------------------------
    def _next_rv(self) -> int:
        self.rv += 1
        return self.rv

    def _put(self, resource: str, obj: dict[str, Any]) -> Key:
        key = key_of(obj)
        if key not in self.objects[resource]:
            self._sorted[resource] = None
        self.objects[resource][key] = obj
        self._json[resource].pop(key, None)
        return key

    def seed(self, resource: str, obj: dict[str, Any]) -> dict[str, Any]:
        """Store without a watch event (initial scenario objects)."""
        obj["metadata"]["resourceVersion"] = str(self._next_rv())
        self._put(resource, obj)
        return obj

    def create(self, resource: str, obj: dict[str, Any]) -> dict[str, Any]:
        key = key_of(obj)
        if key in self.objects[resource]:
            raise ApiError(
                409, f'{resource} "{key[1]}" already exists', "AlreadyExists", {"name": key[1], "kind": resource}
            )
        rv = self._next_rv()
        obj["metadata"]["resourceVersion"] = str(rv)
        self._put(resource, obj)
        self._emit(WatchEvent(rv, "ADDED", resource, obj, None, self.json_of(resource, key)))
        return obj

    def replace(self, resource: str, obj: dict[str, Any]) -> dict[str, Any]:
        """Store a new state of an existing object (the caller built it on a copy)."""
        key = key_of(obj)
        prev = self.objects[resource].get(key)
        if prev is None:
            raise ApiError(404, f'{resource} "{key[1]}" not found', "NotFound", {"name": key[1], "kind": resource})
        rv = self._next_rv()
        obj["metadata"]["resourceVersion"] = str(rv)
        self._put(resource, obj)
        self._emit(WatchEvent(rv, "MODIFIED", resource, obj, prev, self.json_of(resource, key)))
        return obj

    def modify(
        self, resource: str, namespace: str, name: str, change: Callable[[dict[str, Any]], bool | None]
    ) -> dict[str, Any] | None:
        """Apply `change` to a copy and store it; `change` returning False means no change.
        Returns the stored object, or None when it does not exist."""
        obj = self.copy(resource, namespace, name)
        if obj is None:
            return None
        if change(obj) is False:
            return self.objects[resource][(namespace, name)]
        return self.replace(resource, obj)

    def delete(self, resource: str, namespace: str, name: str) -> dict[str, Any] | None:
        key = (namespace, name)
        prev = self.objects[resource].pop(key, None)
        if prev is None:
            return None
        self._json[resource].pop(key, None)
        self._sorted[resource] = None
        rv = self._next_rv()
        final = dict(prev)
        final["metadata"] = dict(prev["metadata"], resourceVersion=str(rv))
        self._emit(WatchEvent(rv, "DELETED", resource, final, prev, dumps(final)))
        return final

    def _emit(self, event: WatchEvent) -> None:
        if len(self.history) == self.history.maxlen:
            self.floor_rv = self.history[0].rv
        self.history.append(event)
        for watcher in list(self.watchers):
            if watcher.resource == event.resource:
                watcher.offer(event)
        for listener in self.listeners:
            listener(event)

    # ---- watching ------------------------------------------------------------------------
    def events_since(self, rv: int, resource: str) -> list[WatchEvent]:
        """Events after `rv`; raises 410 Expired when `rv` is older than the history."""
        if rv < self.floor_rv:
            raise expired_error(rv, self.floor_rv)
        if rv >= self.rv:
            return []
        events = list(self.history)
        start = bisect.bisect_right([e.rv for e in events], rv)
        return [e for e in events[start:] if e.resource == resource]

    def add_watcher(self, watcher: Watcher) -> None:
        self.watchers.add(watcher)

    def remove_watcher(self, watcher: Watcher) -> None:
        self.watchers.discard(watcher)

    def compact(self, expire_watchers: bool = True) -> None:
        """Forget the history: every resourceVersion before now answers 410."""
        self.history.clear()
        self.floor_rv = self.rv
        if expire_watchers:
            for watcher in list(self.watchers):
                watcher.expire(self.rv)

    def close_watchers(self) -> int:
        watchers = list(self.watchers)
        for watcher in watchers:
            watcher.close()
        return len(watchers)


def expired_error(rv: int, floor: int) -> ApiError:
    return ApiError(410, f"too old resource version: {rv} ({floor})", "Expired")


def _encode_continue(rv: int, start: str) -> str:
    raw = json.dumps({"v": "meta.k8s.io/v1", "rv": rv, "start": start}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_continue(token: str, floor: int) -> str:
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        start = data["start"]
        rv = int(data["rv"])
    except (ValueError, KeyError, TypeError):
        raise ApiError(400, "continue key is not valid: invalid continue token", "BadRequest") from None
    if rv < floor:
        raise ApiError(
            410,
            "The provided continue parameter is too old to display a consistent list result. "
            "You can start a new list without the continue parameter, or use the continue token "
            "in this response to retrieve the remainder of the results. Continuing with the provided "
            "token results in an inconsistent list - objects that were created, modified, or deleted "
            "between the time the first chunk was returned and now may show up in the list.",
            "Expired",
        )
    return str(start)
