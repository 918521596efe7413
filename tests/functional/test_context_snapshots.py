"""SVG snapshots of the inspector's WORKLOAD and EVENTS (the slim pod: a debugger's pull failing,
the scheduler's and the ReplicaSet's stories, put in the store through the API with times fixed
around SEED_NOW) and of the YAML view (`v`). Deterministic as the browser snapshots are
(helpers.snapshots). Update after looking at them:
`.venv/bin/pytest tests/functional/test_context_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual.pilot import Pilot

from helpers.attach import add_debug_container, request
from helpers.browser import wait_for
from helpers.snapshots import SLIM, served_at, settle, snapshot_app
from tui.demo.cluster import DemoCluster
from tui.kube.config import KubeConfig
from tui.screens.yaml_screen import YamlScreen

pytestmark = pytest.mark.usefixtures("private_files")  # Ephemera's config.toml and audit log under tmp_path

IMAGE = "example.com/debug-tools:nosuch"


def _event(name: str, involved: dict[str, Any], kind: str, reason: str, message: str, last: str, *,
           first: str = "", count: int = 1, field_path: str = "", component: str = "kubelet") -> dict[str, Any]:
    reference = {**involved, **({"fieldPath": field_path} if field_path else {})}
    return {"apiVersion": "v1", "kind": "Event", "metadata": {"name": name, "namespace": "default"},
            "involvedObject": reference, "type": kind, "reason": reason, "message": message, "count": count,
            "source": {"component": component}, "firstTimestamp": first or last, "lastTimestamp": last}


def _put_events(cluster: DemoCluster) -> None:
    """A story of the slim pod and of its ReplicaSet, through the API (a real POST per event)."""
    connection = KubeConfig.load(str(cluster.kubeconfig_path)).connect()  # type: ignore[attr-defined]
    try:
        _, pod = request(connection, "GET", f"/api/v1/namespaces/default/pods/{SLIM[1]}")
        me = {"kind": "Pod", "namespace": "default", "name": SLIM[1], "uid": pod["metadata"]["uid"]}
        owner = {"kind": "ReplicaSet", "namespace": "default", "name": "slim-79487d6484"}
        debugger = "spec.ephemeralContainers{debugger-snap}"
        for event in (
            _event("slim.1", me, "Normal", "Scheduled", f"Successfully assigned default/{SLIM[1]} to demo-node-1",
                   "2025-06-01T10:00:00Z", component="default-scheduler"),
            _event("slim.2", me, "Normal", "Pulling", f'Pulling image "{IMAGE}"', "2025-06-01T11:58:00Z",
                   first="2025-06-01T11:50:00Z", count=4, field_path=debugger),
            _event("slim.3", me, "Warning", "Failed", f'Failed to pull image "{IMAGE}": not found',
                   "2025-06-01T11:58:01Z", first="2025-06-01T11:50:01Z", count=4, field_path=debugger),
            _event("slim.4", me, "Normal", "BackOff", f'Back-off pulling image "{IMAGE}"', "2025-06-01T11:59:30Z",
                   first="2025-06-01T11:50:10Z", count=9, field_path=debugger),
            _event("rs.1", owner, "Warning", "FailedCreate", 'Error creating: pods "slim-79487d6484-x" is forbidden: '
                   'violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false',
                   "2025-06-01T11:40:00Z", component="replicaset-controller"),
        ):
            status, answer = request(connection, "POST", "/api/v1/namespaces/default/events", event)
            assert status == 201, answer
    finally:
        connection.close()


def _events_shown(cluster: DemoCluster) -> Any:
    async def run(pilot: Pilot) -> None:
        app: Any = pilot.app
        await settle(pilot)
        inspector = app.browser.inspector
        await asyncio.to_thread(_put_events, cluster)
        await wait_for(pilot, lambda: "FailedCreate" in inspector.text and "x9 over" in inspector.text,
                       what="the events in the inspector")
        app.browser.action_focus_inspector()
        await pilot.press("G")
        await pilot.pause(0.2)

    return run


async def _yaml_shown(pilot: Pilot) -> None:
    """`v` on the slim pod with a running debugger, searched to its block (the marked lines)."""
    app: Any = pilot.app
    await settle(pilot)
    connection = app.browser.connection
    await asyncio.to_thread(add_debug_container, connection, "debugger-snap", "busybox:1.36", "app", SLIM[1])
    await wait_for(pilot, lambda: "debugger-snap" in app.browser.inspector.text, what="the debugger listed")
    await pilot.press("v")
    await wait_for(pilot, lambda: isinstance(app.screen, YamlScreen) and app.screen.state == "shown"
                   and "debugger-snap" in app.screen.text, what="the YAML view")
    await pilot.press("slash", *"ephemeralContainers:", "enter")
    await wait_for(pilot, lambda: app.screen.search_term == "ephemeralContainers:", what="the search")
    await pilot.pause(0.2)


def test_inspector_events_120x40(snapshot_cluster: DemoCluster, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(snapshot_app(snapshot_cluster.kubeconfig_path), terminal_size=(120, 40),  # type: ignore[attr-defined]
                        run_before=served_at("https://127.0.0.1:47351", _events_shown(snapshot_cluster)))


def test_yaml_view_120x40(snapshot_cluster: DemoCluster, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(snapshot_app(snapshot_cluster.kubeconfig_path), terminal_size=(120, 40),  # type: ignore[attr-defined]
                        run_before=served_at("https://127.0.0.1:47352", _yaml_shown))
