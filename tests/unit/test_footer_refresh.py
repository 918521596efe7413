"""widgets/footer_refresh.py: Textual's Footer rebuilt once per refresh at most, and only when the
keys it shows changed; what it shows stays Textual's. Also the Textual internals it relies on, so
that a Textual release that renames them fails here instead of leaving the footer stale."""

from __future__ import annotations

import inspect
from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from helpers.browser import wait_for
from widgets import footer_refresh


def test_the_textual_internals_it_relies_on_exist() -> None:
    assert list(inspect.signature(Footer.bindings_changed).parameters) == ["self", "screen"]
    assert "_bindings_ready" in Footer._reactives
    assert inspect.iscoroutinefunction(Footer.recompose)
    assert isinstance(Screen.active_bindings, property)
    assert hasattr(App, "app_focus") and hasattr(App, "get_key_display")


class _Keys(App[None]):
    BINDINGS: ClassVar = [Binding("x", "toggle", "Toggle"), Binding("y", "act", "Act")]
    ENABLE_COMMAND_PALETTE = False

    def __init__(self) -> None:
        super().__init__()
        self.act_enabled = True

    def compose(self) -> ComposeResult:
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "act" and not self.act_enabled else True

    def action_toggle(self) -> None:
        self.act_enabled = not self.act_enabled
        self.refresh_bindings()

    def action_act(self) -> None:
        pass


def _pending(footer: Footer) -> bool:
    return bool(getattr(footer, "_ephemera_rebuild_pending", False))


def _shown(app: _Keys) -> list[tuple[str, str, bool]]:
    return [(key.key, key.description, key._disabled) for key in app.query(FooterKey)]


async def test_one_rebuild_per_refresh_only_when_the_keys_changed(monkeypatch: Any) -> None:
    footer_refresh.install()
    app = _Keys()
    async with app.run_test() as pilot:
        footer = app.query_one(Footer)
        await wait_for(pilot, lambda: _shown(app), what="the footer's keys")
        assert _shown(app) == [("x", "Toggle", False), ("y", "Act", False)]
        rebuilds = 0
        recompose = footer.recompose

        async def counted() -> None:
            nonlocal rebuilds
            await recompose()
            rebuilds += 1  # once the new keys are mounted

        monkeypatch.setattr(footer, "recompose", counted)
        for _ in range(3):  # three signals, the same keys: no rebuild
            app.screen.refresh_bindings()
        await wait_for(pilot, lambda: not _pending(footer), what="the pending rebuild run")
        assert rebuilds == 0
        await pilot.press("x")  # y disabled: one rebuild, the footer shows it as Textual does
        await wait_for(pilot, lambda: rebuilds and not _pending(footer) and _shown(app), what="the rebuild")
        assert rebuilds == 1
        assert _shown(app) == [("x", "Toggle", False), ("y", "Act", True)]
        app.act_enabled = True
        for _ in range(3):  # three signals in one frame, the keys changed: one rebuild
            app.screen.refresh_bindings()
        await wait_for(pilot, lambda: rebuilds == 2 and not _pending(footer) and _shown(app), what="the rebuild")
        await pilot.pause()
        assert rebuilds == 2
        assert _shown(app) == [("x", "Toggle", False), ("y", "Act", False)]
