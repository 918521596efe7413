"""Opening a session while the session area is being removed (a follow-up worker's result arriving
as the app closes) is a no-op, not `NoMatches("No child found with id='session-1'")`."""

from __future__ import annotations

from helpers.browser import make_app, wait_for
from tui.demo.cluster import DemoCluster

SLIM = "slim-79487d6484-h4rss"


async def test_open_while_the_session_area_is_removed(shared_cluster: DemoCluster) -> None:
    app = make_app(shared_cluster.kubeconfig_path)  # type: ignore[attr-defined]
    async with app.run_test(size=(120, 40)) as pilot:
        browser = app.browser
        await wait_for(pilot, lambda: browser.connection is not None, what="connected")
        sessions = browser.sessions
        sessions.remove()  # what closing the app does to every widget, before the worker's call lands
        pane = sessions.open("default", SLIM, "app", connection=browser.connection, kind="exec")
        assert sessions.panes == [] and pane.session is None
        sessions.show(0)  # nothing to show: no error either


async def test_panes_opened_back_to_back_are_all_shown(shared_cluster: DemoCluster) -> None:
    app = make_app(shared_cluster.kubeconfig_path)  # type: ignore[attr-defined]
    async with app.run_test(size=(120, 40)) as pilot:
        browser = app.browser
        await wait_for(pilot, lambda: browser.connection is not None, what="connected")
        for container in ("app", "sidecar"):
            app.open_session("default", SLIM, container, kind="exec", command=["true"])
        sessions = browser.sessions
        assert [p.target.container for p in sessions.panes] == ["app", "sidecar"]
        assert sessions.current is sessions.panes[1]
        await wait_for(pilot, lambda: all(p.is_mounted for p in sessions.panes), what="mounted")
        sessions.show(0)
        assert sessions.current is sessions.panes[0] and sessions.panes[0].display
