"""The debug form's advice is right and current (issue 12, item 6): a static pod's refusal says
what is wrong and what to do (there is no field to fix), and a refusal leaves the screen once
the values change. Against the real demo cluster."""

from __future__ import annotations

import pytest

from helpers.browser import screen_text, wait_for
from helpers.debug_ui import app_for, open_form, select
from tui.debug.request import Mode
from tui.demo.cluster import DemoCluster
from tui.screens.confirm_modal import ConfirmModal
from tui.screens.debug_form_modal import DebugFormModal

pytestmark = pytest.mark.usefixtures("private_files")  # Ephemera's config.toml and audit log under tmp_path

STATIC = ("kube-system", "kube-apiserver-demo-node-1")


async def test_a_static_pods_refusal_is_explained_and_clears_when_the_mode_changes(
        shared_cluster: DemoCluster) -> None:
    app = app_for(shared_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, STATIC)
        form = await open_form(pilot, STATIC)
        assert form.mode is not Mode.COPY
        await pilot.press("ctrl+s")  # the pre-flight failed: it asks; create anyway, the server refuses
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmModal), what="the question")
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is form and "Refused: 422" in form.error_text, timeout=30,
                       what="the refusal")
        error = " ".join(form.error_text.split())
        assert "static pods do not support ephemeral containers" in error
        assert "fix the field" not in error  # the message names none
        assert ("a static (mirror) pod cannot get ephemeral containers (the kubelet runs it from a file on its "
                "node): debug a copy of it (the Copy and share mode) or the node itself (kubectl debug "
                "node/NODE -it --image=busybox)") in error
        assert "Refused: 422" in screen_text(app)

        form.query_one("#mode").focus()
        await pilot.press("down")  # Copy and share: the refusal was about the other mode
        await wait_for(pilot, lambda: form.mode is Mode.COPY, what="copy mode")
        await wait_for(pilot, lambda: form.error_text == "" and not form.query_one("#form-error").display,
                       what="the stale refusal gone")
        assert "Refused" not in screen_text(app)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, DebugFormModal), what="form closed")
