"""The one way off the UI thread (tui/screens/background.py): one typed message back, stale answers
never shown, failures in one place. A stale answer is what makes a form show the pre-flight of
values the user already changed."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from textual import on
from textual.app import App, ComposeResult
from textual.widgets import Static

from helpers.browser import wait_for
from tui.screens.background import BackgroundFailed, BackgroundResult, StreamMessage, forget, run_in_background


@dataclass
class Answered(BackgroundResult):
    value: str


class Asker(Static):
    def __init__(self) -> None:
        super().__init__()
        self.shown: list[str] = []

    @on(Answered)
    def _answered(self, message: Answered) -> None:
        self.shown.append(message.value)


class AskingApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.failures: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield Asker()

    @on(BackgroundFailed)
    def _failed(self, message: BackgroundFailed) -> None:
        self.failures.append((message.group, str(message.error)))


def _answer_when(gate: threading.Event, value: str):  # type: ignore[no-untyped-def]
    def call() -> str:
        gate.wait(10)
        return value

    return call


async def test_an_answer_overtaken_by_a_newer_call_is_never_shown() -> None:
    app = AskingApp()
    async with app.run_test() as pilot:
        asker = app.query_one(Asker)
        slow, fast = threading.Event(), threading.Event()
        run_in_background(asker, _answer_when(slow, "old values"), Answered, group="check")
        run_in_background(asker, _answer_when(fast, "new values"), Answered, group="check")
        fast.set()
        await wait_for(pilot, lambda: asker.shown, what="the newer answer")
        slow.set()  # the older call ends last: its answer is stale
        run_in_background(asker, lambda: "other group", Answered, group="other")
        await wait_for(pilot, lambda: "other group" in asker.shown, what="a later message")
        assert asker.shown == ["new values", "other group"]


async def test_an_answer_is_checked_when_handled_not_when_posted() -> None:
    """An answer already queued when a newer call starts (or the group is forgotten) is dropped:
    Textual asks `no_dispatch` at dispatch time."""
    app = AskingApp()
    async with app.run_test() as pilot:
        asker = app.query_one(Asker)
        made: list[Answered] = []

        def record(value: str) -> Answered:
            made.append(Answered(value))
            return made[-1]

        run_in_background(asker, lambda: "first", record, group="check")
        await wait_for(pilot, lambda: asker.shown == ["first"], what="the first answer")
        assert made[0].no_dispatch is False
        gate = threading.Event()
        run_in_background(asker, _answer_when(gate, "second"), record, group="check")
        assert made[0].no_dispatch is True  # had it still been queued, it would now be dropped
        forget(asker, "check")
        gate.set()
        run_in_background(asker, lambda: "after", Answered, group="after")
        await wait_for(pilot, lambda: "after" in asker.shown, what="a later message")
        assert all(message.no_dispatch for message in made[1:])  # (a cancelled call may never run)
        assert asker.shown == ["first", "after"]


async def test_a_failure_nobody_handles_reaches_the_app() -> None:
    app = AskingApp()
    async with app.run_test() as pilot:
        asker = app.query_one(Asker)

        def fails() -> str:
            raise OSError("disk on fire")

        run_in_background(asker, fails, Answered, group="read")
        await wait_for(pilot, lambda: app.failures, what="the failure")
        assert app.failures == [("read", "disk on fire")]
        assert asker.shown == []


@dataclass
class Streamed(StreamMessage):
    value: str
    source: Stream


class Stream:
    def __init__(self) -> None:
        self.stopped = False


class Listener(Static):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    @on(Streamed)
    def _streamed(self, message: Streamed) -> None:
        self.seen.append(message.value)


class ListeningApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Listener()


async def test_what_a_stopped_stream_posted_is_not_dispatched() -> None:
    """A watch restarted (A, n, -l): batches of the old watch still queued never reach the table."""
    app = ListeningApp()
    async with app.run_test() as pilot:
        listener = app.query_one(Listener)
        old, new = Stream(), Stream()
        listener.post_message(Streamed("from the old watch", old))
        old.stopped = True  # stopped before its message is handled
        listener.post_message(Streamed("from the new watch", new))
        await wait_for(pilot, lambda: listener.seen, what="a message")
        assert listener.seen == ["from the new watch"]
