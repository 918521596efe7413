"""`python -m tui.screenshots`: the plain attach shot shows `ps` in the plain mode (the form opens a
running pod in targeted mode, so the shot must choose its mode)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.debug_ui import app_for
from tui.demo.cluster import DemoCluster
from tui.screenshots import pane_text, shot_attach_plain

pytestmark = pytest.mark.usefixtures("private_files")  # Ephemera's config.toml and audit log under tmp_path


async def test_the_plain_shot_shows_only_the_debuggers_processes(demo_cluster: DemoCluster, tmp_path: Path,
                                                                 private_files: Path) -> None:
    app = app_for(demo_cluster, demo=True)
    async with app.run_test(size=(120, 40)) as pilot:
        [plain] = await shot_attach_plain(pilot, tmp_path)
        ps = pane_text(app.browser.sessions.panes[-1])
        assert "PID" in ps and "http.server" not in ps, ps  # plain: only the debugger's own processes
        assert "http.server" not in plain.read_text().replace("\xa0", " ")
