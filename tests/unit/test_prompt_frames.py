"""widgets/prompt_frames.py relies on Textual's Screen and Compositor internals: a Textual upgrade that
renames them must fail here, not quietly bring back the frame timer's wait or whole-widget renders
(issue 15). A partial update writes, byte for byte, what Textual's own renders write."""

from __future__ import annotations

import asyncio
from typing import Any

from rich.console import Console
from textual._compositor import Compositor
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.geometry import Region
from textual.screen import ModalScreen, Screen
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from widgets import prompt_frames


def test_the_screen_internals_it_patches_exist() -> None:
    for name in ("_on_idle", "_on_timer_update", "_invoke_and_clear_callbacks"):
        assert callable(getattr(Screen, name))
    for name in ("_get_renders", "_render_chops", "render_partial_update"):
        assert callable(getattr(Compositor, name))
    screen = Screen()
    for name in ("_layout_required", "_scroll_required", "_repaint_required", "_recompose_required", "_dirty_widgets"):
        assert hasattr(screen, name), name


class Counter(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("0", id="n")


def test_a_change_after_a_quiet_moment_is_painted_without_the_timer() -> None:
    prompt_frames.install()

    async def run() -> None:
        app = Counter()
        async with app.run_test() as pilot:
            await pilot.pause()
            screen = app.screen
            painted: list[float] = []
            original = type(screen)._on_timer_update
            screen._on_timer_update = lambda: (painted.append(1), original(screen))[1]  # type: ignore[method-assign]
            screen._update_timer.stop()  # no tick would ever paint it
            app.query_one("#n", Static).update("1")
            await pilot.pause()
            assert painted, "the change was not painted at once"

    asyncio.run(run())


# -- a partial update renders the rows it repaints, of the widgets not hidden there ----------------


class Panes(App[None]):
    """A header and footer, a list beside a pane with a banner over its body (as the session area)."""

    CSS = """
    #top, #bottom { height: 1; background: $primary; }
    #left { width: 20; border-right: solid $accent; }
    #banner { height: 2; background: $warning 30%; }
    #body { background: $surface; padding: 0 1; }
    Dialog { align: center middle; background: $background 60%; }
    Dialog > Static { width: 20; height: 3; border: round $accent; }
    """

    def compose(self) -> ComposeResult:
        yield Static("cluster  ctx  ns", id="top")
        with Horizontal():
            yield Static("\n".join(f"pod-{i}" for i in range(30)), id="left")
            with Vertical(id="right"):
                yield Static("banner: live", id="banner")
                yield Static("\n".join(f"$ line {i} " + "x" * i for i in range(14)), id="body")
        yield Static("q quit  ? help", id="bottom")


class Dialog(ModalScreen[None]):
    def compose(self) -> ComposeResult:
        yield Static("Sure?", id="question")


TERMINAL = Console(color_system="truecolor", force_terminal=True, width=60)
UPDATES = [
    Region(30, 6, 20, 1),  # a row of the pane's body (an echo)
    Region(22, 3, 40, 3),  # the banner and the body's first row
    Region(0, 0, 60, 1),  # the header
    Region(5, 4, 50, 2),  # across the list, its border and the pane
    Region(0, 17, 60, 3),  # the last rows and the footer
]


def _written(app: App[None], crop: Region, get_renders: Any) -> str:
    """What the screen's compositor writes for a change in `crop`, its widgets rendered by `get_renders`."""
    compositor = app.screen._compositor
    compositor._get_renders = get_renders.__get__(compositor)  # type: ignore[method-assign]
    try:
        compositor._dirty_regions.add(crop)
        update: Any = compositor.render_update(screen_stack=app._background_screens)
    finally:
        del compositor._get_renders
    assert update is not None
    return str(update.render_segments(TERMINAL))


def test_a_partial_update_writes_what_textual_writes() -> None:
    """Byte for byte, for changes inside one widget, across several and under a modal screen."""

    async def run() -> None:
        app = Panes()
        async with app.run_test(size=(60, 20)) as pilot:
            await pilot.pause()
            for crop in UPDATES:
                assert _written(app, crop, prompt_frames._get_renders) == _written(
                    app, crop, prompt_frames._original_get_renders
                ), crop
            await app.push_screen(Dialog())
            await pilot.pause()
            for crop in [*UPDATES, Region(18, 8, 24, 5)]:
                assert _written(app, crop, prompt_frames._get_renders) == _written(
                    app, crop, prompt_frames._original_get_renders
                ), crop

    asyncio.run(run())


def test_an_echo_renders_its_row_of_the_widget_in_front_only() -> None:
    """A one-row change in the pane's body: the body renders that row; the containers behind it,
    the header, the footer and the list beside it render nothing (Textual rendered them all, whole)."""

    async def run() -> None:
        app = Panes()
        async with app.run_test(size=(60, 20)) as pilot:
            await pilot.pause()
            rendered: list[tuple[str, int]] = []
            original = Widget.render_lines

            def spy(self: Widget, crop: Region) -> list[Strip]:
                rendered.append((self.id or type(self).__name__, crop.height))
                return original(self, crop)

            Widget.render_lines = spy  # type: ignore[method-assign]
            try:
                _written(app, Region(30, 6, 20, 1), prompt_frames._get_renders)
            finally:
                Widget.render_lines = original  # type: ignore[method-assign]
            assert rendered == [("body", 1)]

    asyncio.run(run())


def test_a_full_update_is_textuals() -> None:
    prompt_frames.install()
    assert Compositor._get_renders is prompt_frames._get_renders

    async def run() -> None:
        app = Panes()
        async with app.run_test(size=(60, 20)) as pilot:
            await pilot.pause()
            compositor = app.screen._compositor
            full: Any = compositor.render_update(full=True)
            compositor._get_renders = prompt_frames._original_get_renders.__get__(compositor)  # type: ignore[method-assign]
            try:
                textual: Any = compositor.render_update(full=True)
            finally:
                del compositor._get_renders
            assert full.render_segments(TERMINAL) == textual.render_segments(TERMINAL)

    asyncio.run(run())
