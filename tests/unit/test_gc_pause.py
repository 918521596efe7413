"""The garbage collector paused for the start (tui/gc_pause.py, issue 15): who pauses and who resumes.

The pause and resume rules run in a fresh interpreter (they switch the collector of the process);
the command line's own resumes run in-process. Nothing here times anything.
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import main
from tui.commands import Subcommand

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc
from tui.gc_pause import pause_collections, paused, resume_collections
assert gc.isenabled() and gc.get_freeze_count() == 0
resume_collections()
assert gc.isenabled() and gc.get_freeze_count() == 0, "nothing paused: nothing done"
pause_collections()
assert not gc.isenabled() and paused()
resume_collections()
assert gc.isenabled() and not paused() and gc.get_freeze_count() == 0, "resumed, nothing frozen"
gc.disable()
pause_collections()
assert not paused(), "off already: the caller's choice"
resume_collections()
assert not gc.isenabled()
print("OK")
"""


def test_only_a_pause_of_ours_is_resumed() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, cwd=ROOT,
                            check=False)
    assert result.stdout.strip() == "OK", result.stderr


def test_a_subcommand_runs_with_the_collector_on(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []

    def run(args: argparse.Namespace) -> int:
        seen.append(gc.isenabled())
        return 0

    monkeypatch.setattr("tui.commands.parser.discover_subcommands", lambda: [Subcommand("probe", "a probe", run)])
    assert gc.isenabled()
    assert main(["probe"]) == 0
    assert seen == [True]
    assert gc.isenabled()


def test_main_leaves_the_collector_on_when_argparse_exits(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "usage:" in capsys.readouterr().out
    assert gc.isenabled()
