"""The SVG snapshots' app: the demo scenario seeded at a fixed "now" (SEED_NOW, the app's clock
too), no periodic refresh, and the header's server address fixed (`served_at`) since the cluster
listens on a free port."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from helpers.browser import make_app, row_names, wait_for
from tui.app import EphemeraApp

SEED_NOW = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)
SLIM = ("default", "slim-79487d6484-h4rss")

RunBefore = Callable[[Pilot], Awaitable[None]]


def snapshot_app(kubeconfig_path: Path | str) -> EphemeraApp:
    return make_app(kubeconfig_path, demo=True, clock=lambda: SEED_NOW, live_timers=False)


def served_at(address: str, run_before: RunBefore) -> RunBefore:
    """`run_before`, with the header showing `address` as the API server's once connected (the
    only place the free port would show), and the text fields' cursors steady: a blinking one is
    on or off depending on when the picture is taken (a focused field's cursor is shown)."""

    async def shown(pilot: Pilot) -> None:
        browser: Any = pilot.app.browser  # type: ignore[attr-defined]
        await wait_for(pilot, lambda: browser.header.state == "live", what="live")
        browser.header.server = address
        await run_before(pilot)
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await wait_for(pilot, lambda: browser.header.server == address, what="the fixed address shown")

    return shown


async def settle(pilot: Pilot) -> None:
    """The main screen with the slim pod selected and its inspector filled."""
    app: Any = pilot.app
    browser = app.browser
    await wait_for(pilot, lambda: SLIM[1] in row_names(app), what="rows")
    await wait_for(pilot, lambda: browser.header.state == "live", what="live")
    await wait_for(pilot, lambda: browser.inspector.namespaces, what="namespaces for the inspector")
    browser.table.select_key(SLIM)
    await wait_for(pilot, lambda: "Deployment slim" in browser.inspector.text, what="inspector")
    inspector = browser.inspector  # its workload and events come a moment later (tui/screens/pod_context.py)
    await wait_for(pilot, lambda: inspector.workload_read and inspector.events is not None,
                   what="the inspector's workload and events")
