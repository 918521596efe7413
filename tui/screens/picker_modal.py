"""A modal list picker (namespaces, contexts): type to narrow, Enter picks, Esc cancels."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from tui.display_text import safe_text, visible_line
from tui.kube.errors import describe_exception
from tui.screens.background import BackgroundFailed, BackgroundResult, run_in_background
from widgets.form_controls import SafeInput


@dataclass
class ChoicesLoaded(BackgroundResult):
    """The picker's `load()` returned: the choices, and a notice for the user ("" if none)."""

    items: list[str]
    notice: str


class PickerModal(ModalScreen[str | None]):
    """Dismisses with the picked value, or None."""

    HELP_TITLE = "picker"  # the help's title: "Keys: picker"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("up", "cursor_up", "Up", show=False),
        Binding("enter", "pick", "Pick"),
    ]

    def __init__(
        self,
        title: str,
        *,
        items: list[str] | None = None,
        load: Callable[[], tuple[list[str], str]] | None = None,
        current: str | None = None,
        extra_first: list[str] | None = None,
        allow_typed: bool = False,
        current_note: str = "current",
    ) -> None:
        """`items` now, or `load` (run in a thread) returning (items, notice). `allow_typed`: the
        typed text is offered too (a namespace the list does not hold: no permission to list).
        `current` is highlighted first and marked `(current_note)`: what it is, e.g. the default."""
        super().__init__()
        self.allow_typed = allow_typed
        self.title_text = title
        self.items: list[str] = list(items or [])
        self.load = load
        self.current = current
        self.current_note = current_note
        self.extra_first = list(extra_first or [])
        self.notice = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Label(safe_text(self.title_text), id="picker-title")
            yield SafeInput(placeholder="type to filter", id="picker-filter")
            yield OptionList(id="picker-list")
            yield Label("", id="picker-notice")

    def on_mount(self) -> None:
        if self.load is not None:
            self.query_one("#picker-notice", Label).update("loading…")
            self._load()
        else:
            self._fill("")

    def _load(self) -> None:
        assert self.load is not None
        run_in_background(self, self.load, lambda loaded: ChoicesLoaded(*loaded), group="picker-load")

    @on(ChoicesLoaded)
    def _on_loaded(self, message: ChoicesLoaded) -> None:
        self._loaded(message.items, message.notice)

    @on(BackgroundFailed)
    def _on_load_failed(self, message: BackgroundFailed) -> None:
        message.stop()
        self._loaded([], f"cannot list: {describe_exception(message.error).message}")

    def _loaded(self, items: list[str], notice: str) -> None:
        if notice and self.allow_typed:
            notice += "; type any name and press Enter to use it"
        self.items = items
        self.notice = notice
        self.query_one("#picker-notice", Label).update(safe_text(notice))
        self._fill(self.query_one("#picker-filter", Input).value)

    def _fill(self, text: str) -> None:
        option_list = self.query_one("#picker-list", OptionList)
        option_list.clear_options()
        needle = text.strip().lower()
        values = self.extra_first + [i for i in self.items if i not in self.extra_first]
        shown = [v for v in values if needle in v.lower()]
        options: list[Option] = []
        highlight = 0
        for index, value in enumerate(shown):
            label = Text(visible_line(value))
            if value == self.current:
                label.append(f"  ({self.current_note})", style="dim")
                highlight = index
            options.append(Option(label, id=value))
        typed = text.strip()
        if self.allow_typed and typed and typed not in values:
            options.append(Option(Text.assemble(visible_line(typed), ("  (as typed)", "dim")), id=typed))
        option_list.add_options(options)
        if options:
            option_list.highlighted = highlight if not needle else 0

    @on(Input.Changed, "#picker-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#picker-filter")
    def _submitted(self, event: Input.Submitted) -> None:
        self.action_pick()

    @on(OptionList.OptionSelected, "#picker-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cursor_down(self) -> None:
        self.query_one("#picker-list", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#picker-list", OptionList).action_cursor_up()

    def action_pick(self) -> None:
        option_list = self.query_one("#picker-list", OptionList)
        if option_list.highlighted is None or option_list.option_count == 0:
            return
        self.dismiss(option_list.get_option_at_index(option_list.highlighted).id)

    def action_cancel(self) -> None:
        self.dismiss(None)
