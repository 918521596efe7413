"""widgets/prompt_frames.py relies on Textual's Screen internals: a Textual upgrade that renames them
must fail here, not quietly bring back the frame timer's wait (issue 15)."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from widgets import prompt_frames


def test_the_screen_internals_it_patches_exist() -> None:
    for name in ("_on_idle", "_on_timer_update", "_invoke_and_clear_callbacks"):
        assert callable(getattr(Screen, name))
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
