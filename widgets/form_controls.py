"""Form controls whose state and focus are words or symbols, not shades.

Textual's checkbox and radio button show their state by the colour of one glyph (`▐X▌`, `▐●▌`):
under NO_COLOR or in 256 colours an unchecked box can look checked, and focus is a background one
step lighter. Here the state is `[x]`/`[ ]` and `(•)`/`( )`, and the focused control has a `▶`
marker in its left gutter (a field's label gets it too, `FieldLabel`), in every colour mode.

`ModeList` is a radio group as browsers make them: ↑/↓ (←/→) move the choice itself, so the row
marked `(•)` is always the one chosen (there is no separate cursor to mistake for it); Enter
moves on to the next field (it never submits the form).
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Checkbox, Input, RadioButton, RadioSet, Static

from tui.display_text import without_unsafe

FOCUS_MARKER = "▶ "
NO_MARKER = "  "


class BoxCheckbox(Checkbox):
    """A checkbox drawn `[x]` / `[ ]`, with `▶` in front while it has the focus."""

    DEFAULT_CSS = """
    BoxCheckbox > .toggle--button { color: $foreground; background: transparent; text-style: not dim; }
    BoxCheckbox.-on > .toggle--button { color: $text-success; background: transparent; text-style: bold; }
    BoxCheckbox:ansi > .toggle--button { color: ansi_default; background: ansi_default; text-style: not dim; }
    BoxCheckbox:ansi.-on > .toggle--button { text-style: bold; }
    """

    @property
    def _button(self) -> Content:
        style = self.get_visual_style("toggle--button")
        return Content.assemble((FOCUS_MARKER if self.has_focus else NO_MARKER, "bold"),
                                ("[x]" if self.value else "[ ]", style))


class ModeButton(RadioButton):
    """One row of a `ModeList`: `(•)` chosen, `( )` not; `▶` on the chosen row while the list has
    the focus."""

    @property
    def _button(self) -> Content:
        style = self.get_visual_style("toggle--button")
        focused = self.value and isinstance(self.parent, Widget) and self.parent.has_focus
        return Content.assemble((FOCUS_MARKER if focused else NO_MARKER, "bold"),
                                ("(•)" if self.value else "( )", style))


class ModeList(RadioSet):
    """A radio group whose arrow keys choose (see the module docstring)."""

    DEFAULT_CSS = """
    ModeList > ModeButton > .toggle--button { color: $foreground; background: transparent; }
    ModeList > ModeButton.-on > .toggle--button { color: $text-success; background: transparent; text-style: bold; }
    ModeList:blur > ModeButton.-selected > .toggle--label { background: transparent; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,right", "next_mode", "Next mode", show=False),
        Binding("up,left", "previous_mode", "Previous mode", show=False),
        Binding("space", "toggle_button", "Choose", show=False),
        Binding("enter", "next_field", "Next field", show=False),
    ]

    def on_mount(self) -> None:
        self.call_later(self._follow_choice)  # after RadioSet's own mount put its cursor on the first row

    def _follow_choice(self) -> None:
        """The cursor is the choice: on the chosen row, never on another one."""
        if self.pressed_index >= 0:
            self._selected = self.pressed_index

    def action_next_mode(self) -> None:
        self._follow_choice()
        self.action_next_button()
        self.action_toggle_button()

    def action_previous_mode(self) -> None:
        self._follow_choice()
        self.action_previous_button()
        self.action_toggle_button()

    def action_next_field(self) -> None:
        self.screen.focus_next()

    def on_focus(self) -> None:
        self._follow_choice()
        self._redraw_rows()

    def on_blur(self) -> None:
        self._redraw_rows()

    def _redraw_rows(self) -> None:
        for button in self.query(ModeButton):
            button.refresh(layout=True)


class FieldLabel(Static):
    """A form field's label, `▶ name` (bold, reversed) while a widget of its field has the focus.
    Its parent is the field's row (`Horizontal.field`)."""

    DEFAULT_CSS = """
    FieldLabel.-focused { text-style: bold reverse; }
    """

    def __init__(self, text: str, *, classes: str = "field-label") -> None:
        super().__init__(classes=classes)
        self.text = text

    def on_mount(self) -> None:
        self.watch(self.screen, "focused", self._focus_moved, init=False)

    def _focus_moved(self) -> None:
        self.set_class(self.focused, "-focused")
        self.refresh()

    @property
    def focused(self) -> bool:
        return isinstance(self.parent, Widget) and self.parent.has_focus_within

    def render(self) -> Content:
        return Content((FOCUS_MARKER if self.focused else NO_MARKER) + self.text)


class SafeInput(Input):
    """An Input that never takes a control or invisible character (ESC, DEL, U+202E, U+200B...):
    they are left out of what is pasted or inserted. Keys type only printable characters, but a
    paste can carry anything, and a field's value is shown on screen, sent in requests and copied
    (Ctrl+Y) as it is."""

    def insert_text_at_cursor(self, text: str) -> None:
        super().insert_text_at_cursor(without_unsafe(text))

    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(without_unsafe(text), start, end)
