"""The session tab bar on a narrow screen: titles shorten before anything is cut, and the shown
tab (with its badge) always stays visible, with counts of the tabs left out on each side."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tui.screens.session_pane import Badge
from tui.screens.session_tabs import SessionTabBar

ENTRIES = [
    ("slim-79487d6484-h4rss/debugger-abcde", Badge("live", "live")),
    ("payments-api-7c9d8f6b5-x2kqp/debugger-fghij", Badge("ended", "ended (exit 3)")),
    ("shared-pid-demo/worker", Badge("lost", "connection lost")),
    ("web-5d9c7b8f4-m4k8p/nginx", Badge("connecting", "connecting")),
    ("web-5d9c7b8f4-t9w2z/debugger-klmno", Badge("live", "live")),
]


class BarApp(App[None]):
    def compose(self) -> ComposeResult:
        yield SessionTabBar()


async def shown(width: int, active: int) -> str:
    app = BarApp()
    async with app.run_test(size=(width, 5)) as pilot:
        bar = app.query_one(SessionTabBar)
        bar.set_tabs(list(ENTRIES), active)
        await pilot.pause()
        text = bar.shown_text
        assert len(text) <= width
        assert "pod/container" not in text
        return text


async def test_everything_fits_on_a_wide_screen() -> None:
    text = await shown(300, 1)
    assert "slim-79487d6484-h4rss/debugger-abcde" in text and "web-5d9c7b8f4-t9w2z/debugger-klmno" in text
    assert "connection lost" in text


async def test_other_tabs_shorten_to_their_container_first() -> None:
    text = await shown(160, 2)
    assert "shared-pid-demo/worker ✕ connection lost" in text  # the shown tab: in full
    assert " 1 debugger-abcde ● live" in text and " 5 debugger-klmno ● live" in text
    assert "slim-79487d6484" not in text


async def test_on_a_narrow_screen_the_shown_tab_stays_visible_with_its_badge() -> None:
    for active in range(len(ENTRIES)):
        text = await shown(60, active)
        title, badge = ENTRIES[active]
        assert f" {active + 1} {title.rsplit('/', 1)[-1]} " in text, text
        assert badge.text in text, text
    text = await shown(60, 4)
    assert text.startswith("‹")  # tabs left out on the left are counted
    text = await shown(40, 0)
    assert text.rstrip().endswith("›")


async def test_a_click_on_a_shortened_tab_picks_that_tab() -> None:
    app = BarApp()
    async with app.run_test(size=(60, 5)) as pilot:
        bar = app.query_one(SessionTabBar)
        bar.set_tabs(list(ENTRIES), 0)
        await pilot.pause()
        text = bar.shown_text
        x = text.index(" 2 ") + 2
        start, end = bar._spans[1]
        assert start <= x < end
