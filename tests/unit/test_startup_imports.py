"""What `ephemera --version` and `ephemera --help` load (issue 15: each at kubectl's start-up time).

Run as the console script runs them, in a fresh interpreter: neither may import Rich, Textual, the
kubernetes client or anything of a command's implementation; nor `dataclasses` / `inspect` (the
subcommand table is a NamedTuple and the subcommands are found with os.scandir, not pkgutil, for
that). Structure only: nothing here times anything.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

HEAVY = ("rich", "textual", "kubernetes", "urllib3", "yaml", "aiohttp", "asyncio", "websocket", "importlib.metadata",
         "dataclasses", "inspect", "tui.display_text", "tui.kube", "tui.demo", "tui.app", "tui.screens", "widgets")

PROBE = """
import sys
from tui.cli import main
sys.argv = ["ephemera", *sys.argv[1:]]
try:
    code = main()
except SystemExit as exit:
    code = exit.code
print("MODULES", code, " ".join(sorted(sys.modules)))
"""


@pytest.mark.parametrize("argv", [["--version"], ["--help"]])
def test_version_and_help_import_nothing_heavy(argv: list[str]) -> None:
    result = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, timeout=120,
                            cwd=ROOT, check=True)
    line = result.stdout.splitlines()[-1]
    assert line.startswith("MODULES 0 "), result.stdout
    loaded = set(line.split()[2:])
    assert "tui.cli" in loaded
    assert sorted(name for name in loaded if name in HEAVY or name.startswith(tuple(h + "." for h in HEAVY))) == []


def test_version_fast_path_prints_what_argparse_prints() -> None:
    """`--version` alone skips the parser; the same line as `ephemera --version -n x` (the parser's)."""
    fast = subprocess.run([sys.executable, "-m", "tui", "--version"], capture_output=True, text=True, timeout=120,
                          cwd=ROOT, check=True)
    parsed = subprocess.run([sys.executable, "-m", "tui", "-n", "x", "--version"], capture_output=True, text=True,
                            timeout=120, cwd=ROOT, check=True)
    assert fast.stdout == parsed.stdout != ""
    assert fast.stderr == parsed.stderr == ""
