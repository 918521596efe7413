"""Sessions saved as asciicast v2 replay to the same screen."""

from __future__ import annotations

from pathlib import Path

from widgets.terminal.asciicast import AsciicastRecorder, read_asciicast
from widgets.terminal.engine import TerminalEngine


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_cast_file_has_header_events_and_replays_to_the_same_screen(tmp_path: Path) -> None:
    clock = FakeClock()
    path = tmp_path / "session.cast"
    live = TerminalEngine(30, 5)
    with AsciicastRecorder(path.open("w", encoding="utf-8"), 30, 5, title="web-1/debugger", clock=clock) as rec:
        for chunk in (b"$ ps\r\n", b"PID   USER\r\n", "1     root \xe4\xb8".encode("latin-1"), b"\xad\r\n$ "):
            clock.now += 0.5
            rec.output(chunk)
            live.feed(chunk)
        clock.now += 0.1
        rec.resize(40, 6)
    header, events = read_asciicast(path)
    assert header["version"] == 2
    assert (header["width"], header["height"]) == (30, 5)
    assert header["title"] == "web-1/debugger"
    outputs = [e for e in events if e[1] == "o"]
    assert [round(e[0], 3) for e in outputs] == [0.5, 1.0, 1.5, 2.0]
    assert events[-1][1:] == ("r", "40x6")
    replay = TerminalEngine(30, 5)
    for _, _kind, data in outputs:
        replay.feed_text(data)
    assert replay.screen_text() == live.screen_text()


def test_input_is_recorded_only_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "s.cast"
    with AsciicastRecorder(path.open("w", encoding="utf-8"), 10, 2, record_input=False) as rec:
        rec.input(b"secret\r")
        rec.output(b"x")
    _, events = read_asciicast(path)
    assert [kind for _, kind, _ in events] == ["o"]
