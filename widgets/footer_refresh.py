"""Textual's Footer rebuilt once per refresh at most, and only when what it shows changed.

Textual's `Footer` answers every `bindings_updated_signal` of its screen (a screen pushed, the focus
moved, `refresh_bindings()`) with a `recompose()` after the next refresh: it removes its keys and
mounts a `FooterKey` per binding again, each styled twice (mount, then its `compact` class). The pod
browser's first screen sent five such signals before its first rows were painted, three of them
with the same keys: ~70 ms of the UI thread's start (issue 15: start-up, first rows of 1,000 pods
after `EphemeraApp.run` 0.33 -> 0.25 s). `install()` replaces `Footer.bindings_changed` with one that
keeps at most one rebuild pending and, when it runs, rebuilds only if the keys it would show (key,
its display, description, action, enabled, tooltip, group) or the palette key changed since its
last rebuild. What the footer shows is the same; it is only not rebuilt for nothing.

`tests/unit/test_footer_refresh.py` checks the Textual internals this relies on and the footer's
keys against Textual's own after bindings change.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer

__all__ = ["install", "shown_keys"]

_installed = False


def shown_keys(footer: Footer) -> tuple[Any, ...]:
    """What `footer.compose()` would show, as a value to compare: its screen's active bindings
    that are shown (with their key display, enabled state and tooltip) and the palette key's place."""
    app = footer.app
    keys = tuple(
        (binding.key, app.get_key_display(binding), binding.description, binding.action, enabled, tooltip,
         binding.group, binding.tooltip)
        for _node, binding, enabled, tooltip in footer.screen.active_bindings.values()
        if binding.show
    )
    return keys, footer.show_command_palette, app.ENABLE_COMMAND_PALETTE, app.COMMAND_PALETTE_BINDING


async def _rebuild_if_changed(footer: Footer) -> None:
    footer._ephemera_rebuild_pending = False  # type: ignore[attr-defined]
    if not footer.is_attached:
        return
    keys = shown_keys(footer)
    if keys == getattr(footer, "_ephemera_shown_keys", None):
        return
    footer._ephemera_shown_keys = keys  # type: ignore[attr-defined]
    await footer.recompose()


def _bindings_changed(self: Footer, screen: Screen[Any]) -> None:
    """Textual's `Footer.bindings_changed`, coalesced (see the module docstring)."""
    self._bindings_ready = True
    if not screen.app.app_focus:
        return
    if self.is_attached and screen is self.screen and not getattr(self, "_ephemera_rebuild_pending", False):
        self._ephemera_rebuild_pending = True  # type: ignore[attr-defined]
        self.call_after_refresh(_rebuild_if_changed, self)


def install() -> None:
    """Coalesce every Footer's rebuilds (idempotent; before the first Footer is mounted)."""
    global _installed
    if not _installed:
        Footer.bindings_changed = _bindings_changed  # type: ignore[method-assign]
        _installed = True
