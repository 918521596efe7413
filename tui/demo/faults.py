"""Fault injection for tests: every method is safe to call from the test thread.

| method | effect |
|---|---|
| `drop_watches()` | ends every open watch stream (clients see the stream close) |
| `compact_history()` | forgets the watch history: older resourceVersions get 410 Expired, open watches an ERROR 410 |
| `fail_requests(status=500, count=1, path_contains=None)` | the next `count` matching requests get a Status with `status` |
| `revoke_client_certificate(serial)` | requests authenticated by that client certificate get 401 |
| `set_latency(seconds)` | every request waits this long first (0 turns it off) |
| `deny(verb, resource, subresource="", namespace=None)` / `allow_all()` | RBAC: 403 on the real routes and in SelfSubjectAccessReview |
| `cut_streams(namespace=None, pod=None, container=None)` | drops matching attach/exec sockets (the shell inside keeps running) |
| `delete_pod(ns, name)` | deletes the pod at once (DELETED event, containers stopped) |
| `set_container_waiting(ns, pod, container, reason, message="")` | forces a container state |
| `set_container_running(ns, pod, container)` | forces it running (ready) |
| `add_pod(pod, kubelet=True)` | creates a pod as the API would (defaults, kubelet start; `kubelet=False`: its status stays as given); returns the stored pod |
| `touch_pods(keys=None, count=None)` | one MODIFIED event per pod (an annotation bump); returns how many |
| `storm(changes_per_second, seconds)` | a background update storm over all pods; returns at once |
| `churn(pods_per_second, seconds, namespace=None, alive=None)` | a background churn storm: pods created (ADDED) next to existing ones and deleted again (DELETED), the count about constant; returns at once |
| `crash_now(ns, pod, container)` | the container fails now: a running one exits 1 (the kubelet restarts it or backs off); a CrashLoopBackOff one restarts and fails at once (restartCount + 1, the next back-off) |
| `advance_clock(seconds)` | moves the simulated kubelet's clock: crash-loop back-offs (10 s doubling to 5 min, reset after 10 min) and grace periods due by then run now |
| `freeze_clock()` / `unfreeze_clock()` | that clock stops following the real time: only `advance_clock` moves it (a test can check what still waits 1 s before its time) |
| `finish_deletions()` | every pod still Terminating goes now (as if its grace period were over); returns how many |
| `pause_kubelet()` / `resume_kubelet()` | a slow node: the kubelet's due steps (pulls, starts, restarts, the end of a deletion) wait until resumed |
| `hold_crash_loops()` / `resume_crash_loops()` | the demo's crash-looping containers stop failing (for snapshots); resume counts their shown back-off from then |
| `modify_pod(ns, pod, change)` | `change(pod)` on the stored pod (any field, as a kubelet/controller would write it) |
| `silence_watches(hang_lists=False)` / `resume_watches(lost=False)` | a silent network: watch streams stay open but send nothing (no events, no bookmarks), new watch requests (with `hang_lists` list requests too) get no answer; on resume what was held back flows, or with `lost` those connections stay dead for good |
| `silence_watches(trickle=S)` | the same, but a stream with something held back writes a single space every S seconds: bytes, never a line (a peer that keeps a read timeout from firing) |
| `received_impersonation(path_contains="")` | the Impersonate-* header lines of the last requests that carried any (recorded, not acted upon) |
"""

from __future__ import annotations

import asyncio
import collections
import copy
import itertools
import json
import random
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

from tui.demo.api.defaults import default_pod, now_iso
from tui.demo.node.kubelet import (
    refresh_conditions,
    running_status,
    waiting_status,
)
from tui.demo.routes.state import ServerLoop, ServerState

TOUCH_ANNOTATION = "demo.ephemera.dev/touched"
CHURN_LABEL = "demo.ephemera.dev/churn"

STORM_TICK = 0.05  # seconds between two rounds of a storm's or a churn's changes

PodChange = Callable[[dict[str, Any]], bool | None]
"""Changes a stored pod in place; returns False to leave it as it was."""


async def _ticks(seconds: float) -> AsyncIterator[None]:
    """Every STORM_TICK seconds (on schedule, not drifting with the work between) for `seconds`."""
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    next_tick = loop.time()
    while loop.time() < end:
        yield
        next_tick += STORM_TICK
        await asyncio.sleep(max(0.0, next_tick - loop.time()))


class FaultInjector:
    def __init__(self, cluster: ServerLoop) -> None:
        self._cluster = cluster
        self._touch_counter = itertools.count(1)
        self._churn_counter = itertools.count(1)
        self._storms: set[asyncio.Task[None]] = set()

    def _state(self) -> ServerState:
        state = self._cluster.state
        if state is None:
            raise RuntimeError("the demo cluster is not started")
        return state

    # ---- watches and history ------------------------------------------------------------
    def drop_watches(self) -> int:
        """End every open watch stream; returns how many there were."""
        return self._cluster.run(lambda: self._state().store.close_watchers())

    def compact_history(self) -> None:
        self._cluster.run(lambda: self._state().store.compact(expire_watchers=True))

    # ---- requests -----------------------------------------------------------------------
    def received_bodies(self, method: str, path: str) -> list[Any]:
        """The bodies of the last requests with this method and path, oldest first, as the server
        decoded them (kubectl's protobuf too) before any defaulting: what a client sent."""
        def matching() -> list[Any]:
            return [copy.deepcopy(body) for (m, p, body) in self._state().received if m == method and p == path]
        return self._cluster.run(matching)

    def received_impersonation(self, path_contains: str = "") -> list[tuple[str, str, list[tuple[str, str]]]]:
        """(method, path, Impersonate-* header lines in order, repeated names kept) of the last requests
        whose path holds `path_contains` and that carried any such header, oldest first."""
        def matching() -> list[tuple[str, str, list[tuple[str, str]]]]:
            return [(m, p, list(h)) for (m, p, h) in self._state().impersonation if path_contains in p]
        return self._cluster.run(matching)

    def fail_requests(self, status: int = 500, count: int = 1, path_contains: str | None = None) -> None:
        faults = self._state().faults
        with faults.lock:
            faults.fail_status = status
            faults.fail_count = count
            faults.fail_path_contains = path_contains

    def revoke_client_certificate(self, serial: int) -> None:
        """Requests authenticated by the client certificate with this serial get 401 from now on."""
        faults = self._state().faults
        with faults.lock:
            faults.revoked_serials.add(int(serial))

    def set_latency(self, seconds: float) -> None:
        self._state().faults.latency = max(0.0, float(seconds))

    # ---- RBAC ---------------------------------------------------------------------------
    def deny(self, verb: str, resource: str, subresource: str = "", namespace: str | None = None) -> None:
        self._state().policy.deny(verb, resource, subresource, namespace)

    def allow_all(self) -> None:
        self._state().policy.allow_all()

    # ---- streams and pods ---------------------------------------------------------------
    def cut_streams(self, namespace: str | None = None, pod: str | None = None,
                    container: str | None = None) -> int:
        runtime = self._state().runtime
        return self._cluster.run(lambda: runtime.cut_streams(namespace, pod, container))

    def delete_pod(self, namespace: str, name: str) -> bool:
        def delete() -> bool:
            state = self._state()
            final = state.store.delete("pods", namespace, name)
            if final is not None:
                state.runtime.stop_pod(final)
            return final is not None

        return self._cluster.run(delete)

    def add_pod(self, pod: dict[str, Any], *, kubelet: bool = True) -> dict[str, Any]:
        """Create a pod as a POST would (defaults filled, kubelet schedules and starts it).
        `kubelet=False`: the pod keeps the status it was given and no kubelet ever changes it (a
        node the demo does not run: for fixtures whose status must stay exactly as written)."""

        def add() -> dict[str, Any]:
            state = self._state()
            namespace = pod.get("metadata", {}).get("namespace", "default")
            body = default_pod(_copy(pod), namespace)
            if kubelet:
                body.pop("status", None)
                body["status"] = {"phase": "Pending"}
            stored = state.store.create("pods", body)
            if kubelet:
                state.kubelet.pod_created(namespace, stored["metadata"]["name"])
            return _copy(stored)

        return self._cluster.run(add)

    def set_container_waiting(self, namespace: str, pod: str, container: str, reason: str,
                              message: str = "") -> None:
        def change(obj: dict[str, Any]) -> bool | None:
            spec = _find_container(obj, container)
            if spec is None:
                return False
            field, definition = spec
            statuses = obj["status"].setdefault(field, [])
            _put_status(statuses, waiting_status(definition, reason, message or None))
            refresh_conditions(obj)
            return None

        self._modify(namespace, pod, change)

    def set_container_running(self, namespace: str, pod: str, container: str) -> None:
        def change(obj: dict[str, Any]) -> bool | None:
            spec = _find_container(obj, container)
            if spec is None:
                return False
            field, definition = spec
            statuses = obj["status"].setdefault(field, [])
            ephemeral = field == "ephemeralContainerStatuses"
            entry = running_status(definition, obj["metadata"].get("uid", ""), now_iso(), ready=not ephemeral)
            if ephemeral:
                entry.pop("started", None)
            _put_status(statuses, entry)
            if field == "containerStatuses":
                obj["status"]["phase"] = "Running"
            refresh_conditions(obj)
            return None

        self._modify(namespace, pod, change)

    def crash_now(self, namespace: str, pod: str, container: str) -> None:
        """The container fails now, as the kubelet would see it (see the table above)."""
        self._cluster.run(lambda: self._state().kubelet.crash_now(namespace, pod, container))

    def advance_clock(self, seconds: float) -> None:
        """The simulated kubelet's clock moves `seconds` forward: back-offs and grace periods that
        are over by then end now (a restart after CrashLoopBackOff, a Terminating pod going)."""
        self._cluster.run(lambda: self._state().kubelet.clock.advance(seconds))

    def freeze_clock(self) -> None:
        """The kubelet's simulated clock stands still: back-offs and grace periods end only
        through `advance_clock` (however slow the machine is)."""
        self._cluster.run(lambda: self._state().kubelet.clock.freeze())

    def unfreeze_clock(self) -> None:
        self._cluster.run(lambda: self._state().kubelet.clock.unfreeze())

    def finish_deletions(self) -> int:
        """Every pod still Terminating goes now (DELETED); returns how many there were."""
        return self._cluster.run(lambda: self._state().kubelet.finish_deletions())

    def pause_kubelet(self) -> None:
        """A slow node: the kubelet's next steps (image pulls, container starts, restarts) wait,
        so containers stay as they are (e.g. Waiting ContainerCreating) until `resume_kubelet()`."""
        self._cluster.run(lambda: self._state().kubelet.pause())

    def resume_kubelet(self) -> None:
        """The held steps run now, in order; later ones at their normal pace."""
        self._cluster.run(lambda: self._state().kubelet.resume())

    def modify_pod(self, namespace: str, pod: str, change: PodChange) -> None:
        """`change(pod_dict)` on the stored pod (as a kubelet or controller writing any field would);
        one MODIFIED event. `change` returns False to leave the pod as it was."""
        self._modify(namespace, pod, change)

    def _modify(self, namespace: str, pod: str, change: PodChange) -> None:
        def run() -> None:
            if self._state().store.modify("pods", namespace, pod, change) is None:
                raise KeyError(f"pod {namespace}/{pod} not found")

        self._cluster.run(run)

    # ---- update storms ------------------------------------------------------------------
    def touch_pods(self, keys: list[tuple[str, str]] | None = None, count: int | None = None) -> int:
        """One MODIFIED event per pod (annotation bump); all pods, `keys`, or the first `count`."""
        return self._cluster.run(lambda: self._touch(keys, count))

    def _touch(
        self, keys: list[tuple[str, str]] | None, count: int | None, *, status: bool = False
    ) -> int:
        store = self._state().store
        if keys is None:
            keys = list(store.objects["pods"].keys())
            if count is not None:
                keys = keys[:count]
        touched = 0
        for namespace, name in keys:
            pod = store.get("pods", namespace, name)
            if pod is None:
                continue
            value = str(next(self._touch_counter))
            new = dict(pod)
            metadata = dict(pod["metadata"])
            metadata["annotations"] = {**(pod["metadata"].get("annotations") or {}), TOUCH_ANNOTATION: value}
            new["metadata"] = metadata
            if status:
                new["status"] = _bump_restarts(pod.get("status") or {})
            store.replace("pods", new)
            touched += 1
        return touched

    def storm(self, changes_per_second: int, seconds: float) -> None:
        """Change pods round-robin at `changes_per_second` for `seconds` (runs in the background).

        Each change is one a user sees: the first container's restart count goes up (plus the
        touch annotation), so every event changes a visible column, not only metadata.
        """

        per_tick = max(1, round(changes_per_second * STORM_TICK))

        async def run() -> None:
            store = self._state().store
            keys = list(store.objects["pods"].keys())
            if not keys:
                return
            cycle = itertools.cycle(keys)
            async for _ in _ticks(seconds):
                self._touch([next(cycle) for _ in range(per_tick)], None, status=True)

        self._in_background(run)

    def _in_background(self, run: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Start `run()` on the cluster's loop, kept (and cancelled on stop) with the storms."""

        async def launch() -> None:
            task = asyncio.get_running_loop().create_task(run())
            self._storms.add(task)
            task.add_done_callback(self._storms.discard)

        self._cluster.call(launch())

    def churn(self, pods_per_second: int, seconds: float, *, namespace: str | None = None,
              alive: int | None = None) -> None:
        """Pods come and go at `pods_per_second` for `seconds` (runs in the background), as a
        Deployment rolling or a crash-looping Job's new pods would.

        Each new pod copies the spec, labels and status of a pod that existed when the churn began
        (in `namespace`, or any), taken in a shuffled round-robin, and is named after it plus a
        suffix (`load-00050-0001a`), so its row sorts right after that pod's: rows appear and
        vanish among the others, on screen and off it. It is created and deleted through the store
        (one ADDED, one DELETED event; no kubelet runs it, no controller owns it). Once `alive`
        churn pods exist (default: one second's worth) the oldest go before new ones come, so
        there are never more than `alive` of them; when the churn ends the rest go too, and the
        cluster has the pods it had."""
        per_tick = max(1, round(pods_per_second * STORM_TICK))
        limit = max(per_tick, alive if alive is not None else max(1, int(pods_per_second)))

        async def run() -> None:
            store = self._state().store
            anchors = [key for key in store.objects["pods"] if namespace is None or key[0] == namespace]
            if not anchors:
                return
            random.Random(len(anchors)).shuffle(anchors)
            cycle = itertools.cycle(anchors)
            living: collections.deque[tuple[str, str]] = collections.deque()
            try:
                async for _ in _ticks(seconds):
                    while living and len(living) + per_tick > limit:
                        store.delete("pods", *living.popleft())
                    for _ in range(per_tick):
                        key = self._churn_pod(next(cycle))
                        if key is not None:
                            living.append(key)
            finally:
                while living:
                    store.delete("pods", *living.popleft())

        self._in_background(run)

    def _churn_pod(self, anchor: tuple[str, str]) -> tuple[str, str] | None:
        """Create a pod named after `anchor` (its spec, labels and status); its key, or None when
        the anchor is gone."""
        store = self._state().store
        pod = store.copy("pods", *anchor)
        if pod is None:
            return None
        number = next(self._churn_counter)
        name = f"{anchor[1]}-{number:05x}"
        labels = dict(pod["metadata"].get("labels") or {})
        labels[CHURN_LABEL] = "true"
        pod["metadata"] = {
            "name": name,
            "namespace": anchor[0],
            "uid": f"00000000-0000-4000-c000-{number:012d}",
            "creationTimestamp": now_iso(),
            "labels": labels,
        }
        store.create("pods", pod)
        return anchor[0], name

    # ---- a silent network ----------------------------------------------------------------
    def silence_watches(self, *, hang_lists: bool = False, trickle: float = 0.0) -> None:
        """A dropped network (VPN down, laptop asleep: packets lost, no reset): open watch streams
        stay open but send nothing (no events, no bookmarks, not their end) and new watch requests
        get no answer; with `hang_lists` new list requests hang too. Changes go on meanwhile
        (`delete_pod` works) and their events are held back until `resume_watches()`. `trickle`:
        a stream with something held back writes a single space (no newline, no news) every so
        many seconds: a peer that keeps a socket's read timeout from firing."""
        self._cluster.run(lambda: self._state().store.silence.start(hang_lists=hang_lists, trickle=trickle))

    def resume_watches(self, *, lost: bool = False) -> None:
        """The network is back: what was held back flows and hung requests are answered, or with
        `lost` (a VPN back with new addresses) those connections stay dead: the client must give
        up on them itself; requests sent from now on are answered."""
        self._cluster.run(lambda: self._state().store.silence.end(lost=lost))

    # ---- the crash loop ------------------------------------------------------------------
    def hold_crash_loops(self) -> None:
        """Crash-looping containers stop failing (their restart count and last state stay as they
        are) until `resume_crash_loops()`: a screen compared with a snapshot does not change."""
        self._cluster.run(lambda: self._state().kubelet.hold_crash_loops())

    def resume_crash_loops(self) -> None:
        self._cluster.run(lambda: self._state().kubelet.start_background())


def _bump_restarts(status: dict[str, Any]) -> dict[str, Any]:
    statuses = list(status.get("containerStatuses") or [])
    if not statuses:
        return status
    first = dict(statuses[0])
    first["restartCount"] = int(first.get("restartCount") or 0) + 1
    statuses[0] = first
    return {**status, "containerStatuses": statuses}


def _copy(obj: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(obj))


def _put_status(statuses: list[dict[str, Any]], entry: dict[str, Any]) -> None:
    """Replace the container's status entry (keeping restartCount and lastState) or append it."""
    for index, existing in enumerate(statuses):
        if existing["name"] == entry["name"]:
            entry["restartCount"] = existing.get("restartCount", 0)
            entry["lastState"] = existing.get("lastState", {})
            statuses[index] = entry
            return
    statuses.append(entry)


def _find_container(pod: dict[str, Any], name: str) -> tuple[str, dict[str, Any]] | None:
    """(status field, spec) of the named container."""
    for spec_field, status_field in (("containers", "containerStatuses"),
                                     ("initContainers", "initContainerStatuses"),
                                     ("ephemeralContainers", "ephemeralContainerStatuses")):
        for container in pod["spec"].get(spec_field, []) or []:
            if container["name"] == name:
                return status_field, container
    return None
