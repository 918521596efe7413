"""What `ephemera --version`, `ephemera --help` and the TUI load (issue 15: start-up).

Run as the console script runs them, in a fresh interpreter: neither `--version` nor `--help` may
import Rich, Textual, the kubernetes client or anything of a command's implementation; nor
`dataclasses` / `inspect` (the subcommand table is a NamedTuple and the subcommands are found with
os.scandir, not pkgutil, for that). `--version` alone is answered by the entry point before argparse
and the subcommands are imported. The TUI (`tui.commands.tui_run`, all `ephemera` imports before
its first screen) leaves out what only a key, a crash or another command needs. Structure only:
nothing here times anything.
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


def _loaded(code: str, *argv: str) -> set[str]:
    result = subprocess.run([sys.executable, "-c", code, *argv], capture_output=True, text=True, timeout=120,
                            cwd=ROOT, check=True)
    line = result.stdout.splitlines()[-1]
    assert line.startswith("MODULES "), result.stdout
    return set(line.split()[1:])


def test_version_is_answered_by_the_entry_point_alone() -> None:
    """No parser, no subcommand table, not even `typing`: the interpreter's start and three small modules."""
    loaded = _loaded(PROBE.replace('print("MODULES", code, ', 'print("MODULES", '), "--version")
    assert sorted(name for name in loaded if name.split(".")[0] in ("tui", "widgets")) == ["tui", "tui.cli", "tui.gc_pause"]
    assert {"argparse", "typing", "pathlib"}.isdisjoint(loaded)


# Imported only by the key, the crash or the command that needs them (each one's late import is
# listed with its reason in test_late_imports.py).
NOT_FOR_THE_FIRST_SCREEN = (
    "tui.crash_report", "rich.traceback", "rich.pretty", "pygments", "attr",  # only after a crash
    "tui.screens.audit_log_screen",  # L
    "tomlkit",  # saving the settings (a theme changed, an image remembered)
    "tui.screens.logs_screen", "tui.screens.yaml_screen", "tui.screens.debug_followup",  # l / v / d
    "tui.screens.node_debug_modal", "tui.screens.file_copy_modal",  # N / F
    "tui.demo", "aiohttp",  # --demo only
    "textual_serve", "tui.commands.serve_run",  # ephemera serve
    # the first session pane (a, s, d and the rest): the panes, the terminal engine, the session's life
    "tui.screens.session_pane", "widgets.terminal.terminal_view", "widgets.terminal.engine",
    "widgets.terminal.asciicast", "tui.sessions", "tui.kube.attach_session",
    "tui.debug.planner",  # planning a debugger (the settings read only its request's defaults)
)


def test_the_tui_imports_nothing_its_first_screen_does_not_need() -> None:
    """Everything `ephemera` imports before its first screen, then an app made and its exit without a
    crash (Textual prints the crash report, if any, on every exit): none of the deferred modules."""
    code = (
        "import sys\n"
        "import tui.commands.tui_run\n"
        "from tui.app import EphemeraApp\n"
        "from tui.settings import Settings\n"
        "app = EphemeraApp(None, settings=Settings())\n"
        "app._print_error_renderables()\n"
        "print('MODULES', ' '.join(sorted(sys.modules)))\n"
    )
    loaded = _loaded(code)
    assert "tui.app" in loaded and "tui.screens.browser_screen" in loaded
    deferred = tuple(NOT_FOR_THE_FIRST_SCREEN)
    assert sorted(name for name in loaded if name in deferred or name.startswith(tuple(d + "." for d in deferred))) == []
