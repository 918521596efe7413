"""The messages a `TerminalView` posts, in a module of their own: screens handle them (and test
whether a widget is a terminal, `is_terminal_view`) without importing the terminal engine, which
the first screen does not need (issue 15: it is loaded when the first session pane opens)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from typing import TypeGuard

    from widgets.terminal.terminal_view import TerminalView

__all__ = [
    "TerminalInput",
    "TerminalLeave",
    "TerminalResized",
    "TerminalScrolled",
    "TerminalSelected",
    "is_terminal_view",
]


def is_terminal_view(node: object) -> TypeGuard[TerminalView]:
    """Whether `node` is a `TerminalView`. Until the terminal's module is imported (the first pane
    imports it) no widget can be one, so this does not import it."""
    module = sys.modules.get("widgets.terminal.terminal_view")
    return module is not None and isinstance(node, module.TerminalView)


@dataclass(eq=False)
class _TerminalMessage(Message):
    """A message from a TerminalView; `.terminal` / `.control` is the widget."""

    terminal: TerminalView | None = field(default=None, repr=False, kw_only=True)

    @property
    def control(self) -> TerminalView | None:
        return self.terminal


@dataclass(eq=False)
class TerminalInput(_TerminalMessage):
    """Bytes the user typed, pasted or clicked, to send to the program's stdin."""

    data: bytes


@dataclass(eq=False)
class TerminalResized(_TerminalMessage):
    """The terminal's size in cells changed (debounced): tell the program (channel 4)."""

    cols: int
    rows: int


@dataclass(eq=False)
class TerminalLeave(_TerminalMessage):
    """The user pressed the leave chord: the pane should give the focus back."""


@dataclass(eq=False)
class TerminalScrolled(_TerminalMessage):
    """The view left the bottom (scrolled back into the scrollback) or came back to it."""

    following: bool


@dataclass(eq=False)
class TerminalSelected(_TerminalMessage):
    """The user selected text with the mouse (a drag, a double or a triple click): copy it."""

    text: str
