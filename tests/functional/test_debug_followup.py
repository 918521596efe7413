"""After the form: a debug container that never runs says what stays on the cluster."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import RadioSet

from helpers.browser import wait_for
from helpers.debug_ui import app_for, notifications, open_form, pod_of
from tui.demo.cluster import DemoCluster
from tui.screens.confirm_modal import ConfirmModal
from tui.screens.debug_form_modal import DebugFormModal
from tui.screenshots import choose_mode

pytestmark = pytest.mark.usefixtures("private_files")  # Ephemera's config.toml and audit log under tmp_path

NONROOT = ("default", "nonroot-app")


async def _create(pilot: Any, form: DebugFormModal, *, copy: bool) -> None:
    if copy:
        await choose_mode(pilot, form, 2, settle=False)
        await wait_for(pilot, lambda: form.query_one(RadioSet).pressed_index == 2, what="copy mode")
        await wait_for(pilot, lambda: form.plan is not None and form.plan.pod_copy is not None, what="copy plan")
    await pilot.press("ctrl+s")
    # the pre-flight said so (busybox runs as root in a runAsNonRoot pod): ctrl+s asks first
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmModal), what="the pre-flight's question")
    assert "pre-flight failed: runAsNonRoot" in " ".join(pilot.app.screen.reasons)
    await pilot.press("y")
    await wait_for(pilot, lambda: not isinstance(pilot.app.screen, (DebugFormModal, ConfirmModal)), timeout=30,
                   what="form closed")


async def test_a_copy_that_cannot_start_is_said_to_stay_with_how_to_delete_it(demo_cluster: DemoCluster) -> None:
    app = app_for(demo_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot, NONROOT)  # runAsNonRoot pod, busybox runs as root
        await _create(pilot, form, copy=True)
        await wait_for(pilot, lambda: any("CreateContainerConfigError" in n for n in notifications(app)),
                       timeout=30, what="stuck notice")
        (notice,) = [n for n in notifications(app) if "CreateContainerConfigError" in n]
        copy_name = notice.split("The copy default/", 1)[1].split()[0]
        assert "stays: delete it with C (cleanup)" in notice
        assert pod_of(demo_cluster, "default", copy_name) is not None


async def test_an_ephemeral_container_that_cannot_start_is_said_to_stay(demo_cluster: DemoCluster) -> None:
    app = app_for(demo_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot, NONROOT)
        name = form.plan.container_name
        await _create(pilot, form, copy=False)
        await wait_for(pilot, lambda: any("CreateContainerConfigError" in n for n in notifications(app)),
                       timeout=30, what="stuck notice")
        assert any(f"Ephemeral containers cannot be removed: {name} stays in default/nonroot-app" in n
                   for n in notifications(app))


async def test_replace_whose_delete_is_refused_says_the_copy_stays(demo_cluster: DemoCluster) -> None:
    from textual.widgets import Checkbox

    demo_cluster.faults.deny("delete", "pods")
    app = app_for(demo_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        await choose_mode(pilot, form, 2, settle=False)
        await wait_for(pilot, lambda: form.plan is not None and form.plan.pod_copy is not None, what="copy plan")
        form.query_one("#replace", Checkbox).value = True
        await wait_for(pilot, lambda: form.plan is not None and form.plan.requires_confirmation, what="replace")
        copy_name = form.plan.pod_name
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="confirmation")
        await pilot.press("y")
        await wait_for(pilot, lambda: "Refused: 403" in form.error_text, timeout=30, what="the refused delete")
        assert f"Already created: {copy_name}: it stays until you delete it" in form.error_text
        assert pod_of(demo_cluster, "default", copy_name) is not None
        assert pod_of(demo_cluster, "default", "slim-79487d6484-h4rss") is not None
