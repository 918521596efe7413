"""The first frame after a quiet moment is painted at once, not at the next tick of a frame timer.

Textual paints a screen's changes on an interval timer of 1/MAX_FPS (60 a second) aligned to when
it started: a key's moved cursor or a pane's echo waited for the next tick, 8 ms on average and up
to 17 (measured in a terminal: echo in a pane p50 19.8 ms at 60 fps, 7.6 ms at 1,000). `install()`
paints a screen's changes as soon as the app is idle when no frame was painted for a frame period;
changes that come faster than that still wait for the timer, so a flood is painted at most 60 times
a second as before (issue 15: "nothing queued behind a frame timer").

A partial update renders only the rows it repaints. Textual's `Compositor._get_renders` rendered,
for a one-line change, every widget whose clip overlaps the changed region, each whole: for a
pane's echo (one row of the terminal) the screen, the workspace, the browser's body, the tab bar,
the header and the footer, all their lines (13 widgets, most of the 1.7 ms the paint took); only
the changed rows of them were written. `install()` crops each widget's render to the rows of the
update (the full width, so the cuts between widgets are the same); what reaches the terminal is
the same, byte for byte.

`tests/unit/test_prompt_frames.py` checks the attributes of Textual's Screen and Compositor this
relies on.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from textual import events
from textual._compositor import Compositor
from textual.geometry import Region
from textual.screen import UPDATE_PERIOD, Screen
from textual.strip import Strip

_installed = False
_original_on_idle = Screen._on_idle
_original_on_timer_update = Screen._on_timer_update
_original_get_renders = Compositor._get_renders


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


def _get_renders(self: Compositor, crop: Region | None = None) -> Iterable[tuple[Region, Region, list[Strip]]]:
    """`Compositor._get_renders` for a partial update: each widget rendered on the rows of `crop`
    only, and not at all where a widget in front of it covers it there (the front one's cells win)."""
    if not crop or crop == self.size.region:
        yield from _original_get_renders(self, crop)  # a full update
        return
    top, height = crop.y, crop.height
    covered: list[Region] = []  # what the widgets yielded so far (front to back) show of `crop`
    for widget, (region, clip) in self.visible_widgets.items():
        if not crop.overlaps(clip):
            continue  # as Textual's: the same widgets, fewer rows of each
        rows = clip.intersection(Region(clip.x, top, clip.width, height))  # the columns of the clip
        shown = region.intersection(rows)
        if not (shown.width and shown.height):
            continue
        seen = shown.intersection(crop)
        if not (seen.width and seen.height) or any(front.contains_region(seen) for front in covered):
            continue  # beside the update, or hidden there behind one widget in front of it
        covered.append(seen)
        yield region, rows, widget.render_lines(
            Region(shown.x - region.x, shown.y - region.y, shown.width, shown.height)
        )


def install() -> None:
    """Paint the first frame after a quiet moment at once, on every screen, and render only the rows
    a partial update repaints (idempotent)."""
    global _installed
    if not _installed:
        Screen._on_idle = _on_idle  # type: ignore[method-assign]
        Screen._on_timer_update = _on_timer_update  # type: ignore[method-assign]
        Compositor._get_renders = _get_renders  # type: ignore[method-assign]
        _installed = True
