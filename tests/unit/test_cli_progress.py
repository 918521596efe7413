"""`ephemera cp`'s progress line on a terminal: rewritten in place with a carriage return of ours,
while every other write to stderr still has its control characters made visible."""

from __future__ import annotations

import io

import pytest

from tui.cli_output import VisibleWriter, rewrite_line
from tui.commands.cp_run import _Progress


def test_progress_line_is_rewritten_with_a_real_carriage_return(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = io.StringIO()
    monkeypatch.setattr("sys.stderr", VisibleWriter(raw))
    progress = _Progress(quiet=False)
    progress.tty = True
    progress(300_000, 1_000_000)
    progress(600_000, 1_000_000)
    progress.end()
    assert raw.getvalue() == "\r300000 / 1000000 bytes (30 %)\r600000 / 1000000 bytes (60 %)\n"


def test_rewrite_line_makes_the_text_visible() -> None:
    raw = io.StringIO()
    rewrite_line("a\rb\x1b]0;x\x07\u202ec\n", VisibleWriter(raw))
    assert raw.getvalue() == "\ra␍b␛]0;x␇<U+202E>c␊"


def test_other_writes_still_show_a_carriage_return() -> None:
    raw = io.StringIO()
    print("\rx", file=VisibleWriter(raw))
    assert raw.getvalue() == "␍x\n"
