"""`N` in the browser: debug the selected pod's node (real demo cluster, real app). The modal names
the node, runs the pre-flight and previews kubectl's command; Ctrl+S asks (root on the node), then a
pane attaches to the new pod, whose shell sees the node's processes and /host. A refusal stays in
the modal with what to do."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input, Select

from helpers.browser import wait_for
from helpers.debug_ui import SLIM, app_for, audit_entries, select
from helpers.session_panes import panes, run_line, wait_badge
from tui.demo.cluster import DemoCluster
from tui.screens.confirm_modal import ConfirmModal
from tui.screens.node_debug_modal import NodeDebugModal
from widgets.kubectl_preview import KubectlPreview
from widgets.preflight_list import PreflightList
from widgets.terminal.terminal_view import TerminalView

pytestmark = pytest.mark.usefixtures("private_files")  # Ephemera's config.toml and audit log under tmp_path

NODE = "demo-node-1"


async def _open(pilot: Any) -> NodeDebugModal:
    await select(pilot, SLIM)
    await pilot.press("N")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, NodeDebugModal), what="node debug modal")
    modal = pilot.app.screen
    assert isinstance(modal, NodeDebugModal)
    await wait_for(pilot, lambda: modal.preflight_done == modal.preflight_generation > 0, timeout=30,
                   what="pre-flight")
    return modal


def _reasons(app: Any) -> str:
    return str(app.screen.query_one("#confirm-reasons").render())


async def test_node_key_confirm_and_a_pane_on_the_node(demo_cluster: DemoCluster) -> None:
    app = app_for(demo_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        modal = await _open(pilot)
        assert modal.query_one("#node", Select).value == NODE  # the slim pod's node
        assert modal.query_one(KubectlPreview).command.startswith(f"kubectl debug node/{NODE} -n default -it ")
        checks = modal.query_one(PreflightList).text
        assert "ok server dry run: admitted" in checks and "fail" not in checks
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="confirmation")
        assert "host" in _reasons(app)  # root on the node: host namespaces, hostPath /
        await pilot.press("y")
        await wait_for(pilot, lambda: panes(pilot), timeout=30, what="a pane")
        pane = panes(pilot)[-1]
        assert pane.target.pod.startswith(f"node-debugger-{NODE}-") and pane.target.container == "debugger"
        await wait_badge(pilot, pane, "live", timeout=30)
        await wait_for(pilot, lambda: isinstance(app.focused, TerminalView), what="the terminal focused")
        await run_line(pilot, pane, "ps", "/usr/bin/kubelet")  # the node's processes (hostPID)
        await run_line(pilot, pane, "ls /host/etc", "os-release")  # the node's filesystem
        entry = audit_entries()[-1]
        assert entry.action == "node-debug-pod-created" and entry.ok and entry.pod == pane.target.pod


async def test_a_baseline_namespace_is_refused_in_the_modal(demo_cluster: DemoCluster) -> None:
    app = app_for(demo_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        modal = await _open(pilot)
        field = modal.query_one("#namespace", Input)
        field.value = "staging"
        await wait_for(pilot, lambda: modal.preflight_current, timeout=30, what="pre-flight of staging")
        checks = modal.query_one(PreflightList).text
        assert "fail Pod Security: namespace 'staging' enforces baseline:latest" in checks
        assert "pod-security.kubernetes.io/enforce=privileged" in checks
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="confirmation")
        assert "pre-flight failed: Pod Security" in _reasons(app)
        await pilot.press("y")  # anyway: the server refuses
        await wait_for(pilot, lambda: "Refused: 403" in modal.error_text, timeout=30, what="the refusal")
        assert "privileged" in modal.error_text
        assert app.screen is modal and not panes(pilot)


async def test_the_node_list_and_a_windows_node(demo_cluster: DemoCluster) -> None:
    app = app_for(demo_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        modal = await _open(pilot)
        await wait_for(pilot, lambda: set(modal.nodes) == {NODE, "demo-win-1"}, what="the cluster's nodes")
        modal.query_one("#node", Select).value = "demo-win-1"
        await wait_for(pilot, lambda: modal.preflight_current and modal.request is not None
                       and modal.request.node == "demo-win-1", timeout=30, what="pre-flight of the Windows node")
        assert modal.query_one(KubectlPreview).command.startswith("kubectl debug node/demo-win-1 ")
        checks = modal.query_one(PreflightList).text
        assert "fail node OS: node 'demo-win-1' runs Windows" in checks and "HostProcess" in checks


async def test_an_image_that_cannot_be_pulled_is_said_in_the_modal(demo_cluster: DemoCluster) -> None:
    app = app_for(demo_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        modal = await _open(pilot)
        modal.query_one("#image", Input).value = "registry.doesnotexist.example/tools:1.0"
        await wait_for(pilot, lambda: modal.preflight_current, timeout=30, what="pre-flight of the new image")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="confirmation")
        await pilot.press("y")
        await wait_for(pilot, lambda: "cannot be pulled" in modal.error_text, timeout=30, what="the pull failure")
        assert "the pod stays: delete it with C (cleanup) or kubectl delete pod node-debugger-" in modal.error_text
        assert app.screen is modal and not panes(pilot)


async def test_the_node_list_has_no_blank_row_once_loaded(demo_cluster: DemoCluster) -> None:
    """The issue's keys `N`, Shift+Tab twice, Enter, ↑, Enter: once the nodes are loaded the node
    list has no blank "loading nodes…" row to pick; the preview and pre-flight follow the node chosen."""
    app = app_for(demo_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        modal = await _open(pilot)
        node_select = modal.query_one("#node", Select)
        await wait_for(pilot, lambda: bool(modal.nodes), what="the nodes listed")
        await pilot.press("shift+tab", "shift+tab")
        await wait_for(pilot, lambda: app.focused is node_select, what="the node list focused")
        await pilot.press("enter")
        await wait_for(pilot, lambda: node_select.expanded, what="the node list open")
        await pilot.press("up", "enter")
        await wait_for(pilot, lambda: not node_select.expanded, what="the node list closed")
        chosen = node_select.value
        assert chosen is not Select.NULL and chosen in modal.nodes, chosen
        preview = modal.query_one(KubectlPreview)
        assert preview.command.startswith(f"kubectl debug node/{chosen} "), preview.command
        await wait_for(pilot, lambda: modal.preflight_current and modal.checked_request is not None
                       and modal.checked_request.node == chosen, timeout=30, what="the pre-flight of the chosen node")
        assert "a node name is needed" not in modal.error_text
        # a "Cannot create: …" about the values goes once they plan again
        image = modal.query_one("#image", Input)
        image.value = ""
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Cannot create" in modal.error_text, what="the plan's problem")
        image.value = "busybox:1.36"
        await wait_for(pilot, lambda: "Cannot create" not in modal.error_text, what="the problem gone with the value")
