"""The debug form against a 1.21 server (the legacy EphemeralContainers API), as a user sees it."""

from __future__ import annotations

import pytest

from helpers.browser import wait_for
from helpers.debug_ui import SLIM, app_for, audit_entries, open_form, pod_of, preflight_text
from tui.demo.cluster import DemoCluster
from tui.demo.routes.legacy_api import enable_legacy_api
from tui.screens.debug_form_modal import DebugFormModal

pytestmark = pytest.mark.usefixtures("private_files")  # Ephemera's config.toml and audit log under tmp_path


async def test_form_on_a_legacy_server_explains_it_and_creates_through_the_old_api(
        demo_cluster: DemoCluster) -> None:
    enable_legacy_api(demo_cluster)
    app = app_for(demo_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(pilot)
        text = preflight_text(form)
        assert "warn server version: v1.21.14" in text and "legacy EphemeralContainers" in text
        assert "ok server dry run: admitted" in text
        name = form.plan.container_name
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, DebugFormModal), timeout=30, what="form closed")
        pod = pod_of(demo_cluster, *SLIM)
        assert [c["name"] for c in pod["spec"]["ephemeralContainers"]] == [name]
        sessions = app.browser.sessions
        await wait_for(pilot, lambda: any(p.target.container == name for p in sessions.panes), timeout=30,
                       what="the attach pane")
        assert [(e.action, e.ok) for e in audit_entries()] == [("ephemeral-container-added", True)]
