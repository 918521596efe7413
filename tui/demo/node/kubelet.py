"""Simulated kubelet (and the scheduler's binding): schedules pods and moves containers through
their states as kubelet v1.32 does, writing its events.

Runs on the demo server's loop. State changes go through `Store.modify`, so every step is a
MODIFIED watch event, as with a real kubelet's status updates.

- Steps a node takes a moment for (a pull, a start, the first restart) come after `delay` seconds
  of the loop's clock; `pause()` holds them.
- What the kubelet times in seconds to minutes runs on `clock` (`SimClock`), which tests move with
  `clock.advance` (`faults.advance_clock`): the crash-loop back-off (client-go's flowcontrol
  Backoff: 10 s doubling to 5 min, forgotten after 10 min without a restart; the message
  "back-off 10s restarting failed container=..." names the delay used) and grace periods.
- Init containers run one after the other, each to completion (its output is its log), before the
  regular containers, which wait PodInitializing meanwhile (Init:i/n, then PodInitializing); a
  sidecar (restartPolicy Always) only has to start. A failing one is restarted with the crash-loop
  back-off (Init:Error, Init:CrashLoopBackOff), or fails a restartPolicy Never pod.
- Phases: a restartPolicy Never/OnFailure pod whose containers all ended (and will not restart) is
  Succeeded (every exit 0) or Failed; an Always pod stays Running.
- Graceful deletion (`delete_pod`, or the API route's `pod_deleting`): Killing events, containers
  stopped, then the object goes; it goes at the latest when the grace period is over
  (`finish_deletions` ends every pending one now).
- Events (`events`, an `EventRecorder`): Scheduled (default-scheduler), Pulling, Pulled,
  Failed/ErrImagePull, BackOff, Created, Started, Killing.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from tui.demo.api.defaults import now_iso
from tui.demo.api.events import KUBELET, NORMAL, SCHEDULER, WARNING, EventRecorder
from tui.demo.api.store import Store
from tui.demo.container import images
from tui.demo.node.clock import SimClock, Timer
from tui.demo.node.runtime import ContainerRuntime

LINUX_NODE = "demo-node-1"
WINDOWS_NODE = "demo-win-1"
NODE_IPS: dict[str, str] = {LINUX_NODE: "10.0.0.11", WINDOWS_NODE: "10.0.0.21"}
CRASHLOOP_ANNOTATION = "demo.ephemera.dev/crashloop-container"


def resolve_image_user(image: str) -> tuple[bool, int]:
    """(exists, user id) of an image in the simulated catalogue."""
    info = images.resolve(image)
    if info is None:
        return False, 0
    return True, info.user


def pull_error(image: str, node_os: str, node_arch: str = "amd64") -> str | None:
    """The kubelet's ErrImagePull message for `image` on a node of `node_os`, or None (it pulls):
    a missing image is "not found"; an image without a manifest for the node's platform (a
    Linux-only image such as busybox on a Windows node, or the reverse) fails as a real one does."""
    info = images.resolve(image)
    name = canonical_image(image)
    if info is None:
        return (f'failed to pull and unpack image "{name}": failed to resolve reference "{name}": '
                f"{name}: not found")
    if info.os != node_os:
        return (f'failed to pull and unpack image "{name}": no matching manifest for {node_os}/{node_arch} '
                "in the manifest list entries")
    return None


def canonical_image(image: str) -> str:
    """`busybox` -> `docker.io/library/busybox:latest`, as the container runtime reports it."""
    name = image.split("@", 1)[0]
    first = name.split("/", 1)[0]
    if "/" not in name:
        name = "docker.io/library/" + name
    elif "." not in first and ":" not in first and first != "localhost":
        name = "docker.io/" + name
    if ":" not in name.rsplit("/", 1)[-1] and "@" not in image:
        name += ":latest"
    return name


def image_id(image: str) -> str:
    digest = hashlib.sha256(image.encode()).hexdigest()
    return canonical_image(image).rsplit(":", 1)[0] + "@sha256:" + digest


def container_id(pod_uid: str, name: str, restart: int = 0) -> str:
    return "containerd://" + hashlib.sha256(f"{pod_uid}/{name}/{restart}".encode()).hexdigest()


def running_status(container: dict[str, Any], pod_uid: str, started: str, ready: bool = True,
                   restart_count: int = 0) -> dict[str, Any]:
    image = str(container.get("image", ""))
    return {
        "name": container["name"],
        "state": {"running": {"startedAt": started}},
        "lastState": {},
        "ready": ready,
        "restartCount": restart_count,
        "image": canonical_image(image),
        "imageID": image_id(image),
        "containerID": container_id(pod_uid, container["name"], restart_count),
        "started": True,
    }


def waiting_status(container: dict[str, Any], reason: str, message: str | None = None,
                   restart_count: int = 0) -> dict[str, Any]:
    waiting: dict[str, Any] = {"reason": reason}
    if message:
        waiting["message"] = message
    return {
        "name": container["name"],
        "state": {"waiting": waiting},
        "lastState": {},
        "ready": False,
        "restartCount": restart_count,
        "image": str(container.get("image", "")),
        "imageID": "",
        "started": False,
    }


def _condition(kind: str, ok: bool, when: str, reason: str | None = None, message: str | None = None
               ) -> dict[str, Any]:
    condition: dict[str, Any] = {"type": kind, "status": "True" if ok else "False", "lastProbeTime": None,
                                 "lastTransitionTime": when}
    if not ok and reason:
        condition["reason"] = reason
    if not ok and message:
        condition["message"] = message
    return condition


def refresh_conditions(pod: dict[str, Any], when: str | None = None) -> None:
    """Recompute Ready / ContainersReady from the container statuses (keeping transition times)."""
    when = when or now_iso()
    status = pod.setdefault("status", {})
    statuses = status.get("containerStatuses", [])
    unready = [s["name"] for s in statuses if not s.get("ready")]
    known = {s["name"] for s in statuses}
    unready += [c["name"] for c in pod["spec"].get("containers", []) if c["name"] not in known]
    all_ready = not unready
    scheduled = bool(pod["spec"].get("nodeName"))
    init_statuses = status.get("initContainerStatuses") or []
    started = status.get("phase") in ("Running", "Succeeded", "Failed") or any(
        "running" in s.get("state", {}) or "terminated" in s.get("state", {}) for s in [*statuses, *init_statuses]
    )
    incomplete = uninitialized(pod)
    initialized = scheduled and not incomplete
    init_message = f"containers with incomplete status: [{' '.join(incomplete)}]" if incomplete else None
    old = {c["type"]: c for c in status.get("conditions", [])}
    message: str | None = f"containers with unready status: [{' '.join(unready)}]"
    reason = "ContainersNotReady"
    if status.get("phase") in ("Succeeded", "Failed"):
        reason, message = "PodCompleted", None  # the kubelet's reason once a pod has finished
    wanted = [
        _condition("PodReadyToStartContainers", started, when),
        _condition("Initialized", initialized, when, "ContainersNotInitialized", init_message),
        _condition("Ready", all_ready, when, reason, message),
        _condition("ContainersReady", all_ready, when, reason, message),
        _condition("PodScheduled", scheduled, when),
    ]
    result = []
    for condition in wanted:
        previous = old.get(condition["type"])
        if previous is not None and previous.get("status") == condition["status"]:
            condition["lastTransitionTime"] = previous.get("lastTransitionTime", when)
        result.append(condition)
    status["conditions"] = result


def init_done(container: dict[str, Any], entry: dict[str, Any] | None) -> bool:
    """Whether an init container no longer holds up the next one: it ended with 0, or it is a
    sidecar (restartPolicy Always) that has started."""
    state = (entry or {}).get("state", {})
    if container.get("restartPolicy") == "Always":
        return "running" in state
    return int((state.get("terminated") or {}).get("exitCode", -1)) == 0


def uninitialized(pod: dict[str, Any]) -> list[str]:
    """The init containers not done yet (the Initialized condition's message names them). A pod
    without init container statuses that already runs is initialized (a status written as is)."""
    init = pod["spec"].get("initContainers") or []
    status = pod.get("status", {})
    entries = {e["name"]: e for e in status.get("initContainerStatuses") or []}
    if init and not entries and status.get("phase") in ("Running", "Succeeded", "Failed"):
        return []
    return [c["name"] for c in init if not init_done(c, entries.get(c["name"]))]


def non_root_problem(pod: dict[str, Any], container: dict[str, Any], image_user: int) -> str | None:
    """The kubelet's CreateContainerConfigError message for runAsNonRoot, or None."""
    pod_sc = pod["spec"].get("securityContext") or {}
    sc = container.get("securityContext") or {}
    non_root = sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot"))
    if not non_root:
        return None
    meta = pod["metadata"]
    where = f'(pod: "{meta["namespace"]}/{meta["name"]}({meta.get("uid", "")})", container: {container["name"]})'
    run_as = sc.get("runAsUser", pod_sc.get("runAsUser"))
    if run_as is not None:
        return f"container's runAsUser breaks non-root policy {where}" if int(run_as) == 0 else None
    if image_user == 0:
        return f"container has runAsNonRoot and image will run as root {where}"
    return None


IMAGE_PULL_BACKOFF_INITIAL = 10.0  # the kubelet's image pull back-off: 10 s, doubling
IMAGE_PULL_BACKOFF_MAX = 300.0
CRASH_BACKOFF_INITIAL = 10.0  # the kubelet's container restart back-off (kubelet.go: backOffPeriod)
CRASH_BACKOFF_MAX = 300.0  # MaxContainerBackOff: 5 minutes
DELETE_CONFIRM_DELAY = 0.3  # at most this long after the containers stopped, the object goes

Note = tuple[str, str, str, str]
"""An event to record about a pod: (type, reason, message, field path)."""


@dataclass
class BackOffEntry:
    backoff: float
    last_update: float


class RestartBackOff:
    """client-go's flowcontrol.Backoff as the kubelet keeps it per container (no jitter): `next`
    starts at 10 s and doubles up to 5 min; an entry not updated for 2 x 5 min is forgotten (so a
    container that ran 10 min before it failed restarts at once, then backs off 10 s again)."""

    def __init__(self, clock: SimClock, initial: float = CRASH_BACKOFF_INITIAL,
                 maximum: float = CRASH_BACKOFF_MAX) -> None:
        self.clock = clock
        self.initial = initial
        self.maximum = maximum
        self.entries: dict[str, BackOffEntry] = {}

    def _expired(self, entry: BackOffEntry, at: float) -> bool:
        return at - entry.last_update > 2 * self.maximum

    def in_back_off_since(self, key: str, event_time: float) -> bool:
        entry = self.entries.get(key)
        now = self.clock.now()
        if entry is None or self._expired(entry, now):
            return False
        return now - event_time < entry.backoff

    def next(self, key: str, event_time: float) -> float:
        entry = self.entries.get(key)
        if entry is None or self._expired(entry, event_time):
            entry = BackOffEntry(self.initial, 0.0)
            self.entries[key] = entry
        else:
            entry.backoff = min(entry.backoff * 2, self.maximum)
        entry.last_update = self.clock.now()
        return entry.backoff

    def get(self, key: str) -> float:
        entry = self.entries.get(key)
        return entry.backoff if entry is not None else 0.0

    def set(self, key: str, backoff: float) -> None:
        self.entries[key] = BackOffEntry(backoff, self.clock.now())


def backoff_key(pod: dict[str, Any], container_name: str) -> str:
    meta = pod["metadata"]
    return f"{meta.get('name', '')}_{meta.get('namespace', '')}_{meta.get('uid', '')}_{container_name}"


def field_path(container_name: str, ephemeral: bool = False, kind: str | None = None) -> str:
    """The event's involvedObject.fieldPath for a container, as the kubelet writes it."""
    return f"spec.{kind or ('ephemeralContainers' if ephemeral else 'containers')}{{{container_name}}}"


def go_duration(seconds: float) -> str:
    """A whole number of seconds as Go prints a time.Duration: 10s, 1m20s, 5m0s."""
    whole = int(seconds)
    if whole >= 3600:
        return f"{whole // 3600}h{whole % 3600 // 60}m{whole % 60}s"
    return f"{whole // 60}m{whole % 60}s" if whole >= 60 else f"{whole}s"


def parse_go_duration(text: str) -> float | None:
    match = re.fullmatch(r"(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?", text)
    if not match or not text:
        return None
    hours, minutes, seconds = match.groups()
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds or 0)


def _pull_time(image: str) -> str:
    """A plausible, stable pull duration for the Pulled message (Go's Duration format)."""
    millis = 300 + int(hashlib.sha256(image.encode()).hexdigest()[:6], 16) % 2700
    return f"{millis}ms" if millis < 1000 else f"{millis / 1000:g}s"


def _image_size(image: str) -> int:
    return 2_000_000 + int(hashlib.sha256(image.encode()).hexdigest()[6:14], 16) % 90_000_000


def finished_phase(pod: dict[str, Any]) -> str | None:
    """Succeeded / Failed once every regular container of a restartPolicy Never/OnFailure pod has
    ended for good (kubelet getPhase); None while it is running or will restart."""
    policy = pod["spec"].get("restartPolicy") or "Always"
    if policy == "Always":
        return None
    statuses = pod.get("status", {}).get("containerStatuses", [])
    if len(statuses) < len(pod["spec"].get("containers", [])) or not statuses:
        return None
    if any("terminated" not in entry.get("state", {}) for entry in statuses):
        return None
    codes = [int(entry["state"]["terminated"].get("exitCode", 0)) for entry in statuses]
    if all(code == 0 for code in codes):
        return "Succeeded"
    return "Failed" if policy == "Never" else None


class Kubelet:
    def __init__(self, store: Store, runtime: ContainerRuntime, delay: float = 1.0) -> None:
        self.store = store
        self.runtime = runtime
        self.delay = delay
        self.clock = SimClock()
        self.events = EventRecorder(store)
        self.backoff = RestartBackOff(self.clock)
        self._handles: set[asyncio.TimerHandle] = set()
        self._ip_counter = 10
        self.image_pull_backoff = IMAGE_PULL_BACKOFF_INITIAL  # seconds; tests may shorten it
        self.paused = False  # faults.pause_kubelet(): due steps wait in `_held` until resumed
        self._held: list[Callable[[], None]] = []
        self._restart_timers: dict[str, Timer] = {}  # back-off key -> the restart after the back-off
        self._crash_timers: dict[str, Timer] = {}  # the same for the demo's crash-looping containers
        self._crash_loops_running = False
        self._deleting: dict[tuple[str, str], tuple[str, Timer]] = {}  # pods Terminating: uid, grace timer
        self._present: set[tuple[str, str]] | None = None  # (node, image) pulled on a node

    # ---- plumbing ------------------------------------------------------------------------
    def later(self, delay: float, callback: Callable[[], None]) -> None:
        loop = asyncio.get_running_loop()

        def run() -> None:
            self._handles.discard(handle)
            self._gate(callback)

        handle = loop.call_later(max(delay, 0.0), run)
        self._handles.add(handle)

    def _gate(self, callback: Callable[[], None]) -> None:
        if self.paused:
            self._held.append(callback)
            return
        callback()

    def after(self, seconds: float, callback: Callable[[], None]) -> Timer:
        """`callback` after `seconds` of the simulated clock (held while paused, like `later`)."""
        return self.clock.call_later(seconds, partial(self._gate, callback))

    def pause(self) -> None:
        """Steps that come due (pulls, starts, restarts) wait until `resume()`: a slow node."""
        self.paused = True

    def resume(self) -> None:
        self.paused = False
        held, self._held = self._held, []
        for callback in held:
            callback()

    def stop(self) -> None:
        for handle in list(self._handles):
            handle.cancel()
        self._handles.clear()
        self.clock.cancel_all()

    def next_pod_ip(self) -> str:
        self._ip_counter += 1
        return f"10.244.{self._ip_counter // 250}.{self._ip_counter % 250 + 2}"

    def node_platform(self, pod: dict[str, Any]) -> tuple[str, str]:
        """(os, arch) of the node the pod runs on, as its Node object says (linux/amd64 if unknown)."""
        node = self.store.get("nodes", "", str(pod["spec"].get("nodeName") or "")) or {}
        labels = (node.get("metadata") or {}).get("labels") or {}
        info = (node.get("status") or {}).get("nodeInfo") or {}
        return (labels.get("kubernetes.io/os") or info.get("operatingSystem") or "linux",
                labels.get("kubernetes.io/arch") or info.get("architecture") or "amd64")

    # ---- events --------------------------------------------------------------------------
    def record(self, namespace: str, name: str, notes: list[Note]) -> None:
        """Record the kubelet's events about a pod (as it is stored now)."""
        pod = self.store.get("pods", namespace, name)
        if pod is None or not notes:
            return
        source = KUBELET.on(str(pod["spec"].get("nodeName") or LINUX_NODE))
        for type_, reason, message, path in notes:
            self.events.record(pod, type_, reason, message, source, path)

    def _image_present(self, node: str, image: str) -> bool:
        if self._present is None:  # what the seeded pods run is on the node already
            self._present = set()
            for pod in self.store.values("pods"):
                if pod["metadata"].get("namespace", "").startswith("load-"):
                    continue
                for kind in ("containers", "initContainers"):
                    for container in pod["spec"].get(kind) or []:
                        self._present.add((str(pod["spec"].get("nodeName") or ""),
                                           canonical_image(str(container.get("image", "")))))
        return (node, canonical_image(image)) in self._present

    def _start_notes(self, pod: dict[str, Any], container: dict[str, Any], entry: dict[str, Any],
                     path: str) -> list[Note]:
        """The events of one container start: the pull (or 'already present'), then Created and
        Started, or the failure."""
        image = str(container.get("image", ""))
        node = str(pod["spec"].get("nodeName") or "")
        waiting = entry["state"].get("waiting") or {}
        if waiting.get("reason") == "ErrImagePull":
            return [(NORMAL, "Pulling", f'Pulling image "{image}"', path),
                    (WARNING, "Failed", f'Failed to pull image "{image}": {waiting.get("message", "")}', path),
                    (WARNING, "Failed", "Error: ErrImagePull", path)]
        present = self._image_present(node, image)
        if container.get("imagePullPolicy") == "Always" or not present:
            assert self._present is not None
            self._present.add((node, canonical_image(image)))
            took = _pull_time(image)
            notes: list[Note] = [
                (NORMAL, "Pulling", f'Pulling image "{image}"', path),
                (NORMAL, "Pulled", f'Successfully pulled image "{image}" in {took} ({took} including waiting). '
                                   f"Image size: {_image_size(image)} bytes.", path)]
        else:
            notes = [(NORMAL, "Pulled", f'Container image "{image}" already present on machine', path)]
        if waiting.get("reason") == "CreateContainerConfigError":
            return [*notes, (WARNING, "Failed", f"Error: {waiting.get('message', '')}", path)]
        return [*notes, (NORMAL, "Created", f"Created container: {container['name']}", path),
                (NORMAL, "Started", f"Started container {container['name']}", path)]

    # ---- pods ----------------------------------------------------------------------------
    def pod_created(self, namespace: str, name: str) -> None:
        """Schedule, then Pending with ContainerCreating, then Running after the delay."""
        scheduled: list[str] = []

        def schedule(pod: dict[str, Any]) -> None:
            spec = pod["spec"]
            if not spec.get("nodeName"):
                selector = spec.get("nodeSelector") or {}
                spec["nodeName"] = WINDOWS_NODE if selector.get("kubernetes.io/os") == "windows" else LINUX_NODE
                scheduled.append(spec["nodeName"])
            status = pod.setdefault("status", {})
            status["phase"] = "Pending"
            host_ip = NODE_IPS.get(spec["nodeName"], "10.0.0.11")
            status["hostIP"] = host_ip
            status["hostIPs"] = [{"ip": host_ip}]
            status["startTime"] = now_iso()
            # with init containers to run first, the regular ones wait PodInitializing (the kubelet's
            # generateAPIPodStatus), else ContainerCreating
            first = "PodInitializing" if spec.get("initContainers") else "ContainerCreating"
            status["containerStatuses"] = [waiting_status(c, first) for c in spec.get("containers", [])]
            if spec.get("initContainers"):
                status["initContainerStatuses"] = [
                    waiting_status(c, "PodInitializing") for c in spec["initContainers"]
                ]
            refresh_conditions(pod)

        pod = self.store.modify("pods", namespace, name, schedule)
        if pod is None:
            return
        if scheduled:
            self.events.record_new_api(pod, NORMAL, "Scheduled", "Binding",
                                       f"Successfully assigned {namespace}/{name} to {scheduled[0]}",
                                       SCHEDULER, f"{SCHEDULER}-{LINUX_NODE}")
        self.later(self.delay, lambda: self._start_pod(namespace, name))

    def _start_pod(self, namespace: str, name: str) -> None:
        """The pod's next step: its next init container (each runs to completion, in order), then,
        all of them done, the regular containers."""
        pod = self.store.get("pods", namespace, name)
        if pod is None or pod["metadata"].get("deletionTimestamp"):
            return
        if uninitialized(pod):
            self._start_next_init(namespace, name)
            return
        started: list[str] = []
        pull_failures: list[str] = []
        notes: list[Note] = []

        def start(pod: dict[str, Any]) -> bool | None:
            if pod["metadata"].get("deletionTimestamp") or uninitialized(pod):
                return False
            if any(_waiting_reason(e) not in ("ContainerCreating", "PodInitializing")
                   for e in pod["status"].get("containerStatuses", [])):
                return False  # started already
            when = now_iso()
            status = pod["status"]
            status["podIP"] = status.get("podIP") or self.next_pod_ip()
            status["podIPs"] = [{"ip": status["podIP"]}]
            statuses = []
            for container in pod["spec"].get("containers", []):
                entry = self._container_start_status(pod, container, when)
                notes.extend(self._start_notes(pod, container, entry, field_path(container["name"])))
                if "running" in entry["state"]:
                    started.append(container["name"])
                elif entry["state"]["waiting"]["reason"] == "ErrImagePull":
                    pull_failures.append(container["name"])
                statuses.append(entry)
            status["containerStatuses"] = statuses
            if started:
                status["phase"] = "Running"
            refresh_conditions(pod, when)
            return None

        self._apply_start(namespace, name, start, started, pull_failures, False, notes)
        crashing = (pod["metadata"].get("annotations") or {}).get(CRASHLOOP_ANNOTATION)
        if crashing in started and self._crash_loops_running:  # a crash-looping pod's replacement
            self.later(self.delay, partial(self._crash_started, namespace, name, crashing))

    def _crash_started(self, namespace: str, name: str, container_name: str) -> None:
        """A crash-looping demo container that was just started fails at once, then restarts with
        the back-off as the seeded one does (the pod replacing the crash-looping one crash-loops too)."""
        pod = self.store.get("pods", namespace, name)
        if pod is None or pod["metadata"].get("deletionTimestamp"):
            return
        entry = _status_entry(pod, container_name)
        if entry is None or "running" not in entry["state"]:
            return
        self.runtime.stop_container(pod, container_name, 1)
        self._crash_loop_restart(namespace, name, container_name)

    def _start_next_init(self, namespace: str, name: str) -> None:
        """Start the first init container not done yet (if it waits to be started: not one that
        runs, or waits out a back-off); the pod stays Pending (Init:i/n)."""
        started: list[str] = []
        pull_failures: list[str] = []
        notes: list[Note] = []

        def start(pod: dict[str, Any]) -> bool | None:
            if pod["metadata"].get("deletionTimestamp"):
                return False
            status = pod["status"]
            statuses = status.setdefault("initContainerStatuses", [])
            entries = {e["name"]: e for e in statuses}
            container = next((c for c in pod["spec"].get("initContainers") or []
                              if not init_done(c, entries.get(c["name"]))), None)
            if container is None:
                return False
            entry = entries.get(container["name"])
            if entry is not None and _waiting_reason(entry) != "PodInitializing":
                return False  # running, or failed and in the back-off's hands
            when = now_iso()
            status["podIP"] = status.get("podIP") or self.next_pod_ip()
            status["podIPs"] = [{"ip": status["podIP"]}]
            fresh = self._container_start_status(pod, container, when)
            fresh["ready"] = False
            notes.extend(self._start_notes(pod, container, fresh, field_path(container["name"], kind="initContainers")))
            if "running" in fresh["state"]:
                started.append(container["name"])
                if container.get("restartPolicy") == "Always":
                    sidecars.append(container["name"])
            elif _waiting_reason(fresh) == "ErrImagePull":
                pull_failures.append(container["name"])
            _put_entry(statuses, fresh)
            refresh_conditions(pod, when)
            return None

        sidecars: list[str] = []
        self._apply_start(namespace, name, start, started, pull_failures, False, notes)
        if sidecars:  # a sidecar (restartable init container) keeps running: the next one starts now
            self.later(self.delay, partial(self._start_pod, namespace, name))

    def _apply_start(self, namespace: str, name: str, change: Callable[[dict[str, Any]], bool | None],
                     started: list[str], failed_pulls: list[str], ephemeral: bool, notes: list[Note]) -> None:
        """Store the started state, start the processes, schedule ImagePullBackOff for failed pulls."""
        pod = self.store.modify("pods", namespace, name, change)
        if pod is None:
            return
        self.record(namespace, name, notes)
        for container_name in started:
            self.runtime.start_container(pod, container_name)
        for container_name in failed_pulls:
            self.later(self.delay, partial(self._back_off, namespace, name, container_name, ephemeral, 1))

    def _container_start_status(self, pod: dict[str, Any], container: dict[str, Any], when: str
                                ) -> dict[str, Any]:
        image = str(container.get("image", ""))
        node_os, node_arch = self.node_platform(pod)
        failure = pull_error(image, node_os, node_arch)
        if failure:
            return waiting_status(container, "ErrImagePull", failure)
        _exists, user = resolve_image_user(image)
        problem = non_root_problem(pod, container, user)
        if problem:
            return waiting_status(container, "CreateContainerConfigError", problem)
        return running_status(container, pod["metadata"].get("uid", ""), when, ready=True)

    def _back_off(self, namespace: str, name: str, container_name: str, ephemeral: bool, attempt: int) -> None:
        """ErrImagePull -> ImagePullBackOff (the kubelet's message); after the back-off (10 s doubling
        to 300 s, as the kubelet's image back-off) the pull is tried again: ErrImagePull again."""
        backing_off: list[str] = []

        def back_off(pod: dict[str, Any]) -> bool | None:
            entry = _status_entry(pod, container_name, ephemeral)
            if pod["metadata"].get("deletionTimestamp") or entry is None or _waiting_reason(entry) != "ErrImagePull":
                return False
            entry["state"] = {"waiting": {"reason": "ImagePullBackOff",
                                          "message": f'Back-off pulling image "{entry["image"]}"'}}
            backing_off.append(str(entry["image"]))
            return None

        pod = self.store.modify("pods", namespace, name, back_off)
        if backing_off and pod is not None:
            path = _path(pod, container_name, ephemeral)
            self.record(namespace, name, [(NORMAL, "BackOff", f'Back-off pulling image "{backing_off[0]}"', path),
                                          (WARNING, "Failed", "Error: ImagePullBackOff", path)])
            seconds = min(self.image_pull_backoff * 2 ** (attempt - 1), IMAGE_PULL_BACKOFF_MAX)
            self.later(seconds, lambda: self._pull_again(namespace, name, container_name, ephemeral, attempt))

    def _pull_again(self, namespace: str, name: str, container_name: str, ephemeral: bool, attempt: int) -> None:
        """The back-off is over: pull again; a still missing image is ErrImagePull once more."""
        notes: list[Note] = []

        def pull(pod: dict[str, Any]) -> bool | None:
            specs = (pod["spec"].get("ephemeralContainers", []) if ephemeral
                     else pod["spec"].get("containers", []) + (pod["spec"].get("initContainers") or []))
            spec = next((c for c in specs if c["name"] == container_name), None)
            entry = _status_entry(pod, container_name, ephemeral)
            if pod["metadata"].get("deletionTimestamp") or spec is None or entry is None:
                return False
            if _waiting_reason(entry) != "ImagePullBackOff":
                return False  # something else happened meanwhile (a new image, a restart)
            fresh = self._container_start_status(pod, spec, now_iso())
            if _waiting_reason(fresh) != "ErrImagePull":
                return False  # the image exists now: starting it is not simulated here
            entry["state"] = fresh["state"]
            notes.extend(self._start_notes(pod, spec, fresh, _path(pod, container_name, ephemeral)))
            return None

        self.store.modify("pods", namespace, name, pull)
        if notes:
            self.record(namespace, name, notes)
            self.later(self.delay, lambda: self._back_off(namespace, name, container_name, ephemeral, attempt + 1))

    # ---- ephemeral containers ----------------------------------------------------------
    def ephemeral_added(self, namespace: str, name: str, container_names: list[str]) -> None:
        """Status Waiting ContainerCreating now, Running (or an error) after the delay."""

        def creating(pod: dict[str, Any]) -> None:
            statuses = pod["status"].setdefault("ephemeralContainerStatuses", [])
            known = {s["name"] for s in statuses}
            for container in pod["spec"].get("ephemeralContainers", []):
                if container["name"] in container_names and container["name"] not in known:
                    entry = waiting_status(container, "ContainerCreating")
                    statuses.append(entry)

        if self.store.modify("pods", namespace, name, creating) is None:
            return
        self.later(self.delay, lambda: self._start_ephemeral(namespace, name, container_names))

    def _start_ephemeral(self, namespace: str, name: str, container_names: list[str]) -> None:
        started: list[str] = []
        failed_pulls: list[str] = []
        notes: list[Note] = []

        def start(pod: dict[str, Any]) -> bool | None:
            if pod["metadata"].get("deletionTimestamp"):
                return False
            when = now_iso()
            by_name = {c["name"]: c for c in pod["spec"].get("ephemeralContainers", [])}
            statuses = pod["status"].setdefault("ephemeralContainerStatuses", [])
            for index, entry in enumerate(statuses):
                container = by_name.get(entry["name"])
                if container is None or entry["name"] not in container_names:
                    continue
                new_entry = self._container_start_status(pod, container, when)
                new_entry["ready"] = False
                new_entry.pop("started", None)
                statuses[index] = new_entry
                notes.extend(self._start_notes(pod, container, new_entry, field_path(entry["name"], True)))
                if "running" in new_entry["state"]:
                    started.append(entry["name"])
                elif new_entry["state"]["waiting"]["reason"] == "ErrImagePull":
                    failed_pulls.append(entry["name"])
            return None

        self._apply_start(namespace, name, start, started, failed_pulls, True, notes)

    # ---- exits, phases and restarts --------------------------------------------------------
    def container_exited(self, namespace: str, name: str, container_name: str, exit_code: int) -> None:
        """The runtime saw the container's main process exit: Terminated with its code; the pod's
        phase when it has finished; a restart (or the back-off before it) as the policy says."""

        def terminate(pod: dict[str, Any]) -> bool | None:
            when = now_iso()
            for field in ("containerStatuses", "ephemeralContainerStatuses", "initContainerStatuses"):
                for index, entry in enumerate(pod["status"].get(field, [])):
                    if entry["name"] != container_name:
                        continue
                    running = entry["state"].get("running")
                    if running is None:
                        return False
                    terminated = {
                        "exitCode": exit_code,
                        "reason": "Completed" if exit_code == 0 else "Error",
                        "startedAt": running.get("startedAt", when),
                        "finishedAt": when,
                        "containerID": entry.get("containerID", ""),
                    }
                    entry = dict(entry, state={"terminated": terminated}, ready=False)
                    if field != "ephemeralContainerStatuses":
                        entry["started"] = False
                    pod["status"][field][index] = entry
                    if field == "initContainerStatuses":
                        entry["ready"] = exit_code == 0
                        policy = pod["spec"].get("restartPolicy") or "Always"
                        sidecar = any(c["name"] == container_name and c.get("restartPolicy") == "Always"
                                      for c in pod["spec"].get("initContainers") or [])
                        if exit_code == 0 and not sidecar:
                            initialized.append(container_name)
                        elif policy != "Never" or sidecar:
                            restarting.append(entry)
                        elif not pod["metadata"].get("deletionTimestamp"):
                            pod["status"]["phase"] = "Failed"  # an init container failed for good
                        refresh_conditions(pod, when)
                    if field == "containerStatuses":
                        phase = finished_phase(pod)
                        if phase is not None and not pod["metadata"].get("deletionTimestamp"):
                            pod["status"]["phase"] = phase
                        refresh_conditions(pod, when)
                        if restarted_after_exit(pod, exit_code):
                            restarting.append(entry)
                    return None
            return False

        restarting: list[dict[str, Any]] = []
        initialized: list[str] = []
        self.store.modify("pods", namespace, name, terminate)
        for entry in restarting:
            self._schedule_restart(namespace, name, entry["name"])
        if initialized:  # the next init container, or the regular ones
            self.later(self.delay, partial(self._start_pod, namespace, name))

    def _schedule_restart(self, namespace: str, name: str, container_name: str) -> None:
        """The kubelet's sync after an exit (kuberuntime doBackOff): within the back-off the
        container waits in CrashLoopBackOff for the back-off's delay (the message names it); out of
        it the back-off steps (10 s, doubling to 5 min) and the container restarts now."""
        pod = self.store.get("pods", namespace, name)
        if pod is None or pod["metadata"].get("deletionTimestamp"):
            return
        key = backoff_key(pod, container_name)
        finished = self.clock.now()
        if not self.backoff.in_back_off_since(key, finished):
            self.backoff.next(key, finished)
            self.later(self.delay, lambda: self._restart(namespace, name, container_name))
            return
        delay = self.backoff.get(key)

        def back_off(obj: dict[str, Any]) -> bool | None:
            entry = _status_entry(obj, container_name)
            if entry is None or "terminated" not in entry["state"]:
                return False
            entry["lastState"] = {"terminated": entry["state"]["terminated"]}
            entry["state"] = {"waiting": {"reason": "CrashLoopBackOff",
                                          "message": back_off_message(obj, container_name, int(delay))}}
            return None

        self.store.modify("pods", namespace, name, back_off)
        self.record(namespace, name, [_crash_back_off_note(pod, container_name)])
        self._arm_restart(key, delay, partial(self._after_back_off, namespace, name, container_name, finished))

    def _arm_restart(self, key: str, delay: float, callback: Callable[[], None]) -> None:
        old = self._restart_timers.pop(key, None)
        if old is not None:
            old.cancel()
        self._restart_timers[key] = self.after(delay, callback)

    def _after_back_off(self, namespace: str, name: str, container_name: str, finished: float) -> None:
        pod = self.store.get("pods", namespace, name)
        if pod is None:
            return
        key = backoff_key(pod, container_name)
        self._restart_timers.pop(key, None)
        self.backoff.next(key, finished)
        self._restart(namespace, name, container_name)

    def images_changed(self, namespace: str, name: str, container_names: list[str]) -> None:
        """A pod update changed these containers' images: the kubelet kills them (Terminated) and
        starts them again with the new image (restartCount + 1)."""
        pod = self.store.get("pods", namespace, name)
        if pod is None:
            return
        self.record(namespace, name, [
            (NORMAL, "Killing", f"Container {container_name} definition changed, will be restarted",
             field_path(container_name)) for container_name in container_names])
        for container_name in container_names:
            self.runtime.stop_container(pod, container_name, 143)

        def killed(pod: dict[str, Any]) -> bool | None:
            return _terminate_running_containers(pod, set(container_names))

        self.store.modify("pods", namespace, name, killed)
        for container_name in container_names:
            self.later(self.delay, partial(self._restart, namespace, name, container_name))

    def _restart(self, namespace: str, name: str, container_name: str) -> None:
        notes: list[Note] = []

        def restart(pod: dict[str, Any]) -> bool | None:
            entry = _status_entry(pod, container_name)
            spec = next((c for c in pod["spec"].get("containers", []) + (pod["spec"].get("initContainers") or [])
                         if c["name"] == container_name), None)
            if entry is None or spec is None or "running" in entry["state"] or pod["metadata"].get(
                    "deletionTimestamp"):
                return False
            last = entry["state"].get("terminated") or entry.get("lastState", {}).get("terminated") or {}
            when = now_iso()
            fresh = running_status(spec, pod["metadata"].get("uid", ""), when,
                                   restart_count=int(entry.get("restartCount", 0)) + 1)
            fresh["lastState"] = {"terminated": last} if last else {}
            init = _is_init(pod, container_name)
            if init:
                fresh["ready"] = False
            statuses = pod["status"]["initContainerStatuses" if init else "containerStatuses"]
            statuses[statuses.index(entry)] = fresh
            notes.extend(self._start_notes(pod, spec, fresh, _path(pod, container_name)))
            refresh_conditions(pod, when)
            return None

        pod = self.store.modify("pods", namespace, name, restart)
        if pod is not None and notes:
            self.record(namespace, name, notes)
            self.runtime.start_container(pod, container_name)

    # ---- graceful deletion -----------------------------------------------------------------
    def delete_pod(self, namespace: str, name: str, grace_seconds: int | None = None) -> dict[str, Any] | None:
        """A DELETE as the API server and this kubelet do it (for controllers and faults): with a
        grace period (the pod's terminationGracePeriodSeconds unless given) the pod is marked
        (deletionTimestamp, deletionGracePeriodSeconds: Terminating) and its containers stopped;
        0, or a pod on no node, removes it at once. Returns the pod as stored (or its last state)."""
        pod = self.store.get("pods", namespace, name)
        if pod is None or pod["metadata"].get("deletionTimestamp"):
            return pod
        grace = int(pod["spec"].get("terminationGracePeriodSeconds", 30)) if grace_seconds is None else grace_seconds
        if grace <= 0 or not pod["spec"].get("nodeName"):
            final = self.store.delete("pods", namespace, name)
            if final is not None:
                self.runtime.stop_pod(final)
            return final

        def mark(obj: dict[str, Any]) -> None:
            obj["metadata"]["deletionTimestamp"] = now_iso(datetime.now(UTC) + timedelta(seconds=grace))
            obj["metadata"]["deletionGracePeriodSeconds"] = grace

        self.store.modify("pods", namespace, name, mark)
        self.pod_deleting(namespace, name, grace)
        return self.store.get("pods", namespace, name)

    def pod_deleting(self, namespace: str, name: str, grace_seconds: int) -> None:
        """A pod was marked for deletion: Killing events, the containers stopped (the demo's
        programs end on SIGTERM), then the object goes once the kubelet confirms it (shortly) or,
        at the latest, when the grace period is over on the simulated clock."""
        pod = self.store.get("pods", namespace, name)
        if pod is None:
            return
        uid = str(pod["metadata"].get("uid", ""))
        notes: list[Note] = []
        for field, kind in (("initContainerStatuses", "initContainers"), ("containerStatuses", "containers"),
                            ("ephemeralContainerStatuses", "ephemeralContainers")):
            for entry in pod.get("status", {}).get(field, []):
                if "running" in entry.get("state", {}):
                    notes.append((NORMAL, "Killing", f"Stopping container {entry['name']}",
                                  field_path(entry["name"], kind=kind)))
        self.record(namespace, name, notes)
        self.runtime.stop_pod(pod)
        self.store.modify("pods", namespace, name, _terminate_running_containers)
        for key in [k for k in self._restart_timers if k.startswith(f"{name}_{namespace}_{uid}_")]:
            self._restart_timers.pop(key).cancel()
        old = self._deleting.pop((namespace, name), None)
        if old is not None:
            old[1].cancel()
        grace_timer = self.clock.call_later(max(grace_seconds, 0),
                                            partial(self._finish_delete, namespace, name, uid))
        self._deleting[(namespace, name)] = (uid, grace_timer)
        delay = min(max(grace_seconds, 0), 1) * min(self.delay, DELETE_CONFIRM_DELAY)
        self.later(delay, partial(self._finish_delete, namespace, name, uid))

    def _finish_delete(self, namespace: str, name: str, uid: str | None = None) -> None:
        pending = self._deleting.get((namespace, name))
        if pending is not None and (uid is None or pending[0] == uid):
            del self._deleting[(namespace, name)]
            pending[1].cancel()
        pod = self.store.get("pods", namespace, name)
        if pod is None or (uid is not None and pod["metadata"].get("uid") != uid):
            return
        if pod["metadata"].get("deletionTimestamp"):
            self.store.delete("pods", namespace, name)

    def finish_deletions(self) -> int:
        """Every pod still Terminating goes now (its grace period as good as over); returns how many."""
        pending = list(self._deleting.items())
        for (namespace, name), (uid, _timer) in pending:
            self._finish_delete(namespace, name, uid)
        return len(pending)

    # ---- the demo's crash loop (pods annotated with CRASHLOOP_ANNOTATION) ------------------
    def start_background(self) -> None:
        """The crash-looping demo containers restart when their back-off is over and fail again at
        once (CrashLoopBackOff with the next, doubled back-off). The back-off they show now is
        counted from this call."""
        self._crash_loops_running = True
        for pod in list(self.store.values("pods")):
            container_name = (pod["metadata"].get("annotations") or {}).get(CRASHLOOP_ANNOTATION)
            if not container_name:
                continue
            key = backoff_key(pod, container_name)
            if key in self._crash_timers:
                continue
            if key not in self.backoff.entries:
                self.backoff.set(key, _shown_back_off(pod, container_name))
            meta = pod["metadata"]
            self._arm_crash_loop(key, self.backoff.get(key), meta["namespace"], meta["name"], container_name)

    def _arm_crash_loop(self, key: str, delay: float, namespace: str, name: str, container_name: str) -> None:
        old = self._crash_timers.pop(key, None)
        if old is not None:
            old.cancel()
        self._crash_timers[key] = self.after(
            delay, partial(self._crash_loop_restart, namespace, name, container_name))

    def hold_crash_loops(self) -> None:
        """The crash-looping demo containers stay as they are (no restart) until `start_background`."""
        self._crash_loops_running = False
        for timer in self._crash_timers.values():
            timer.cancel()
        self._crash_timers.clear()

    def _crash_loop_restart(self, namespace: str, name: str, container_name: str) -> None:
        """The back-off is over: the kubelet starts the container, which fails at once."""
        pod = self.store.get("pods", namespace, name)
        if pod is None or pod["metadata"].get("deletionTimestamp"):
            return
        key = backoff_key(pod, container_name)
        timer = self._crash_timers.pop(key, None)
        if timer is not None:
            timer.cancel()
        previous = self.backoff.get(key) or CRASH_BACKOFF_INITIAL
        backoff = self.backoff.next(key, self.clock.now() - previous)
        spec = next((c for c in pod["spec"].get("containers", []) if c["name"] == container_name), None)
        path = field_path(container_name)
        notes: list[Note] = []
        if spec is not None:
            image = str(spec.get("image", ""))
            notes = [(NORMAL, "Pulled", f'Container image "{image}" already present on machine', path),
                     (NORMAL, "Created", f"Created container: {container_name}", path),
                     (NORMAL, "Started", f"Started container {container_name}", path)]
        updated = self.store.modify("pods", namespace, name,
                                    partial(crash_once, container_name=container_name, backoff=int(backoff)))
        if updated is None:
            return
        self.record(namespace, name, [*notes, _crash_back_off_note(updated, container_name)])
        if self._crash_loops_running and (pod["metadata"].get("annotations") or {}).get(
                CRASHLOOP_ANNOTATION) == container_name:
            self._arm_crash_loop(key, backoff, namespace, name, container_name)

    def crash_now(self, namespace: str, name: str, container_name: str) -> None:
        """The container fails now: a running one exits with 1 (the kubelet's restart or back-off
        follows); a waiting one (CrashLoopBackOff) is restarted now and fails at once."""
        pod = self.store.get("pods", namespace, name)
        if pod is None:
            raise KeyError(f"pod {namespace}/{name} not found")
        entry = _status_entry(pod, container_name)
        if entry is not None and "running" in entry["state"]:
            self.runtime.stop_container(pod, container_name, 1)
            self.container_exited(namespace, name, container_name, 1)
            return
        self._crash_loop_restart(namespace, name, container_name)
        if (pod["metadata"].get("annotations") or {}).get(CRASHLOOP_ANNOTATION) != container_name:
            key = backoff_key(pod, container_name)
            finished = self.clock.now()
            self._arm_restart(key, self.backoff.get(key),
                              partial(self._after_back_off, namespace, name, container_name, finished))


def _shown_back_off(pod: dict[str, Any], container_name: str) -> float:
    """The back-off a CrashLoopBackOff container's message shows (from its restarts if none)."""
    entry = _status_entry(pod, container_name) or {}
    message = str((entry.get("state", {}).get("waiting") or {}).get("message", ""))
    match = re.match(r"back-off (\S+) restarting", message)
    seconds = parse_go_duration(match.group(1)) if match else None
    if seconds:
        return seconds
    restarts = max(int(entry.get("restartCount", 0)), 1)
    return float(min(CRASH_BACKOFF_INITIAL * 2 ** (restarts - 1), CRASH_BACKOFF_MAX))


def _crash_back_off_note(pod: dict[str, Any], container_name: str) -> Note:
    meta = pod["metadata"]
    return (WARNING, "BackOff", f"Back-off restarting failed container {container_name} in pod "
                                f"{meta['name']}_{meta['namespace']}({meta.get('uid', '')})",
            _path(pod, container_name))


def restarted_after_exit(pod: dict[str, Any], exit_code: int) -> bool:
    """Whether the kubelet restarts a regular container that exited with `exit_code`."""
    policy = pod["spec"].get("restartPolicy", "Always")
    return policy == "Always" or (policy == "OnFailure" and exit_code != 0)


def back_off_message(pod: dict[str, Any], container_name: str, seconds: int) -> str:
    meta = pod["metadata"]
    return (f"back-off {go_duration(seconds)} restarting failed container={container_name} "
            f"pod={meta['name']}_{meta['namespace']}({meta.get('uid', '')})")


def _terminate_running_containers(pod: dict[str, Any], only: set[str] | None = None) -> bool | None:
    """What the kubelet reports once it has stopped a pod's containers (all, or `only` these): each
    running one Terminated by the SIGTERM (143, as an app that does not trap it), not ready."""
    when = now_iso()
    changed = False
    for field in ("initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses"):
        for entry in pod["status"].get(field, []):
            running = entry["state"].get("running")
            if running is None or (only is not None and entry["name"] not in only):
                continue
            entry["state"] = {"terminated": {"exitCode": 143, "reason": "Error",
                                             "startedAt": running.get("startedAt", when), "finishedAt": when,
                                             "containerID": entry.get("containerID", "")}}
            entry["ready"] = False
            if field != "ephemeralContainerStatuses":
                entry["started"] = False
            changed = True
    if not changed:
        return False
    refresh_conditions(pod, when)
    return None


def _status_entry(pod: dict[str, Any], container_name: str, ephemeral: bool = False) -> dict[str, Any] | None:
    """The container's status entry: an ephemeral one's, else a regular or init container's."""
    fields = ("ephemeralContainerStatuses",) if ephemeral else ("containerStatuses", "initContainerStatuses")
    for field in fields:
        for entry in pod["status"].get(field, []):
            if entry["name"] == container_name:
                return entry
    return None


def _is_init(pod: dict[str, Any], container_name: str) -> bool:
    return any(c.get("name") == container_name for c in pod["spec"].get("initContainers") or [])


def _path(pod: dict[str, Any], container_name: str, ephemeral: bool = False) -> str:
    """The event field path of a container of `pod` (init containers under spec.initContainers)."""
    if not ephemeral and _is_init(pod, container_name):
        return field_path(container_name, kind="initContainers")
    return field_path(container_name, ephemeral)


def _put_entry(statuses: list[dict[str, Any]], entry: dict[str, Any]) -> None:
    """Replace the entry of the same name in `statuses`, or add it."""
    for index, old in enumerate(statuses):
        if old["name"] == entry["name"]:
            statuses[index] = entry
            return
    statuses.append(entry)


def _waiting_reason(entry: dict[str, Any]) -> str | None:
    """The reason of a container status that is Waiting (None otherwise)."""
    return (entry["state"].get("waiting") or {}).get("reason")


def _seconds_between(start: str | None, end: str | None) -> float:
    try:
        return (datetime.fromisoformat(str(end).replace("Z", "+00:00"))
                - datetime.fromisoformat(str(start).replace("Z", "+00:00"))).total_seconds()
    except ValueError:
        return 0.0


def crash_once(pod: dict[str, Any], container_name: str, when: datetime | None = None,
               backoff: int | None = None) -> None:
    """The container was restarted and failed at once: restartCount + 1, lastState terminated
    (exit 1), waiting CrashLoopBackOff naming `backoff` (by default the kubelet's back-off after
    that many restarts: 10 s doubling to 5 min)."""
    moment = when or datetime.now(UTC)
    finished = now_iso(moment)
    meta = pod["metadata"]
    for entry in pod["status"].get("containerStatuses", []):
        if entry["name"] != container_name:
            continue
        restarts = int(entry.get("restartCount", 0)) + 1
        delay = backoff if backoff is not None else min(10 * 2 ** min(restarts - 1, 5), 300)
        entry["restartCount"] = restarts
        entry["lastState"] = {
            "terminated": {
                "exitCode": 1,
                "reason": "Error",
                "startedAt": finished,
                "finishedAt": finished,
                "containerID": container_id(meta.get("uid", ""), container_name, restarts - 1),
            }
        }
        entry["state"] = {"waiting": {"reason": "CrashLoopBackOff",
                                      "message": back_off_message(pod, container_name, delay)}}
        entry["ready"] = False
        entry["started"] = False
    refresh_conditions(pod, finished)
