"""SVG snapshots of the main screen at 120x40 and 80x24 (pytest-textual-snapshot).

Deterministic: the demo cluster listens on a fixed port, its scenario is seeded at a fixed "now"
and the app's clock is that same instant, with no periodic refresh. Update the baselines after
looking at them: `.venv/bin/pytest tests/functional/test_browser_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from browser_helpers import make_app, row_names, wait_for
from textual.pilot import Pilot

from tui.demo import scenario
from tui.demo.cluster import DemoCluster

SEED_NOW = datetime(2025, 6, 1, 12, 0, 0, tzinfo=timezone.utc)
SLIM = ("default", "slim-79487d6484-h4rss")


def _free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.fixture()
def fixed_cluster(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DemoCluster]:
    port = request.param
    if not _free(port):
        pytest.skip(f"port {port} is busy: the snapshot needs a fixed server address")
    cluster = DemoCluster(port=port, kubelet_delay=0.2, seed=False)
    cluster.start()
    cluster.run(lambda: scenario.seed(cluster.store, now=SEED_NOW))
    cluster.kubeconfig_path = cluster.write_kubeconfig(tmp_path / "kubeconfig")
    try:
        yield cluster
    finally:
        cluster.stop()


def _app(cluster: DemoCluster):  # type: ignore[no-untyped-def]
    return make_app(cluster.kubeconfig_path, demo=True, clock=lambda: SEED_NOW, live_timers=False)


async def _settle(pilot: Pilot) -> None:
    app = pilot.app
    browser = app.browser  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: SLIM[1] in row_names(app), what="rows")
    await wait_for(pilot, lambda: browser.header.state == "live", what="live")
    await wait_for(pilot, lambda: browser.inspector.namespaces, what="namespaces for the inspector")
    browser.table.select_key(SLIM)
    await wait_for(pilot, lambda: "Deployment slim" in browser.inspector.text, what="inspector")
    await pilot.pause(0.1)


@pytest.mark.parametrize("fixed_cluster", [47311], indirect=True)
def test_main_screen_120x40(fixed_cluster: DemoCluster, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_app(fixed_cluster), terminal_size=(120, 40), run_before=_settle)


@pytest.mark.parametrize("fixed_cluster", [47312], indirect=True)
def test_main_screen_80x24(fixed_cluster: DemoCluster, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_app(fixed_cluster), terminal_size=(80, 24), run_before=_settle)
