"""The copy-files modal's fields (`F`, issue 13's audit): the path field's placeholder reads as an
example, not a value; Ctrl+S with a field empty names that field and puts the focus in it."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from helpers.browser import make_app, wait_for
from helpers.debug_ui import SLIM, select
from tui.demo.cluster import DemoCluster
from tui.screens.file_copy_modal import FileCopyModal


async def test_an_empty_field_is_named_and_focused(shared_cluster: DemoCluster) -> None:
    app: Any = make_app(shared_cluster.kubeconfig_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, SLIM)
        await pilot.press("F")
        await wait_for(pilot, lambda: isinstance(app.screen, FileCopyModal), what="the copy modal")
        modal = app.screen
        remote, local = modal.query_one("#remote", Input), modal.query_one("#local", Input)
        assert remote.placeholder.startswith("path in the container, e.g. ")
        await wait_for(pilot, lambda: app.focused is remote, what="the path field focused")
        await pilot.press("tab")  # away from the empty path field: Ctrl+S brings the focus back to it
        await wait_for(pilot, lambda: app.focused is not remote, what="the focus moved on")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "path in the container" in modal.status_text, what="the missing field named")
        assert "it is empty" in modal.status_text and "local path" not in modal.status_text
        await wait_for(pilot, lambda: app.focused is remote, what="the empty field focused")
        await pilot.press(*"/etc/passwd")
        local.value = ""
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "Give the local path" in modal.status_text, what="the local path named")
        await wait_for(pilot, lambda: app.focused is local, what="the local path focused")
