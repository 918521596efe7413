"""SVG snapshot of the logs view: the CrashLoopBackOff pod's previous run (`p`), a search's
highlights. Deterministic as the browser snapshots are (helpers.snapshots: the scenario seeded at
a fixed "now", the crash loop held, a fixed server address). Update after looking at it:
`.venv/bin/pytest tests/functional/test_logs_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from helpers.browser import row_names, wait_for
from helpers.snapshots import served_at, snapshot_app
from tui.demo.cluster import DemoCluster
from tui.screens.logs_screen import LogsScreen

pytestmark = pytest.mark.usefixtures("private_files")  # Ephemera's config.toml and audit log under tmp_path

CRASHLOOP = ("default", "payments-api-7c9d8f6b5-x2kqp")


async def _previous_logs_searched(pilot: Pilot) -> None:
    app: Any = pilot.app
    browser = app.browser
    await wait_for(pilot, lambda: CRASHLOOP[1] in row_names(app), what="rows")
    browser.table.select_key(CRASHLOOP)
    await wait_for(pilot, lambda: browser.table.selected_key == CRASHLOOP, what="selection")
    await pilot.press("p")
    await wait_for(pilot, lambda: isinstance(app.screen, LogsScreen), what="the logs view")
    screen = app.screen
    await wait_for(pilot, lambda: screen.state == "shown", timeout=30, what="the previous run's log")
    await pilot.press("t", "slash", *"connect", "enter")
    await wait_for(pilot, lambda: screen.view.search_term == "connect", what="the search")


def test_logs_view_120x40(snapshot_cluster: DemoCluster, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(snapshot_app(snapshot_cluster.kubeconfig_path), terminal_size=(120, 40),  # type: ignore[attr-defined]
                        run_before=served_at("https://127.0.0.1:47341", _previous_logs_searched))
