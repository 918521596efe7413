"""SVG snapshots of the session panes: `top` running full-screen, and several tabs under the browser.

Deterministic as the browser snapshots are (scenario seeded at a fixed "now", the app's clock
that same instant, no periodic refresh, a fixed server address in the header); `top -d 3600` holds its first frame (a
frame depends only on its number; a resize redraws the same one), and the pod shown in the inspector has no debug container (whose start
time would be today's). Update after looking at them:
`.venv/bin/pytest tests/functional/test_terminal_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from helpers.attach import add_debug_container
from helpers.browser import wait_for
from helpers.snapshots import served_at, snapshot_app
from tui.demo.cluster import DemoCluster, start_seeded_containers
from tui.kube.config import KubeConfig
from widgets.terminal.terminal_view import TerminalView

SLIM = ("default", "slim-79487d6484-h4rss")
SHARED = ("default", "shared-pid-demo")
WEB = ("default", "web-5d9c7b8f4-m4k8p")


def _prepare(cluster: DemoCluster) -> Any:
    # the browser snapshots' cluster, plus the seeded containers' processes (targets to see)
    cluster.run(lambda: start_seeded_containers(cluster.store, cluster.runtime))
    connection = KubeConfig.load(str(cluster.kubeconfig_path)).connect()  # type: ignore[attr-defined]
    try:
        add_debug_container(connection, "debugger", target="app", pod=SLIM[1])
    finally:
        connection.close()
    return snapshot_app(cluster.kubeconfig_path)  # type: ignore[attr-defined]


def _text(pane: Any) -> str:
    return "\n".join(pane.terminal.engine.screen_text())


async def _select(pilot: Pilot, key: tuple[str, str]) -> None:
    browser: Any = pilot.app.browser  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: key in browser.table.pods, what=f"{key[1]} listed")
    browser.table.select_key(key)
    await wait_for(pilot, lambda: browser.table.selected_key == key, what="selected")


async def _type(pilot: Pilot, line: str) -> None:
    await pilot.press(*[("space" if c == " " else c) for c in line], "enter")


async def _attach(pilot: Pilot, key: tuple[str, str], keys: tuple[str, ...]) -> Any:
    browser: Any = pilot.app.browser  # type: ignore[attr-defined]
    count = len(browser.sessions.panes)
    await _select(pilot, key)
    await pilot.press(*keys)
    await wait_for(pilot, lambda: len(browser.sessions.panes) > count, what="a new pane")
    pane = browser.sessions.panes[-1]
    await wait_for(pilot, lambda: pane.badge.state in ("live", "no-shell"), what="live")
    await wait_for(pilot, lambda: pilot.app.focused is pane.terminal, what="the new pane focused")
    return pane


async def _top_full_screen(pilot: Pilot) -> None:
    browser: Any = pilot.app.browser  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: browser.header.state == "live", what="watch live")
    pane = await _attach(pilot, SLIM, ("a",))
    await pilot.press("ctrl+right_square_bracket", "z")
    await wait_for(pilot, lambda: browser.has_class("-sessions-full"), what="full-screen")
    await wait_for(pilot, lambda: isinstance(pilot.app.focused, TerminalView), what="focus")
    await _type(pilot, "top -d 3600")
    await wait_for(pilot, lambda: "Load average" in _text(pane) and "top -d 3600" in _text(pane).split("COMMAND", 1)[-1],
                   what="top's first frame")
    pane.terminal.flush_pending()


async def _several_tabs(pilot: Pilot) -> None:
    browser: Any = pilot.app.browser  # type: ignore[attr-defined]
    await wait_for(pilot, lambda: browser.header.state == "live", what="watch live")
    await wait_for(pilot, lambda: browser.inspector.namespaces, what="namespaces for the inspector")
    first = await _attach(pilot, SLIM, ("a",))
    await _type(pilot, "ps")
    await wait_for(pilot, lambda: "http.server" in _text(first), what="ps in tab 1")
    await pilot.press("ctrl+right_square_bracket", "escape")
    second = await _attach(pilot, SHARED, ("s", "down", "enter"))
    await _type(pilot, "ps")
    await wait_for(pilot, lambda: "sleep 3600" in _text(second) and "nginx" in _text(second), what="ps in tab 2")
    await pilot.press("ctrl+right_square_bracket", "escape")
    third = await _attach(pilot, SLIM, ("s", "enter"))  # app: distroless, no shell
    await wait_for(pilot, lambda: third.badge.state == "no-shell", what="no shell")
    await pilot.press("ctrl+right_square_bracket", "escape")
    await _select(pilot, WEB)
    await wait_for(pilot, lambda: "web-5d9c7b8f4-m4k8p" in browser.inspector.text, what="inspector")
    browser.sessions.show(0)
    await wait_for(pilot, lambda: pilot.app.focused is first.terminal, what="tab 1 focused")
    inspector = browser.inspector  # the focused pane's pod: its workload and events come a moment later
    await wait_for(pilot, lambda: inspector.workload_read and inspector.events is not None, what="inspector context")
    for pane in (first, second, third):
        pane.terminal.flush_pending()


def test_top_in_a_full_screen_pane_100x30(snapshot_cluster: DemoCluster, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_prepare(snapshot_cluster), terminal_size=(100, 30),
                        run_before=served_at("https://127.0.0.1:47321", _top_full_screen))


def test_three_tabs_below_the_browser_120x40(snapshot_cluster: DemoCluster, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(_prepare(snapshot_cluster), terminal_size=(120, 40),
                        run_before=served_at("https://127.0.0.1:47322", _several_tabs))
