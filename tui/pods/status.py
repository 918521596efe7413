"""kubectl's pod columns (READY, STATUS, RESTARTS, AGE) computed from plain pod dicts.

A faithful port of `printPod` in kubernetes `pkg/printers/internalversion/printers.go` and of
`duration.HumanDuration` in apimachinery `pkg/util/duration`. Everything here works on the
plain JSON of a pod (camelCase keys), never on the client's models, and does no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

__all__ = [
    "EphemeralStates",
    "PodColumns",
    "ephemeral_states",
    "ephemeral_summary",
    "format_age",
    "human_duration",
    "parse_timestamp",
    "pod_columns",
    "pod_ready",
    "pod_restarts",
    "pod_status_reason",
]

# pkg/util/node.NodeUnreachablePodReason
NODE_UNREACHABLE_POD_REASON = "NodeLost"
SCHEDULING_GATED = "SchedulingGated"

Timestamp = str | datetime | None


@dataclass(frozen=True)
class PodColumns:
    """The values kubectl prints for one pod (wide columns included)."""

    name: str
    ready: str
    status: str
    restarts: str
    age: str
    ip: str
    node: str
    nominated_node: str
    readiness_gates: str

    @property
    def cells(self) -> list[str]:
        """The five default columns, in kubectl's order."""
        return [self.name, self.ready, self.status, self.restarts, self.age]

    @property
    def wide_cells(self) -> list[str]:
        """All nine columns of `kubectl get pods -o wide`."""
        return [*self.cells, self.ip, self.node, self.nominated_node, self.readiness_gates]


@dataclass(frozen=True)
class _Summary:
    ready: int
    total: int
    reason: str
    restarts: int
    last_restart: datetime | None


def parse_timestamp(value: Timestamp) -> datetime | None:
    """An RFC 3339 timestamp (as the API serialises it) or a datetime, as an aware datetime."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def human_duration(seconds_total: float) -> str:
    """apimachinery's `duration.HumanDuration` for a duration given in seconds."""
    seconds = int(seconds_total)  # Go's int(d.Seconds()) truncates toward zero
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 60 * 2:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        rest = seconds % 60
        return f"{minutes}m" if rest == 0 else f"{minutes}m{rest}s"
    if minutes < 60 * 3:
        return f"{minutes}m"
    hours = seconds // 3600
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h" if rest == 0 else f"{hours}h{rest}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        rest = hours % 24
        return f"{hours // 24}d" if rest == 0 else f"{hours // 24}d{rest}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        days = (hours // 24) % 365
        years = hours // 24 // 365
        return f"{years}y" if days == 0 else f"{years}y{days}d"
    return f"{hours // 24 // 365}y"


def _now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    return now if now.tzinfo is not None else now.replace(tzinfo=UTC)


def format_age(timestamp: Timestamp, now: datetime | None = None) -> str:
    """kubectl's `translateTimestampSince`: `<unknown>` for a missing time, else HumanDuration."""
    moment = parse_timestamp(timestamp)
    if moment is None:
        return "<unknown>"
    return human_duration((_now(now) - moment).total_seconds())


def _is_restartable_init(container: dict[str, Any] | None) -> bool:
    return container is not None and container.get("restartPolicy") == "Always"


def _condition_true(pod: dict[str, Any], condition_type: str) -> bool:
    for condition in (pod.get("status") or {}).get("conditions") or []:
        if condition.get("type") == condition_type and condition.get("status") == "True":
            return True
    return False


def _later(current: datetime | None, candidate: Timestamp) -> datetime | None:
    moment = parse_timestamp(candidate)
    if moment is None:
        return current
    if current is None or current < moment:
        return moment
    return current


def _last_terminated_finish(status: dict[str, Any]) -> tuple[bool, Timestamp]:
    terminated = (status.get("lastState") or {}).get("terminated")
    if terminated is None:
        return False, None
    return True, terminated.get("finishedAt")


def _terminated_reason(terminated: dict[str, Any], prefix: str = "") -> str:
    reason = terminated.get("reason") or ""
    if reason:
        return prefix + reason
    signal = int(terminated.get("signal") or 0)
    if signal != 0:
        return f"{prefix}Signal:{signal}"
    return f"{prefix}ExitCode:{int(terminated.get('exitCode') or 0)}"


def _summarize(pod: dict[str, Any]) -> _Summary:
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    metadata = pod.get("metadata") or {}

    restarts = 0
    restartable_restarts = 0
    total = len(spec.get("containers") or [])
    ready = 0
    last_restart: datetime | None = None
    last_restartable_restart: datetime | None = None

    phase = status.get("phase") or ""
    reason = phase
    if status.get("reason"):
        reason = status["reason"]

    for condition in status.get("conditions") or []:
        if condition.get("type") == "PodScheduled" and condition.get("reason") == SCHEDULING_GATED:
            reason = SCHEDULING_GATED

    init_specs = spec.get("initContainers") or []
    init_by_name: dict[str, dict[str, Any]] = {}
    for container in init_specs:
        init_by_name[container.get("name", "")] = container
        if _is_restartable_init(container):
            total += 1

    initializing = False
    for index, container in enumerate(status.get("initContainerStatuses") or []):
        state = container.get("state") or {}
        restart_count = int(container.get("restartCount") or 0)
        restarts += restart_count
        has_last, finished = _last_terminated_finish(container)
        if has_last:
            last_restart = _later(last_restart, finished)
        restartable = _is_restartable_init(init_by_name.get(container.get("name", "")))
        if restartable:
            restartable_restarts += restart_count
            if has_last:
                last_restartable_restart = _later(last_restartable_restart, finished)
        terminated = state.get("terminated")
        waiting = state.get("waiting")
        if terminated is not None and int(terminated.get("exitCode") or 0) == 0:
            continue
        if restartable and container.get("started") is True:
            if container.get("ready"):
                ready += 1
            continue
        if terminated is not None:
            reason = _terminated_reason(terminated, "Init:")
        elif waiting is not None and waiting.get("reason") and waiting["reason"] != "PodInitializing":
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{index}/{len(init_specs)}"
        initializing = True
        break

    if not initializing or _condition_true(pod, "Initialized"):
        restarts = restartable_restarts
        last_restart = last_restartable_restart
        has_running = False
        for container in reversed(status.get("containerStatuses") or []):
            state = container.get("state") or {}
            restarts += int(container.get("restartCount") or 0)
            has_last, finished = _last_terminated_finish(container)
            if has_last:
                last_restart = _later(last_restart, finished)
            waiting = state.get("waiting")
            terminated = state.get("terminated")
            if waiting is not None and waiting.get("reason"):
                reason = waiting["reason"]
            elif terminated is not None:
                reason = _terminated_reason(terminated)
            elif container.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if _condition_true(pod, "Ready") else "NotReady"

    if metadata.get("deletionTimestamp") and status.get("reason") == NODE_UNREACHABLE_POD_REASON:
        reason = "Unknown"
    elif metadata.get("deletionTimestamp") and phase not in ("Succeeded", "Failed"):
        reason = "Terminating"

    return _Summary(ready=ready, total=total, reason=reason, restarts=restarts, last_restart=last_restart)


def pod_summary(pod: dict[str, Any]) -> tuple[int, int, str, int, datetime | None]:
    """READY's two numbers, STATUS, the restart count and the last restart's time, in one pass:
    (ready, total, reason, restarts, last_restart)."""
    summary = _summarize(pod)
    return summary.ready, summary.total, summary.reason, summary.restarts, summary.last_restart


def pod_status_reason(pod: dict[str, Any]) -> str:
    """kubectl's STATUS column (e.g. `Running`, `Init:1/2`, `CrashLoopBackOff`, `Terminating`)."""
    return _summarize(pod).reason


def pod_ready(pod: dict[str, Any]) -> str:
    """kubectl's READY column, e.g. `1/2` (restartable init containers count; ephemeral ones do not)."""
    summary = _summarize(pod)
    return f"{summary.ready}/{summary.total}"


def _restarts_text(summary: _Summary, now: datetime | None) -> str:
    if summary.restarts != 0 and summary.last_restart is not None:
        return f"{summary.restarts} ({format_age(summary.last_restart, now)} ago)"
    return str(summary.restarts)


def pod_restarts(pod: dict[str, Any], now: datetime | None = None) -> str:
    """kubectl's RESTARTS column, e.g. `0` or `5 (2m ago)`; `now` defaults to the current time."""
    return _restarts_text(_summarize(pod), now)


def _readiness_gates(pod: dict[str, Any]) -> str:
    gates = (pod.get("spec") or {}).get("readinessGates") or []
    if not gates:
        return "<none>"
    conditions = (pod.get("status") or {}).get("conditions") or []
    true_count = 0
    for gate in gates:
        for condition in conditions:
            if condition.get("type") == gate.get("conditionType"):
                if condition.get("status") == "True":
                    true_count += 1
                break
    return f"{true_count}/{len(gates)}"


def pod_columns(pod: dict[str, Any], now: datetime | None = None) -> PodColumns:
    """Every column of `kubectl get pods -o wide` for one pod, computed in one pass."""
    summary = _summarize(pod)
    metadata = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    pod_ips = status.get("podIPs") or []
    ip = (pod_ips[0].get("ip") if pod_ips else "") or "<none>"
    return PodColumns(
        name=metadata.get("name", ""),
        ready=f"{summary.ready}/{summary.total}",
        status=summary.reason,
        restarts=_restarts_text(summary, now),
        age=format_age(metadata.get("creationTimestamp"), now),
        ip=ip,
        node=spec.get("nodeName") or "<none>",
        nominated_node=status.get("nominatedNodeName") or "<none>",
        readiness_gates=_readiness_gates(pod),
    )


def ephemeral_summary(pod: dict[str, Any]) -> tuple[int, int]:
    """(ephemeral containers in the spec, how many of them are running now)."""
    summary = ephemeral_states(pod)
    return summary.count, summary.running


# Waiting reasons that are the normal way to start, not trouble.
STARTING_REASONS = frozenset({"", "ContainerCreating", "PodInitializing"})


@dataclass(frozen=True)
class EphemeralStates:
    """The EPH column's facts: how many debug containers, how many run, and the worst of the rest:
    `trouble` a waiting reason that is not a normal start (ImagePullBackOff,
    CreateContainerConfigError...), else `starting` (still creating), else `exited` (the exit code of
    the last one that ended; None when none did)."""

    count: int
    running: int = 0
    trouble: str = ""
    starting: int = 0
    exited: int | None = None


NO_EPHEMERAL = EphemeralStates(0)


def ephemeral_states(pod: dict[str, Any]) -> EphemeralStates:
    names = [c.get("name") for c in (pod.get("spec") or {}).get("ephemeralContainers") or []]
    if not names:
        return NO_EPHEMERAL
    statuses = {s.get("name"): s for s in (pod.get("status") or {}).get("ephemeralContainerStatuses") or []}
    running = starting = 0
    trouble = ""
    exited: int | None = None
    last_finish = ""
    for name in names:
        state = (statuses.get(name) or {}).get("state") or {}
        if state.get("running") is not None:
            running += 1
        elif state.get("terminated") is not None:
            terminated = state["terminated"]
            finished = str(terminated.get("finishedAt") or "")
            if exited is None or finished >= last_finish:
                exited, last_finish = int(terminated.get("exitCode") or 0), finished
        else:
            reason = str((state.get("waiting") or {}).get("reason") or "")
            if reason in STARTING_REASONS:
                starting += 1
            elif not trouble:
                trouble = reason
    return EphemeralStates(len(names), running, trouble, starting, exited)
