"""Simulated kubelet: schedules pods and moves containers through their states.

Runs on the demo server's loop. State changes go through `Store.modify`, so every step is a
MODIFIED watch event, as with a real kubelet's status updates.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any

from tui.demo.api.defaults import now_iso
from tui.demo.api.store import Store
from tui.demo.container import images
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
    started = status.get("phase") in ("Running", "Succeeded", "Failed") or any(
        "running" in s.get("state", {}) or "terminated" in s.get("state", {}) for s in statuses
    )
    old = {c["type"]: c for c in status.get("conditions", [])}
    message = f"containers with unready status: [{' '.join(unready)}]"
    wanted = [
        _condition("PodReadyToStartContainers", started, when),
        _condition("Initialized", scheduled, when),
        _condition("Ready", all_ready, when, "ContainersNotReady", message),
        _condition("ContainersReady", all_ready, when, "ContainersNotReady", message),
        _condition("PodScheduled", scheduled, when),
    ]
    result = []
    for condition in wanted:
        previous = old.get(condition["type"])
        if previous is not None and previous.get("status") == condition["status"]:
            condition["lastTransitionTime"] = previous.get("lastTransitionTime", when)
        result.append(condition)
    status["conditions"] = result


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


class Kubelet:
    def __init__(self, store: Store, runtime: ContainerRuntime, delay: float = 1.0) -> None:
        self.store = store
        self.runtime = runtime
        self.delay = delay
        self._handles: set[asyncio.TimerHandle] = set()
        self._ip_counter = 10
        self._crashloop_task: asyncio.Task[None] | None = None
        self.crashloop_period = 20.0
        self.image_pull_backoff = IMAGE_PULL_BACKOFF_INITIAL  # seconds; tests may shorten it
        self.paused = False  # faults.pause_kubelet(): due steps wait in `_held` until resumed
        self._held: list[Callable[[], None]] = []

    # ---- plumbing ------------------------------------------------------------------------
    def later(self, delay: float, callback: Callable[[], None]) -> None:
        loop = asyncio.get_running_loop()

        def run() -> None:
            self._handles.discard(handle)
            if self.paused:
                self._held.append(callback)
                return
            callback()

        handle = loop.call_later(max(delay, 0.0), run)
        self._handles.add(handle)

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
        if self._crashloop_task is not None:
            self._crashloop_task.cancel()

    def start_background(self) -> None:
        self.hold_crash_loops()
        self._crashloop_task = asyncio.get_running_loop().create_task(self._crashloop_loop())

    def hold_crash_loops(self) -> None:
        if self._crashloop_task is not None:
            self._crashloop_task.cancel()
            self._crashloop_task = None

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

    # ---- pods ----------------------------------------------------------------------------
    def pod_created(self, namespace: str, name: str) -> None:
        """Schedule, then Pending with ContainerCreating, then Running after the delay."""

        def schedule(pod: dict[str, Any]) -> None:
            spec = pod["spec"]
            if not spec.get("nodeName"):
                selector = spec.get("nodeSelector") or {}
                spec["nodeName"] = WINDOWS_NODE if selector.get("kubernetes.io/os") == "windows" else LINUX_NODE
            status = pod.setdefault("status", {})
            status["phase"] = "Pending"
            host_ip = NODE_IPS.get(spec["nodeName"], "10.0.0.11")
            status["hostIP"] = host_ip
            status["hostIPs"] = [{"ip": host_ip}]
            status["startTime"] = now_iso()
            status["containerStatuses"] = [
                waiting_status(c, "ContainerCreating") for c in spec.get("containers", [])
            ]
            if spec.get("initContainers"):
                status["initContainerStatuses"] = [
                    waiting_status(c, "PodInitializing") for c in spec["initContainers"]
                ]
            refresh_conditions(pod)

        if self.store.modify("pods", namespace, name, schedule) is None:
            return
        self.later(self.delay, lambda: self._start_pod(namespace, name))

    def _start_pod(self, namespace: str, name: str) -> None:
        started: list[str] = []
        pull_failures: list[str] = []

        def start(pod: dict[str, Any]) -> bool | None:
            if pod["metadata"].get("deletionTimestamp"):
                return False
            when = now_iso()
            status = pod["status"]
            status["podIP"] = status.get("podIP") or self.next_pod_ip()
            status["podIPs"] = [{"ip": status["podIP"]}]
            if status.get("initContainerStatuses"):
                status["initContainerStatuses"] = [
                    _terminated_status(c, 0, "Completed", when, when) for c in pod["spec"]["initContainers"]
                ]
            statuses = []
            for container in pod["spec"].get("containers", []):
                entry = self._container_start_status(pod, container, when)
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

        self._apply_start(namespace, name, start, started, pull_failures, False)  # filled inside modify

    def _apply_start(self, namespace: str, name: str, change: Callable[[dict[str, Any]], bool | None],
                     started: list[str], failed_pulls: list[str], ephemeral: bool) -> None:
        """Store the started state, start the processes, schedule ImagePullBackOff for failed pulls."""
        pod = self.store.modify("pods", namespace, name, change)
        if pod is None:
            return
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
        backing_off = False

        def back_off(pod: dict[str, Any]) -> bool | None:
            nonlocal backing_off
            entry = _status_entry(pod, container_name, ephemeral)
            if pod["metadata"].get("deletionTimestamp") or entry is None or _waiting_reason(entry) != "ErrImagePull":
                return False
            entry["state"] = {"waiting": {"reason": "ImagePullBackOff",
                                          "message": f'Back-off pulling image "{entry["image"]}"'}}
            backing_off = True
            return None

        self.store.modify("pods", namespace, name, back_off)
        if backing_off:
            seconds = min(self.image_pull_backoff * 2 ** (attempt - 1), IMAGE_PULL_BACKOFF_MAX)
            self.later(seconds, lambda: self._pull_again(namespace, name, container_name, ephemeral, attempt))

    def _pull_again(self, namespace: str, name: str, container_name: str, ephemeral: bool, attempt: int) -> None:
        """The back-off is over: pull again; a still missing image is ErrImagePull once more."""
        failed = False

        def pull(pod: dict[str, Any]) -> bool | None:
            nonlocal failed
            specs = pod["spec"].get("ephemeralContainers" if ephemeral else "containers", [])
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
            failed = True
            return None

        self.store.modify("pods", namespace, name, pull)
        if failed:
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
                if "running" in new_entry["state"]:
                    started.append(entry["name"])
                elif new_entry["state"]["waiting"]["reason"] == "ErrImagePull":
                    failed_pulls.append(entry["name"])
            return None

        self._apply_start(namespace, name, start, started, failed_pulls, True)

    # ---- exits and deletion --------------------------------------------------------------
    def container_exited(self, namespace: str, name: str, container_name: str, exit_code: int) -> None:
        """The runtime saw the container's main process exit: Terminated with its code."""

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
                    if field == "containerStatuses":
                        refresh_conditions(pod, when)
                        if restarted_after_exit(pod, exit_code):
                            restarting.append(entry)
                    return None
            return False

        restarting: list[dict[str, Any]] = []
        self.store.modify("pods", namespace, name, terminate)
        for entry in restarting:
            self._schedule_restart(namespace, name, entry)

    # ---- restarts (restartPolicy Always / OnFailure) ---------------------------------------
    def _schedule_restart(self, namespace: str, name: str, exited: dict[str, Any]) -> None:
        """Restart at once the first time; a container that keeps exiting within 10 s of its start
        waits in CrashLoopBackOff (10 s doubling to 5 min), as the real kubelet's back-off does."""
        terminated = exited["state"]["terminated"]
        restarts_so_far = int(exited.get("restartCount", 0))
        quick = _seconds_between(terminated.get("startedAt"), terminated.get("finishedAt")) < 10
        if restarts_so_far == 0 or not quick:
            self.later(self.delay, lambda: self._restart(namespace, name, exited["name"]))
            return
        backoff = min(10 * 2 ** min(restarts_so_far - 1, 5), 300)

        def back_off(pod: dict[str, Any]) -> bool | None:
            entry = _status_entry(pod, exited["name"])
            if entry is None or "terminated" not in entry["state"] or pod["metadata"].get("deletionTimestamp"):
                return False
            entry["lastState"] = {"terminated": entry["state"]["terminated"]}
            entry["state"] = {"waiting": {"reason": "CrashLoopBackOff",
                                          "message": back_off_message(pod, exited["name"], backoff)}}
            return None

        self.store.modify("pods", namespace, name, back_off)
        self.later(backoff, lambda: self._restart(namespace, name, exited["name"]))

    def images_changed(self, namespace: str, name: str, container_names: list[str]) -> None:
        """A pod update changed these containers' images: the kubelet kills them (Terminated) and
        starts them again with the new image (restartCount + 1)."""
        pod = self.store.get("pods", namespace, name)
        if pod is None:
            return
        for container_name in container_names:
            self.runtime.stop_container(pod, container_name, 143)

        def killed(pod: dict[str, Any]) -> bool | None:
            return _terminate_running_containers(pod, set(container_names))

        self.store.modify("pods", namespace, name, killed)
        for container_name in container_names:
            self.later(self.delay, partial(self._restart, namespace, name, container_name))

    def _restart(self, namespace: str, name: str, container_name: str) -> None:
        def restart(pod: dict[str, Any]) -> bool | None:
            entry = _status_entry(pod, container_name)
            spec = next((c for c in pod["spec"].get("containers", []) if c["name"] == container_name), None)
            if entry is None or spec is None or "running" in entry["state"] or pod["metadata"].get(
                    "deletionTimestamp"):
                return False
            last = entry["state"].get("terminated") or entry.get("lastState", {}).get("terminated") or {}
            when = now_iso()
            fresh = running_status(spec, pod["metadata"].get("uid", ""), when,
                                   restart_count=int(entry.get("restartCount", 0)) + 1)
            fresh["lastState"] = {"terminated": last} if last else {}
            statuses = pod["status"]["containerStatuses"]
            statuses[statuses.index(entry)] = fresh
            refresh_conditions(pod, when)
            return None

        pod = self.store.modify("pods", namespace, name, restart)
        if pod is not None:
            self.runtime.start_container(pod, container_name)

    def pod_deleting(self, namespace: str, name: str, grace_seconds: int) -> None:
        """Stop the containers, then remove the object (shortly: the demo does not wait the grace)."""
        pod = self.store.get("pods", namespace, name)
        if pod is not None:
            self.runtime.stop_pod(pod)
            self.store.modify("pods", namespace, name, _terminate_running_containers)
        delay = min(max(grace_seconds, 0), 1) * min(self.delay, 0.3)
        self.later(delay, lambda: self._finish_delete(namespace, name))

    def _finish_delete(self, namespace: str, name: str) -> None:
        self.store.delete("pods", namespace, name)

    # ---- crash loop ------------------------------------------------------------------------
    async def _crashloop_loop(self) -> None:
        while True:
            await asyncio.sleep(self.crashloop_period)
            self.crashloop_tick()

    def crashloop_tick(self) -> None:
        """Every crash-looping container fails once more: restartCount + 1, lastState terminated."""
        for pod in list(self.store.values("pods")):
            container_name = (pod["metadata"].get("annotations") or {}).get(CRASHLOOP_ANNOTATION)
            if container_name:
                meta = pod["metadata"]
                self.store.modify("pods", meta["namespace"], meta["name"],
                                  partial(crash_once, container_name=container_name))


def _terminated_status(container: dict[str, Any], exit_code: int, reason: str, started: str, finished: str
                       ) -> dict[str, Any]:
    image = str(container.get("image", ""))
    return {
        "name": container["name"],
        "state": {"terminated": {"exitCode": exit_code, "reason": reason, "startedAt": started,
                                 "finishedAt": finished}},
        "lastState": {},
        "ready": False,
        "restartCount": 0,
        "image": canonical_image(image),
        "imageID": image_id(image),
        "containerID": container_id("", container["name"]),
        "started": False,
    }


def restarted_after_exit(pod: dict[str, Any], exit_code: int) -> bool:
    """Whether the kubelet restarts a regular container that exited with `exit_code`."""
    policy = pod["spec"].get("restartPolicy", "Always")
    return policy == "Always" or (policy == "OnFailure" and exit_code != 0)


def back_off_message(pod: dict[str, Any], container_name: str, seconds: int) -> str:
    meta = pod["metadata"]
    pretty = f"{seconds // 60}m{seconds % 60}s" if seconds >= 60 else f"{seconds}s"
    return (f"back-off {pretty} restarting failed container={container_name} "
            f"pod={meta['name']}_{meta['namespace']}({meta.get('uid', '')})")


def _terminate_running_containers(pod: dict[str, Any], only: set[str] | None = None) -> bool | None:
    """What the kubelet reports once it has stopped a pod's containers (all, or `only` these): each
    running one Terminated by the SIGTERM (143, as an app that does not trap it), not ready."""
    when = now_iso()
    changed = False
    for field in ("containerStatuses", "ephemeralContainerStatuses"):
        for entry in pod["status"].get(field, []):
            running = entry["state"].get("running")
            if running is None or (only is not None and entry["name"] not in only):
                continue
            entry["state"] = {"terminated": {"exitCode": 143, "reason": "Error",
                                             "startedAt": running.get("startedAt", when), "finishedAt": when,
                                             "containerID": entry.get("containerID", "")}}
            entry["ready"] = False
            if field == "containerStatuses":
                entry["started"] = False
            changed = True
    if not changed:
        return False
    refresh_conditions(pod, when)
    return None


def _status_entry(pod: dict[str, Any], container_name: str, ephemeral: bool = False) -> dict[str, Any] | None:
    field = "ephemeralContainerStatuses" if ephemeral else "containerStatuses"
    return next((e for e in pod["status"].get(field, []) if e["name"] == container_name), None)


def _waiting_reason(entry: dict[str, Any]) -> str | None:
    """The reason of a container status that is Waiting (None otherwise)."""
    return (entry["state"].get("waiting") or {}).get("reason")


def _seconds_between(start: str | None, end: str | None) -> float:
    try:
        return (datetime.fromisoformat(str(end).replace("Z", "+00:00"))
                - datetime.fromisoformat(str(start).replace("Z", "+00:00"))).total_seconds()
    except ValueError:
        return 0.0


def crash_once(pod: dict[str, Any], container_name: str, when: datetime | None = None) -> None:
    moment = when or datetime.now(UTC)
    finished = now_iso(moment)
    meta = pod["metadata"]
    for entry in pod["status"].get("containerStatuses", []):
        if entry["name"] != container_name:
            continue
        restarts = int(entry.get("restartCount", 0)) + 1
        backoff = min(10 * 2 ** min(restarts - 1, 5), 300)
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
                                      "message": back_off_message(pod, container_name, backoff)}}
        entry["ready"] = False
        entry["started"] = False
    refresh_conditions(pod, finished)
