"""The debug form asks before root on the node, whatever gives it: a capability typed in the
security overrides, the custom spec, the pod's host namespaces (real demo cluster, real app)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input, Static

from helpers.browser import wait_for
from helpers.debug_ui import SLIM, app_for, open_form, pod_of
from tui.demo.cluster import DemoCluster
from tui.screens.confirm_modal import ConfirmModal
from tui.screens.debug_form_modal import DebugFormModal

pytestmark = pytest.mark.usefixtures("private_files")  # Ephemera's config.toml and audit log under tmp_path


def _ephemeral(cluster: DemoCluster, key: tuple[str, str] = SLIM) -> list[dict[str, Any]]:
    pod = pod_of(cluster, *key) or {}
    return list((pod.get("spec") or {}).get("ephemeralContainers") or [])


def _reasons(app: Any) -> str:
    return str(app.screen.query_one("#confirm-reasons", Static).render())


async def _type(pilot: Any, form: DebugFormModal, field: str, text: str) -> None:
    """Type `text` into the field as a user would (a paste), then wait for the re-plan."""
    field_input = form.query_one(f"#{field}", Input)
    field_input.focus()
    await pilot.pause()
    field_input.insert_text_at_cursor(text)
    await wait_for(pilot, lambda: form.plan is not None and form.values() == form._planned_values,
                   what="re-planned")


async def test_a_capability_typed_in_the_overrides_asks(demo_cluster: DemoCluster) -> None:
    app = app_for(demo_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        await _type(pilot, form, "cap-add", "sys_admin")
        assert form.plan is not None and form.plan.requires_confirmation
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="confirmation")
        assert "the debug container adds capability SYS_ADMIN: root on the node (mount, namespaces" in _reasons(app)
        await pilot.press("enter")  # the focus is on Cancel
        await wait_for(pilot, lambda: app.screen is form, what="back in the form")
        assert "cancelled" in str(form.query_one("#form-status").render())
        assert _ephemeral(demo_cluster) == []
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="confirmation again")
        await pilot.press("y")
        await wait_for(pilot, lambda: not isinstance(app.screen, (DebugFormModal, ConfirmModal)), timeout=30,
                       what="created")
        (container,) = _ephemeral(demo_cluster)
        assert "SYS_ADMIN" in container["securityContext"]["capabilities"]["add"]


async def test_a_custom_spec_adding_all_asks(demo_cluster: DemoCluster) -> None:
    app = app_for(demo_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        await _type(pilot, form, "custom", "{securityContext: {capabilities: {add: [CAP_ALL]}}}")
        await pilot.press("ctrl+s")  # it asks first
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="confirmation")
        assert "adds capability ALL: every capability, root on the node" in _reasons(app)
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is form, what="back in the form")
        assert _ephemeral(demo_cluster) == []


async def test_a_pod_in_the_nodes_pid_namespace_asks(demo_cluster: DemoCluster) -> None:
    key = ("monitoring", "node-exporter-7qj4v")
    app = app_for(demo_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot, key)
        assert form.plan is not None
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="confirmation")
        reasons = _reasons(app)
        assert "the pod uses the node's PID namespace (hostPID), so the debug container does too" in reasons
        assert "the node's network (hostNetwork)" in reasons
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is form, what="back in the form")
        assert _ephemeral(demo_cluster, key) == []


async def test_the_default_debugger_is_created_without_a_question(demo_cluster: DemoCluster) -> None:
    app = app_for(demo_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        assert form.plan is not None and form.plan.confirmation_reasons == []  # general: SYS_PTRACE
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, DebugFormModal), timeout=30, what="created")
        assert not isinstance(app.screen, ConfirmModal)
        (container,) = _ephemeral(demo_cluster)
        assert container["securityContext"]["capabilities"]["add"] == ["SYS_PTRACE"]
