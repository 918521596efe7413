"""SVG snapshots of the main screen at 120x40 and 80x24 (pytest-textual-snapshot).

Deterministic: the demo cluster's scenario is seeded at a fixed "now" and the app's clock is that
same instant, with no periodic refresh; the cluster listens on a free port and the header shows a
fixed server address (helpers.snapshots). Update the baselines after looking at them:
`.venv/bin/pytest tests/functional/test_browser_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from helpers.snapshots import served_at, settle, snapshot_app
from tui.demo.cluster import DemoCluster

# each baseline shows the address its cluster once had (a fixed port); now any free port serves it


def test_main_screen_120x40(snapshot_cluster: DemoCluster, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(snapshot_app(snapshot_cluster.kubeconfig_path), terminal_size=(120, 40),  # type: ignore[attr-defined]
                        run_before=served_at("https://127.0.0.1:47311", settle))


def test_main_screen_80x24(snapshot_cluster: DemoCluster, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(snapshot_app(snapshot_cluster.kubeconfig_path), terminal_size=(80, 24),  # type: ignore[attr-defined]
                        run_before=served_at("https://127.0.0.1:47312", settle))
