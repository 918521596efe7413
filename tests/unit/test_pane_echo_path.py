"""The pane's echo path (issue 15): a key typed into a session pane goes to the session as the
terminal handles it, not behind a `TerminalInput` message waiting for the pane's turn in the
message queues; without an owner's callable the widget still posts the messages."""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult
from textual.message import Message

from helpers.terminal_app import TerminalApp, until
from tui.screens.session_pane import SessionPane, SessionTarget
from widgets.terminal.terminal_view import TerminalInput, TerminalView


class SinkApp(App[None]):
    """A terminal whose keys go to `typed`; every message the app sees is kept."""

    def __init__(self) -> None:
        super().__init__()
        self.typed: list[bytes] = []
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield TerminalView(id="term", on_input=self.typed.append)

    def on_mount(self) -> None:
        self.query_one(TerminalView).focus()

    def on_terminal_input(self, message: TerminalInput) -> None:
        self.messages.append(message)


async def test_a_key_goes_to_on_input_while_it_is_handled() -> None:
    app = SinkApp()
    async with app.run_test(size=(40, 8)) as pilot:
        term = app.query_one(TerminalView)
        term.on_key(events.Key("x", "x"))
        assert app.typed == [b"x"]  # no message queue between: gone before the handler returned
        await pilot.press("l", "s", "enter", "up")
        await pilot.pause()
        assert app.typed == [b"x", b"l", b"s", b"\r", b"\x1b[A"]  # in order
        assert app.messages == []


async def test_without_on_input_keys_are_still_messages() -> None:
    app = TerminalApp()
    async with app.run_test(size=(40, 8)) as pilot:
        app.query_one(TerminalView).on_key(events.Key("x", "x"))
        assert app.sent() == b""  # posted, not dispatched yet
        await until(pilot, lambda: app.sent() == b"x")


def test_a_session_pane_writes_a_key_to_its_session_as_the_terminal_handles_it() -> None:
    pane = SessionPane(SessionTarget("default", "web", "debugger"), connection=None, kind="exec")
    written: list[bytes] = []
    pane.runner.write = lambda data: written.append(data) is None  # type: ignore[method-assign]
    pane.terminal.on_key(events.Key("x", "x"))
    pane.terminal.on_key(events.Key("enter", "\r"))
    assert written == [b"x", b"\r"]
