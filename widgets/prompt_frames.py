"""The first frame after a quiet moment is painted at once, not at the next tick of a frame timer.

Textual paints a screen's changes on an interval timer of 1/MAX_FPS (60 a second) aligned to when
it started: a key's moved cursor or a pane's echo waited for the next tick, 8 ms on average and up
to 17 (measured in a terminal: echo in a pane p50 19.8 ms at 60 fps, 7.6 ms at 1,000). `install()`
paints a screen's changes as soon as the app is idle when no frame was painted for a frame period;
changes that come faster than that still wait for the timer, so a flood is painted at most 60 times
a second as before (issue 15: "nothing queued behind a frame timer").

`tests/unit/test_prompt_frames.py` checks the attributes of Textual's Screen this relies on.
"""

from __future__ import annotations

import time

from textual import events
from textual.screen import UPDATE_PERIOD, Screen

_installed = False
_original_on_idle = Screen._on_idle
_original_on_timer_update = Screen._on_timer_update


def _needs_paint(screen: Screen) -> bool:
    return bool(
        screen._layout_required
        or screen._scroll_required
        or screen._repaint_required
        or screen._recompose_required
        or screen._dirty_widgets
    )


def _on_timer_update(self: Screen) -> None:
    self._painted_at = time.monotonic()  # type: ignore[attr-defined]
    _original_on_timer_update(self)


async def _on_idle(self: Screen, event: events.Idle) -> None:
    if (
        not self.app._batch_count
        and self.is_current
        and _needs_paint(self)
        and time.monotonic() - getattr(self, "_painted_at", 0.0) >= UPDATE_PERIOD
    ):
        event.prevent_default()
        self._on_timer_update()  # what the timer's tick does, now
        return
    await _original_on_idle(self, event)


def install() -> None:
    """Paint the first frame after a quiet moment at once, on every screen (idempotent)."""
    global _installed
    if not _installed:
        Screen._on_idle = _on_idle  # type: ignore[method-assign]
        Screen._on_timer_update = _on_timer_update  # type: ignore[method-assign]
        _installed = True
