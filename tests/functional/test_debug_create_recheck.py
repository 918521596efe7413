"""The debug form asks from its preview's plan, but creating reads the pod again and plans anew: a
pod replaced meanwhile (recreated under the same name, now privileged) must not get a debugger
nobody confirmed. Nothing is sent; the form says so and asks on the next create (demo cluster)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from textual.widgets import Static

from helpers.browser import wait_for
from helpers.debug_ui import SLIM, app_for, open_form, pod_of
from tui.debug.request import DebugRequest, Mode
from tui.demo.cluster import DemoCluster
from tui.kube.config import KubeConfig
from tui.kube.debug_creation import create_debug
from tui.screens.confirm_modal import ConfirmModal

pytestmark = pytest.mark.usefixtures("private_files")


def _ephemeral(cluster: DemoCluster) -> list[dict[str, Any]]:
    pod = pod_of(cluster, *SLIM) or {}
    return list((pod.get("spec") or {}).get("ephemeralContainers") or [])


def replace_with_privileged_app(cluster: DemoCluster, *, share_processes: bool = False) -> None:
    """Delete the pod and create another under its name whose container 'app' is privileged (and,
    with `share_processes`, whose containers share one PID namespace: any debugger joins it)."""
    old = pod_of(cluster, *SLIM)
    assert old is not None
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {k: v for k, v in old["metadata"].items()
                        if k in {"name", "namespace", "labels", "annotations"}},
           "spec": copy.deepcopy(old["spec"])}
    pod["spec"].pop("ephemeralContainers", None)
    pod["spec"]["containers"][0]["securityContext"] = {"privileged": True}
    if share_processes:
        pod["spec"]["shareProcessNamespace"] = True
    assert cluster.faults.delete_pod(*SLIM)
    cluster.faults.add_pod(pod)


def test_create_debug_refuses_reasons_that_were_not_confirmed(demo_cluster: DemoCluster) -> None:
    request = DebugRequest(*SLIM, container_name="dbg", mode=Mode.TARGET, target="app")
    conn = KubeConfig.load(str(demo_cluster.kubeconfig_path)).connect()
    try:
        replace_with_privileged_app(demo_cluster)  # after a preview that asked nothing
        creation = create_debug(conn, request, seed=1, confirmed=())
        assert not creation.ok and creation.execution is None
        (reason,) = creation.unconfirmed
        assert "container 'app' is privileged" in reason
        assert "changed since the preview" in creation.plan_error and "Nothing was created" in creation.plan_error
        assert _ephemeral(demo_cluster) == []
        # once the user confirmed exactly that, it goes ahead
        again = create_debug(conn, request, seed=1, confirmed=creation.unconfirmed)
        assert again.ok, again.error or again.plan_error
    finally:
        conn.close()
    assert [c["name"] for c in _ephemeral(demo_cluster)] == ["dbg"]


async def test_the_form_does_not_create_for_a_pod_replaced_after_its_preview(demo_cluster: DemoCluster) -> None:
    app = app_for(demo_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        assert form.plan is not None and not form.plan.confirmation_reasons
        replace_with_privileged_app(demo_cluster, share_processes=True)
        assert form.plan is not None and not form.plan.confirmation_reasons
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Not created" in str(form.query_one("#form-error", Static).render()),
                       timeout=30, what="the refusal")
        error = str(form.query_one("#form-error", Static).render())
        assert "changed since the preview" in error and "container 'app' is privileged" in error
        assert app.screen is form and _ephemeral(demo_cluster) == []
        # the form now plans from the pod as it is: the next create asks
        assert form.plan is not None and form.plan.confirmation_reasons
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), timeout=30, what="the question")
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is form, what="back in the form")
        assert _ephemeral(demo_cluster) == []
