"""The hint for a key nothing in the pod browser is bound to ("x: no such key here; ? lists the
keys"), instead of silence; at most one every `UNBOUND_HINT_SECONDS`. Keys typed into a field or a
terminal pane are theirs, never hinted."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual import events
from textual.screen import Screen
from textual.widgets import Input

from tui.keymap import key_label
from widgets.terminal.messages import is_terminal_view

__all__ = ["UNBOUND_HINT_SECONDS", "UnboundKeyHint"]

UNBOUND_HINT_SECONDS = 5.0


class UnboundKeyHint:
    """Call it with each key event reaching the screen (`on_key`): a key no active binding of the
    focused chain (the app's included) has, and no field or pane took, gets a short notice."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last: float | None = None

    def __call__(self, screen: Screen[Any], event: events.Key) -> None:
        focused = screen.focused
        if isinstance(focused, Input) or is_terminal_view(focused) or event.key in screen.active_bindings:
            return
        if event.character is None and not event.key.startswith(("ctrl+", "f")):
            return  # a lone modifier or a key the terminal names oddly: not something a user typed
        now = self._clock()
        if self._last is not None and now - self._last < UNBOUND_HINT_SECONDS:
            return
        self._last = now
        name = event.character if event.character and event.character.isprintable() else key_label(event.key)
        screen.notify(f"{name}: no such key here; ? lists the keys", timeout=3)
