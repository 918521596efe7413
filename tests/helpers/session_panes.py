"""Session panes in the app (pilot): select a pod, attach, type into the focused pane, wait for its
output or badge."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from textual.pilot import Pilot

from helpers import WAIT_SECONDS
from helpers.attach import add_debug_container_to
from helpers.browser import make_app, wait_for
from tui.demo.cluster import DemoCluster
from tui.screens.session_pane import SessionPane
from widgets.terminal.terminal_view import TerminalView

SLIM = ("default", "slim-79487d6484-h4rss")


async def select(pilot: Pilot, key: tuple[str, str]) -> None:
    app: Any = pilot.app
    await wait_for(pilot, lambda: key in app.browser.table.pods, what=f"pod {key[1]} listed")
    app.browser.table.select_key(key)
    await wait_for(pilot, lambda: app.browser.table.selected_key == key, what="selection")


def panes(pilot: Pilot) -> list[SessionPane]:
    return list(pilot.app.browser.sessions.panes)  # type: ignore[attr-defined]


def text_of(pane: SessionPane) -> str:
    return "\n".join(pane.terminal.engine.all_text())


async def type_line(pilot: Pilot, line: str) -> None:
    await pilot.press(*[("space" if c == " " else c) for c in line], "enter")


async def wait_text(pilot: Pilot, pane: SessionPane, needle: str, timeout: float = WAIT_SECONDS) -> None:
    await wait_for(pilot, lambda: needle in text_of(pane), timeout, what=f"{needle!r} in the pane")


async def run_line(pilot: Pilot, pane: SessionPane, line: str, expect: str) -> None:
    """Type a command line into the focused pane and wait for `expect` in its output."""
    await type_line(pilot, line)
    await wait_text(pilot, pane, expect)


async def wait_badge(pilot: Pilot, pane: SessionPane, text: str, timeout: float = WAIT_SECONDS) -> None:
    await wait_for(pilot, lambda: pane.badge.text == text, timeout, what=f"badge {text!r} (is {pane.badge.text!r})")


async def attach_first(pilot: Pilot, key: tuple[str, str]) -> SessionPane:
    await select(pilot, key)
    await pilot.press("a")
    await wait_for(pilot, lambda: panes(pilot), what="a pane")
    pane = panes(pilot)[-1]
    await wait_badge(pilot, pane, "live")
    await wait_for(pilot, lambda: isinstance(pilot.app.focused, TerminalView), what="the terminal focused")
    return pane


@asynccontextmanager
async def attached(cluster: DemoCluster) -> AsyncIterator[tuple[Any, Any, Any]]:
    """The app at 120x40 with a live pane on a debug container of the slim pod."""
    add_debug_container_to(cluster.kubeconfig_path, "debugger", target="app", pod=SLIM[1])  # type: ignore[attr-defined]
    app: Any = make_app(cluster.kubeconfig_path)  # type: ignore[attr-defined]
    async with app.run_test(size=(120, 40)) as pilot:
        yield app, pilot, await attach_first(pilot, SLIM)
