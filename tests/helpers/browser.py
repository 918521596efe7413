"""Helpers for the pod browser tests: build the app against a demo cluster, poll the screen."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from textual.pilot import Pilot

from helpers import WAIT_SECONDS
from tui.app import EphemeraApp
from tui.kube.config import KubeConfig


def make_app(kubeconfig_path: Path | str, **kwargs: Any) -> EphemeraApp:
    kubeconfig = KubeConfig.load(kubeconfig=str(kubeconfig_path))
    return EphemeraApp(kubeconfig, **kwargs)


async def wait_for(pilot: Pilot, condition: Callable[[], object], timeout: float = WAIT_SECONDS, what: str = "") -> None:
    """Poll the UI (letting it process messages) until `condition()` is truthy."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or condition}")
        await pilot.pause(0.03)


def screen_lines(app: Any) -> list[str]:
    """What the terminal shows, line by line (the rendered screen, not the widgets' state)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_text(app: Any) -> str:
    return "\n".join(screen_lines(app))


def row_names(app: EphemeraApp) -> list[str]:
    return [name for _, name in app.browser.table.visible_keys()]


def row_of(app: EphemeraApp, namespace: str, name: str) -> dict[str, str]:
    """One row as {column label: text}."""
    table = app.browser.table
    return dict(zip(table.column_labels, table.row_texts((namespace, name)), strict=False))


def message_text(app: EphemeraApp) -> str:
    """The message shown in place of the table ("" when the table is shown)."""
    widget = app.browser.query_one("#table-message")
    return str(widget.render()) if widget.display else ""


def merged_kubeconfig(path: Path, configs: dict[str, Path]) -> Path:
    """One kubeconfig with a context per demo cluster, named by the dict keys; the first is current."""
    merged: dict[str, Any] = {"apiVersion": "v1", "kind": "Config", "clusters": [], "users": [], "contexts": []}
    for name, source in configs.items():
        data = yaml.safe_load(Path(source).read_text())
        cluster = data["clusters"][0]
        user = data["users"][0]
        context = data["contexts"][0]
        merged["clusters"].append({"name": name, "cluster": cluster["cluster"]})
        merged["users"].append({"name": name, "user": user["user"]})
        merged["contexts"].append(
            {"name": name, "context": {**context["context"], "cluster": name, "user": name}}
        )
    merged["current-context"] = next(iter(configs))
    path.write_text(yaml.safe_dump(merged))
    path.chmod(0o600)
    return path


def palette_entry(app: Any, index: int = 0) -> str:
    """The text of the command palette's entry `index` ("" while it has none)."""
    from textual.command import CommandList, CommandPalette

    if not isinstance(app.screen, CommandPalette):
        return ""
    options = app.screen.query_one(CommandList)
    return str(options.get_option_at_index(index).prompt) if options.option_count > index else ""


async def run_from_palette(pilot: Pilot, typed: str, first: str, key: str = "colon") -> None:
    """Open the palette with `key`, type `typed`, wait until its first entry (the highlighted one:
    the palette searches in a worker) shows `first`, and run it."""
    from textual.command import CommandPalette

    app = pilot.app
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), what=f"the palette on {key}")
    await pilot.press(*typed)
    await wait_for(pilot, lambda: first in palette_entry(app), what=f"{first!r} first in the palette for {typed!r}")
    await pilot.press("enter")


async def settled(pilot: Pilot) -> None:
    """Every event the screen and its widgets had queued, and those these posted in turn, is
    processed (Textual's own wait, no timer): what a negative assertion waits for, after a
    condition proved the input arrived."""
    await pilot.pause()
    await pilot.pause()
