"""kubectl's READY / STATUS / RESTARTS / AGE columns, case by case as `kubectl get pods` prints them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tui.pods.rows import eph_cell
from tui.pods.status import (
    ephemeral_states,
    ephemeral_summary,
    format_age,
    human_duration,
    pod_columns,
    pod_ready,
    pod_restarts,
    pod_status_reason,
)

NOW = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)


def ts(seconds_ago: float) -> str:
    return (NOW - timedelta(seconds=seconds_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def running(ready: bool = True, restarts: int = 0, name: str = "app", **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "ready": ready,
        "restartCount": restarts,
        "state": {"running": {"startedAt": ts(60)}},
        **extra,
    }


def waiting(reason: str, name: str = "app", restarts: int = 0, **extra: Any) -> dict[str, Any]:
    return {"name": name, "ready": False, "restartCount": restarts, "state": {"waiting": {"reason": reason}}, **extra}


def terminated(name: str = "app", exit_code: int = 0, reason: str = "", signal: int = 0) -> dict[str, Any]:
    term: dict[str, Any] = {"exitCode": exit_code}
    if reason:
        term["reason"] = reason
    if signal:
        term["signal"] = signal
    return {"name": name, "ready": False, "restartCount": 0, "state": {"terminated": term}}


def pod(
    containers: int = 1,
    statuses: list[dict[str, Any]] | None = None,
    phase: str = "Running",
    init: list[dict[str, Any]] | None = None,
    init_statuses: list[dict[str, Any]] | None = None,
    conditions: list[dict[str, Any]] | None = None,
    **meta: Any,
) -> dict[str, Any]:
    return {
        "metadata": {"name": "web", "creationTimestamp": ts(300), **meta},
        "spec": {
            "containers": [{"name": f"c{i}"} for i in range(containers)],
            "initContainers": init or [],
        },
        "status": {
            "phase": phase,
            "conditions": conditions or [],
            "containerStatuses": statuses or [],
            "initContainerStatuses": init_statuses or [],
        },
    }


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (-5, "<invalid>"),
        (-1, "0s"),
        (0, "0s"),
        (5, "5s"),
        (119, "119s"),
        (120, "2m"),
        (200, "3m20s"),
        (599, "9m59s"),
        (600, "10m"),
        (179 * 60, "179m"),
        (3 * 3600, "3h"),
        (3 * 3600 + 25 * 60, "3h25m"),
        (8 * 3600, "8h"),
        (47 * 3600, "47h"),
        (48 * 3600, "2d"),
        (3 * 86400 + 4 * 3600, "3d4h"),
        (8 * 86400, "8d"),
        (45 * 86400, "45d"),
        (729 * 86400, "729d"),
        (730 * 86400, "2y"),
        (3 * 365 * 86400 + 10 * 86400, "3y10d"),
        (9 * 365 * 86400, "9y"),
    ],
)
def test_human_duration_matches_kubectl(seconds: float, expected: str) -> None:
    assert human_duration(seconds) == expected


def test_format_age_accepts_strings_and_datetimes() -> None:
    assert format_age(ts(200), NOW) == "3m20s"
    assert format_age(NOW - timedelta(days=3, hours=4), NOW) == "3d4h"
    assert format_age(None, NOW) == "<unknown>"
    assert format_age("2025-06-01T11:59:55.123456+00:00", NOW) == "4s"


@pytest.mark.parametrize(
    ("the_pod", "status", "ready"),
    [
        (pod(statuses=[running()]), "Running", "1/1"),
        (pod(containers=2, statuses=[running(name="c0"), running(ready=False, name="c1")]), "Running", "1/2"),
        (pod(statuses=[waiting("ContainerCreating")], phase="Pending"), "ContainerCreating", "0/1"),
        (pod(statuses=[waiting("CrashLoopBackOff", restarts=5)]), "CrashLoopBackOff", "0/1"),
        (pod(statuses=[waiting("ImagePullBackOff")], phase="Pending"), "ImagePullBackOff", "0/1"),
        (pod(statuses=[terminated(reason="Completed")], phase="Succeeded"), "Completed", "0/1"),
        (pod(statuses=[terminated(reason="OOMKilled", exit_code=137)], phase="Failed"), "OOMKilled", "0/1"),
        (pod(statuses=[terminated(exit_code=3)], phase="Failed"), "ExitCode:3", "0/1"),
        (pod(statuses=[terminated(exit_code=137, signal=9)], phase="Failed"), "Signal:9", "0/1"),
        (pod(statuses=[], phase="Pending"), "Pending", "0/1"),
    ],
)
def test_status_and_ready_columns(the_pod: dict[str, Any], status: str, ready: str) -> None:
    assert pod_status_reason(the_pod) == status
    assert pod_ready(the_pod) == ready


def test_first_container_reason_wins() -> None:
    the_pod = pod(containers=2, statuses=[waiting("CrashLoopBackOff", name="c0"), waiting("ErrImagePull", name="c1")])
    assert pod_status_reason(the_pod) == "CrashLoopBackOff"


def test_completed_sidecar_with_running_container_shows_running_or_notready() -> None:
    statuses = [running(name="c0"), terminated(name="c1", reason="Completed")]
    ready_cond = [{"type": "Ready", "status": "True"}]
    assert pod_status_reason(pod(containers=2, statuses=statuses, conditions=ready_cond)) == "Running"
    assert pod_status_reason(pod(containers=2, statuses=statuses)) == "NotReady"


def test_init_containers_progress_and_failures() -> None:
    init = [{"name": "i0"}, {"name": "i1"}]
    done = terminated(name="i0", reason="Completed")
    base = {"containers": 1, "init": init, "phase": "Pending", "statuses": [waiting("PodInitializing", name="c0")]}
    assert pod_status_reason(pod(**base, init_statuses=[done, running(name="i1", ready=False)])) == "Init:1/2"
    assert pod_status_reason(pod(**base, init_statuses=[waiting("PodInitializing", name="i0")])) == "Init:0/2"
    crash = waiting("CrashLoopBackOff", name="i1", restarts=3)
    assert pod_status_reason(pod(**base, init_statuses=[done, crash])) == "Init:CrashLoopBackOff"
    assert pod_status_reason(pod(**base, init_statuses=[terminated(name="i0", exit_code=2)])) == "Init:ExitCode:2"
    assert pod_status_reason(pod(**base, init_statuses=[terminated(name="i0", exit_code=1, signal=15)])) == "Init:Signal:15"
    assert pod_status_reason(pod(**base, init_statuses=[terminated(name="i0", exit_code=1, reason="Error")])) == "Init:Error"


def test_init_restarts_count_while_initializing() -> None:
    crash = waiting("CrashLoopBackOff", name="i0", restarts=4)
    crash["lastState"] = {"terminated": {"exitCode": 1, "finishedAt": ts(120)}}
    the_pod = pod(init=[{"name": "i0"}], init_statuses=[crash], phase="Pending")
    assert pod_restarts(the_pod, NOW) == "4 (2m ago)"


def test_sidecar_init_container_counts_towards_ready() -> None:
    init = [{"name": "proxy", "restartPolicy": "Always"}]
    side = running(name="proxy", started=True)
    the_pod = pod(init=init, init_statuses=[side], statuses=[running(name="c0")],
                  conditions=[{"type": "Initialized", "status": "True"}])
    assert pod_ready(the_pod) == "2/2"
    assert pod_status_reason(the_pod) == "Running"


def test_restarts_show_when_the_last_one_was() -> None:
    status = waiting("CrashLoopBackOff", restarts=5)
    status["lastState"] = {"terminated": {"exitCode": 1, "finishedAt": ts(125)}}
    assert pod_restarts(pod(statuses=[status]), NOW) == "5 (2m5s ago)"
    assert pod_restarts(pod(statuses=[running(restarts=2)]), NOW) == "2"
    assert pod_restarts(pod(statuses=[running()]), NOW) == "0"


def test_restarts_sum_over_containers_and_take_the_latest_time() -> None:
    a = running(name="c0", restarts=1, lastState={"terminated": {"exitCode": 1, "finishedAt": ts(3 * 3600)}})
    b = running(name="c1", restarts=2, lastState={"terminated": {"exitCode": 1, "finishedAt": ts(40)}})
    assert pod_restarts(pod(containers=2, statuses=[a, b]), NOW) == "3 (40s ago)"


def test_terminating_unknown_and_scheduling_gated() -> None:
    assert pod_status_reason(pod(statuses=[running()], deletionTimestamp=ts(0))) == "Terminating"
    done = pod(statuses=[terminated(reason="Completed")], phase="Succeeded", deletionTimestamp=ts(0))
    assert pod_status_reason(done) == "Completed"
    lost = pod(statuses=[running()], deletionTimestamp=ts(0))
    lost["status"]["reason"] = "NodeLost"
    assert pod_status_reason(lost) == "Unknown"
    gated = pod(phase="Pending", conditions=[{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}])
    assert pod_status_reason(gated) == "SchedulingGated"
    evicted = pod(phase="Failed")
    evicted["status"]["reason"] = "Evicted"
    assert pod_status_reason(evicted) == "Evicted"


def test_ephemeral_containers_do_not_count_but_are_summarised() -> None:
    the_pod = pod(statuses=[running()])
    the_pod["spec"]["ephemeralContainers"] = [{"name": "debugger-abcde"}, {"name": "debugger-fghjk"}]
    the_pod["status"]["ephemeralContainerStatuses"] = [
        {"name": "debugger-abcde", "state": {"running": {}}, "ready": False, "restartCount": 0},
        {"name": "debugger-fghjk", "state": {"terminated": {"exitCode": 0}}, "ready": False, "restartCount": 0},
    ]
    assert pod_ready(the_pod) == "1/1"
    assert pod_status_reason(the_pod) == "Running"
    assert ephemeral_summary(the_pod) == (2, 1)
    assert ephemeral_summary(pod()) == (0, 0)


def _with_debuggers(*states: dict) -> dict:
    the_pod = pod(statuses=[running()])
    names = [f"debugger-{i}" for i in range(len(states))]
    the_pod["spec"]["ephemeralContainers"] = [{"name": name} for name in names]
    the_pod["status"]["ephemeralContainerStatuses"] = [
        {"name": name, "state": state, "ready": False, "restartCount": 0} for name, state in zip(names, states, strict=True)
    ]
    return the_pod


@pytest.mark.parametrize(("states", "cell"), [
    ([{"running": {}}], "1 ● 1 running"),
    ([{"waiting": {"reason": "ImagePullBackOff"}}], "1 ✘ ImagePullBackOff"),
    ([{"waiting": {"reason": "CreateContainerConfigError"}}, {"running": {}}], "2 ● 1 running ✘ CreateContainerConfigError"),
    ([{"waiting": {"reason": "ContainerCreating"}}], "1 … starting"),
    ([{}], "1 … starting"),  # no status yet: the kubelet has not seen it
    ([{"terminated": {"exitCode": 0, "finishedAt": "2026-01-01T00:00:00Z"}}], "1 ■ exited 0"),
    ([{"terminated": {"exitCode": 0, "finishedAt": "2026-01-01T00:00:00Z"}},
      {"terminated": {"exitCode": 137, "finishedAt": "2026-01-02T00:00:00Z"}}], "2 ■ exited 137"),  # the latest
    ([{"terminated": {"exitCode": 1}}, {"running": {}}], "2 ● 1 running"),  # an older one ended: it runs
    ([{"waiting": {"reason": "\x1b]0;x\x07Bad"}}], "1 ✘ ␛]0;x␇Bad"),  # cluster text, made visible
])
def test_the_eph_cell_names_what_keeps_a_debugger_from_running(states: list[dict], cell: str) -> None:
    assert eph_cell(ephemeral_states(_with_debuggers(*states))).plain == cell
    assert eph_cell(ephemeral_states(pod())).plain == "-"


def test_wide_columns() -> None:
    the_pod = pod(statuses=[running()])
    columns = pod_columns(the_pod, NOW)
    assert columns.wide_cells == ["web", "1/1", "Running", "0", "5m", "<none>", "<none>", "<none>", "<none>"]
    the_pod["spec"]["nodeName"] = "node-1"
    the_pod["status"]["podIPs"] = [{"ip": "10.0.0.7"}]
    the_pod["spec"]["readinessGates"] = [{"conditionType": "a"}, {"conditionType": "b"}]
    the_pod["status"]["conditions"] = [{"type": "a", "status": "True"}, {"type": "b", "status": "False"}]
    columns = pod_columns(the_pod, NOW)
    assert (columns.ip, columns.node, columns.readiness_gates) == ("10.0.0.7", "node-1", "1/2")


def test_missing_everything_does_not_crash() -> None:
    assert pod_status_reason({}) == ""
    assert pod_ready({}) == "0/0"
    assert pod_restarts({}) == "0"
