"""Quitting with debug sessions open on a real cluster asks first and says what stays running.

Ephemeral containers can never be removed and a detached shell keeps running: `q` (or Ctrl+C
outside a pane) must not leave that behind silently. The app lists the open sessions and asks;
after quitting, the CLI prints each still-running shell with the command to re-attach.
"""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot

from helpers.attach import add_debug_container_to
from helpers.browser import make_app, wait_for
from tui.demo.cluster import DemoCluster
from tui.screens.confirm_modal import ConfirmModal
from tui.screens.session_pane import SessionPane

SLIM = ("default", "slim-79487d6484-h4rss")


def _panes(pilot: Pilot) -> list[SessionPane]:
    return list(pilot.app.browser.sessions.panes)  # type: ignore[attr-defined]


async def _attach(pilot: Pilot) -> SessionPane:
    app: Any = pilot.app
    await wait_for(pilot, lambda: SLIM in app.browser.table.pods, what="the slim pod listed")
    app.browser.table.select_key(SLIM)
    await wait_for(pilot, lambda: app.browser.table.selected_key == SLIM, what="selection")
    await pilot.press("a")
    await wait_for(pilot, lambda: _panes(pilot) and _panes(pilot)[-1].badge.state == "live", what="a live pane")
    return _panes(pilot)[-1]


def _modal_text(pilot: Pilot) -> str:
    screen = pilot.app.screen
    assert isinstance(screen, ConfirmModal), f"no confirmation (screen is {type(screen).__name__})"
    return " ".join([screen.title_text, *screen.reasons])


async def test_quit_with_a_live_session_asks_then_reports_what_keeps_running(demo_cluster: DemoCluster) -> None:
    add_debug_container_to(demo_cluster.kubeconfig_path, "debugger", target="app", pod=SLIM[1])
    app = make_app(demo_cluster.kubeconfig_path)  # a real cluster as far as the app knows
    async with app.run_test(size=(120, 40)) as pilot:
        await _attach(pilot)
        await pilot.press("ctrl+right_square_bracket")  # leave the pane
        await pilot.press("escape")
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmModal), what="the quit confirmation")
        text = _modal_text(pilot)
        assert "1 session is open: default/slim-79487d6484-h4rss/debugger" in text
        assert "keep running in their containers" in text
        await pilot.press("n")  # changed my mind: still running, the session still live
        await wait_for(pilot, lambda: not isinstance(pilot.app.screen, ConfirmModal), what="the confirmation closed")
        assert app.is_running and _panes(pilot)[-1].badge.state == "live"
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfirmModal), what="the quit confirmation again")
        await pilot.press("y")
        await wait_for(pilot, lambda: not app.is_running, what="the app quit")
    summary = app.exit_summary()
    assert "still running in the cluster" in summary
    # the command reaches this cluster: its context and the kubeconfig the app was given
    assert ("kubectl attach -it -n default slim-79487d6484-h4rss -c debugger --context ephemera-demo "
            f"--kubeconfig {demo_cluster.kubeconfig_path}") in summary


async def test_quit_without_open_sessions_does_not_ask(demo_cluster: DemoCluster) -> None:
    app = make_app(demo_cluster.kubeconfig_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: SLIM in app.browser.table.pods, what="the slim pod listed")  # type: ignore[attr-defined]
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running, what="the app quit at once")
    assert app.exit_summary() == ""
