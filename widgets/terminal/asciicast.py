"""Record a terminal session as an asciicast v2 file (`.cast`), playable with `asciinema play`.

Format: a JSON header line, then one JSON array per event: `[seconds, "o", text]` for output,
`[seconds, "i", text]` for input, `[seconds, "r", "COLSxROWS"]` for a resize. Output is decoded
incrementally, so a UTF-8 character split between two chunks is written whole. The recorder writes
to a text stream its caller opened (and closes it): how the file is created is the caller's (the
app opens it mode 0600 with `tui.paths.open_private_file`: a recording holds whatever was typed and
shown), so this package needs nothing from the app.
"""

from __future__ import annotations

import codecs
import json
import threading
import time
from pathlib import Path
from typing import IO, Any

__all__ = ["AsciicastRecorder", "read_asciicast"]


class AsciicastRecorder:
    """Append a session's output (any thread) to `file`, an open text stream (closed by close()).
    Use as a context manager or close()."""

    def __init__(
        self,
        file: IO[str],
        cols: int,
        rows: int,
        *,
        title: str | None = None,
        record_input: bool = False,
        clock: Any = time.monotonic,
    ) -> None:
        self.record_input = record_input
        self._clock = clock
        self._start = clock()
        self._lock = threading.Lock()
        self._output_decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._input_decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        header: dict[str, Any] = {
            "version": 2,
            "width": int(cols),
            "height": int(rows),
            "timestamp": int(time.time()),
            "env": {"TERM": "xterm-256color", "SHELL": "/bin/sh"},
        }
        if title:
            header["title"] = title
        self._file: IO[str] | None = file
        self._write_line(header)

    def _elapsed(self) -> float:
        return round(self._clock() - self._start, 6)

    def _write_line(self, item: Any) -> None:
        if self._file is not None:
            self._file.write(json.dumps(item, ensure_ascii=False) + "\n")

    def output(self, data: bytes) -> None:
        with self._lock:
            text = self._output_decoder.decode(data)
            if text:
                self._write_line([self._elapsed(), "o", text])

    def input(self, data: bytes) -> None:
        if not self.record_input:
            return
        with self._lock:
            text = self._input_decoder.decode(data)
            if text:
                self._write_line([self._elapsed(), "i", text])

    def resize(self, cols: int, rows: int) -> None:
        with self._lock:
            self._write_line([self._elapsed(), "r", f"{int(cols)}x{int(rows)}"])

    def close(self) -> None:
        with self._lock:
            rest = self._output_decoder.decode(b"", final=True)
            if rest:
                self._write_line([self._elapsed(), "o", rest])
            if self._file is not None:
                self._file.close()
                self._file = None

    def __enter__(self) -> AsciicastRecorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_asciicast(path: str | Path) -> tuple[dict[str, Any], list[tuple[float, str, str]]]:
    """The header and the events of a `.cast` v2 file."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    events = [tuple(json.loads(line)) for line in lines[1:] if line.strip()]
    return header, [(float(t), str(kind), str(data)) for t, kind, data in events]
