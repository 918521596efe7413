"""The terminal widget alone in a headless Textual app, recording the messages it posts."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult
from textual.message import Message

from helpers import WAIT_SECONDS
from widgets.terminal.terminal_view import TerminalInput, TerminalLeave, TerminalResized, TerminalView


class TerminalApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield TerminalView(id="term")

    def on_mount(self) -> None:
        self.query_one(TerminalView).focus()

    def on_terminal_input(self, message: TerminalInput) -> None:
        self.messages.append(message)

    def on_terminal_resized(self, message: TerminalResized) -> None:
        self.messages.append(message)

    def on_terminal_leave(self, message: TerminalLeave) -> None:
        self.messages.append(message)

    def sent(self) -> bytes:
        return b"".join(m.data for m in self.messages if isinstance(m, TerminalInput))


def visible_text(term: TerminalView) -> list[str]:
    return [term.render_line(y).text.rstrip() for y in range(term.scrollable_content_region.height)]


async def until(pilot, predicate, timeout: float = WAIT_SECONDS) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await pilot.pause(0.01)
