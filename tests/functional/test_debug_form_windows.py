"""The debug form on a Windows node and in the modes without a target (issue 12, item 5): a
Linux-only image on a Windows node is a failed pre-flight check saying what to pick, as a real
cluster would fail to pull it; shared network shows no target and plans none. Real demo cluster."""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox, Input

from helpers.browser import screen_text, wait_for
from helpers.debug_ui import app_for, open_form, preflight_text, preview, settle_preflight
from tui.debug.request import Mode
from tui.demo.cluster import DemoCluster
from tui.screens.debug_form_modal import DebugFormModal

pytestmark = pytest.mark.usefixtures("private_files")  # Ephemera's config.toml and audit log under tmp_path

WINDOWS_POD = ("default", "win-iis-6b7d8c9f5-q7rtz")  # on demo-win-1 (Windows Server 2019)


async def test_a_linux_image_on_a_windows_node_fails_the_preflight_and_a_windows_image_passes(
        shared_cluster: DemoCluster) -> None:
    app = app_for(shared_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot, WINDOWS_POD)
        assert form.mode is Mode.SHARED_NETWORK  # a Windows node shares no PID namespace
        text = preflight_text(form)
        assert ("fail image OS: image 'busybox' is Linux-only and demo-win-1 runs Windows: the kubelet cannot "
                "pull it (no matching manifest for windows/amd64: ErrImagePull)") in text
        assert "-> pick a Windows image (e.g. mcr.microsoft.com/windows/nanoserver:ltsc2019" in text
        await wait_for(pilot, lambda: "✘ pre-flight: 1 failed: image OS" in screen_text(app), what="the summary")

        form.query_one("#image", Input).value = "mcr.microsoft.com/windows/nanoserver:ltsc2019"
        await settle_preflight(pilot, form)
        text = preflight_text(form)
        assert "ok image OS: image 'mcr.microsoft.com/windows/nanoserver:ltsc2019' is a Windows image" in text
        assert not [line for line in text.splitlines() if line.startswith("fail")], text


async def test_shared_network_shows_and_plans_no_target(shared_cluster: DemoCluster) -> None:
    app = app_for(shared_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)  # slim: targeted on app
        await wait_for(pilot, lambda: "app (running)" in screen_text(app), what="the target shown")
        await pilot.press("up")  # the mode list has the focus: shared network
        await wait_for(pilot, lambda: form.mode is Mode.SHARED_NETWORK and form.request is not None
                       and form.request.mode is Mode.SHARED_NETWORK, what="shared network planned")
        await wait_for(pilot, lambda: "app (running)" not in screen_text(app), what="no target on screen")
        assert not form.query_one("#target-field").display
        assert "target filesystem" not in screen_text(app)  # no box for a target there is none of
        assert form.request is not None and form.request.target is None
        assert form.plan is not None and form.plan.container is not None
        assert "targetContainerName" not in form.plan.container
        assert "--target" not in preview(form)
        assert "Ctrl+S creates: Shared network ·" in screen_text(app)

        await pilot.press("down", "down")  # copy and share: a target only for the target filesystem helper
        await wait_for(pilot, lambda: form.mode is Mode.COPY and "--copy-to=" in preview(form), what="copy mode")
        assert not form.query_one("#target-field").display
        assert "target filesystem" in screen_text(app)
        form.query_one("#target-fs", Checkbox).value = True
        await wait_for(pilot, lambda: "app (running)" in screen_text(app), what="the helper's container shown")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, DebugFormModal), what="form closed")
